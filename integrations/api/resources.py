"""Every resource's router, mounted on the API (one module each, one line here each)."""

from integrations.api.core import api

ROUTERS: list[tuple[str, str]] = [
    ("/candidates/", "integrations.api.candidates"),
    ("/people/", "integrations.api.people"),
    ("/applications/", "integrations.api.applications"),
    ("/interviews/", "integrations.api.interviews"),
    ("/loops/", "integrations.api.loops"),
    ("/banks/", "integrations.api.banks"),
    ("/scorecards/", "integrations.api.scorecards"),
    ("/", "integrations.api.decisions"),  # /decisions/…, /applications/{id}/decisions
    ("/", "integrations.api.packets"),  # /packets/…, /applications/{id}/packets
    ("/reviews/", "integrations.api.reviews"),
    ("/imports/", "integrations.api.imports"),
]

for prefix, module in ROUTERS:
    api.add_router(prefix, f"{module}.router")
