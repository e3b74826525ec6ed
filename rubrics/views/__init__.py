"""Catalogue screens, one module per area (CONVENTIONS: views.py past ~400 lines)."""
