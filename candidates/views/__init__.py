"""Candidates views, one module per screen area."""
