"""Overkiz Batch: Overkiz gateways with batched commands and per-entity job guards."""
