"""Access registry: the API's candidate import (recruiters with candidates:write; others 403)."""

from .registry import Access, api_recruiters

ENTRIES = {
    "api-v1:import_candidates": Access(
        api=True,
        method="post",
        data=lambda world: {
            "text": "name,email\nCasey Import,casey.import@example.org\n",
            "dry_run": True,
        },
        expect=api_recruiters(200),
    ),
}
