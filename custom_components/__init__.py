"""Custom integrations of this repository (Overkiz Batch)."""
