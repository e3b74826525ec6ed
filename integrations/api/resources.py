"""Every resource's router, mounted on the API (one module each, one line here each)."""

from integrations.api.core import api

ROUTERS: list[tuple[str, str]] = [
    # ("/candidates/", "integrations.api.candidates"),
]

for prefix, module in ROUTERS:
    api.add_router(prefix, f"{module}.router")
