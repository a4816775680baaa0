"""Tests of the gateway simulator, driven by pyoverkiz's real client."""
