"""What a token may touch: "<area>:read" or "<area>:write" (write implies read).

A scope never adds a permission: the token's person must also be allowed the action,
with the same checks (and independence rules) as the pages.
"""

AREAS: dict[str, str] = {
    "candidates": "Candidates, applications and candidate imports",
    "interviews": "Interviews and who sits on them",
    "scorecards": "Submitted scorecards (read only)",
    "decisions": "Committee decisions",
    "packets": "Debrief packets: request, status, download",
    "loops": "Loops (read only)",
    "banks": "Question banks: export and import",
    "reviews": "Performance reviews of hires",
}
READ_ONLY_AREAS = frozenset({"scorecards", "loops"})

SCOPES: dict[str, str] = {}
for _area, _label in AREAS.items():
    SCOPES[f"{_area}:read"] = f"Read: {_label.lower()}"
    if _area not in READ_ONLY_AREAS:
        SCOPES[f"{_area}:write"] = f"Write: {_label.lower()}"


def grants(scopes: list[str], wanted: str) -> bool:
    """Does a token with `scopes` hold `wanted` ("candidates:read")? write implies read."""
    area, _, mode = wanted.partition(":")
    return wanted in scopes or (mode == "read" and f"{area}:write" in scopes)


def unknown(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope not in SCOPES]
