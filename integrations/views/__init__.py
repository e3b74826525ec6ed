"""Integrations pages, one module per screen family (tokens, webhooks)."""
