"""Scoring screens, one module per screen."""
