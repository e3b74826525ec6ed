"""Who uses a catalogue item: apps that pin catalogue items register a lookup here.

rubrics depends on no other app; interviews registers how to find the loops that use
a question, competency or scale, so the catalogue can say which loops an edit affects.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Usage:
    label: str
    url: str
    status: str


_lookups: list[Callable[[object], list[Usage]]] = []


def register(lookup: Callable[[object], list[Usage]]) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def used_by(item) -> list[Usage]:
    """Every registered user of `item` (e.g. the loops that plan a question)."""
    return [usage for lookup in _lookups for usage in lookup(item)]
