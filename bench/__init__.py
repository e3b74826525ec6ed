"""Benchmark scripts and the bench-only settings and URLs they serve (never deployed)."""
