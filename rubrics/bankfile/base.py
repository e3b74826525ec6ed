"""What every part of the bank file code shares: the format's constants, the error, the data."""

import re
from dataclasses import dataclass, field
from typing import Any

from accounts.validators import shown

from ..models import Question

FORMAT = 1
SUPPORTED_FORMATS = (FORMAT,)
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Every key column is the same SlugField; its length comes from the model.
KEY_MAX = Question._meta.get_field("key").max_length
POINT_RANGE = (-100, 100)
MINUTES_RANGE = (1, 180)
# A curated set is written for one stage: a stage's own bounds (interviews.Stage).
STAGE_MINUTES_RANGE = (5, 480)
DASH = "\u2013"  # an en dash: ranges read as in docs/bank-format.md
KINDS = tuple(Question.Kind.values)
SECTIONS = ("scales", "competencies", "tags", "ladders", "roles", "questions", "curated_sets")
# A file with problems everywhere lists this many, then says how many more there are.
MAX_PROBLEMS = 200


class BankFileError(Exception):
    """A bank file that cannot be imported; `problems` lists each one with its place."""

    def __init__(self, problems: list[str]):
        # Each message is made printable and bounded, however it was built: it goes
        # to a page, a terminal and a log.
        listed = [shown(p, 300) for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            listed.append(f"… and {len(problems) - MAX_PROBLEMS} more problems")
        self.problems = listed
        super().__init__("\n".join(self.problems))


@dataclass
class BankData:
    """A valid bank file, each entry in the exact shape export writes."""

    bank: dict
    scales: list[dict] = field(default_factory=list)
    competencies: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    ladders: list[dict] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)
    curated_sets: list[dict] = field(default_factory=list)
    # Tags named by questions but not listed under `tags:`.
    used_tags: list[str] = field(default_factory=list)


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_key(value: str) -> bool:
    return len(value) <= KEY_MAX and bool(KEY_RE.match(value))


def tag_name_from_key(key: str) -> str:
    return key.replace("-", " ").capitalize()
