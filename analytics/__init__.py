"""Pricing, cost resolution and reports over the synced database."""
