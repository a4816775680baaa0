"""Tests for Overkiz Batch."""
