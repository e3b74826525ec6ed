"""The built-in banks' tags: one tag per idea, one name per tag.

Two tags are near-duplicates when, from their keys or their names, they come to the
same words once case, punctuation, small words ("as", "and", "vs"), plurals and word
order are set aside, or to the same letters once the words run together ("CI/CD" and
"cicd"); when those words differ by one letter (two for long ones: a
typo); or when one is the other's initials ("iac" for "infrastructure as code").
Read from the files themselves, so the rule applies to exactly what ships.
"""

import itertools
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from rubrics.bankfile import tag_name_from_key

BANK_FILES = sorted((Path(settings.BASE_DIR) / "fixtures" / "banks").glob("*.yaml"))
SMALL_WORDS = {"a", "an", "and", "as", "for", "in", "of", "on", "or", "the", "to", "vs", "with"}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.casefold()) if w]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def signature(text: str) -> str:
    """The words that carry the idea: no case, punctuation, small words, plurals or order."""
    return " ".join(sorted(_singular(w) for w in _words(text) if w not in SMALL_WORDS))


def run_together(text: str) -> str:
    """The same words in their order with nothing between them ("ci-cd" and "cicd")."""
    return "".join(_singular(w) for w in _words(text) if w not in SMALL_WORDS)


def _initials(text: str) -> str:
    return "".join(w[0] for w in _words(text))


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = row
    return previous[-1]


def near_duplicates(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two (key, name) tags look like one idea written twice."""
    if {run_together(t) for t in a} & {run_together(t) for t in b}:
        return True
    for x, y in itertools.product({signature(t) for t in a}, {signature(t) for t in b}):
        shorter = min(len(x), len(y))
        allowed = 2 if shorter >= 10 else 1 if shorter >= 5 else 0
        if _distance(x, y) <= allowed:
            return True
    # An acronym: "iac" for "infrastructure as code" (the key of one, the words of the other).
    return a[0] in {_initials(t) for t in b} or b[0] in {_initials(t) for t in a}


def shipped_tags() -> tuple[dict[str, str], dict[str, set[str]]]:
    """{key: name} of every tag the built-in banks' questions use, and the names each key
    is given across the files (the listed name, else the one made from its key)."""
    used, names = set(), {}
    for path in BANK_FILES:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for tag in document.get("tags") or []:
            names.setdefault(tag["key"], set()).add(tag.get("name") or "")
        for question in document.get("questions") or []:
            used.update(question.get("tags") or [])
    tags = {key: sorted(names.get(key, {tag_name_from_key(key)}))[0] for key in used}
    return tags, names


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("iac", "Infrastructure as code"), ("infrastructure-as-code", "Infrastructure as code")),
        (("slo", "Slo"), ("slos", "Slos")),
        (("postmortem", "Postmortem"), ("postmortems", "Postmortems")),
        (("ci-cd", "CI/CD"), ("cicd", "Cicd")),
        (("release-management", "Release management"), ("management-release", "Release")),
        (("build-vs-buy", "Build vs buy"), ("build-or-buy", "Build or buy")),
        (("kubernetes", "Kubernetes"), ("kubernets", "Kubernets")),
        (("dependencies", "Dependencies"), ("dependency", "Dependency")),
        (("capacity-planning", "Capacity planning"), ("capacity-plannning", "Capacity plannning")),
    ],
)
def test_the_rule_catches_the_kinds_of_near_duplicate(a, b):
    assert near_duplicates(a, b)
    assert near_duplicates(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("metrics", "Metrics"), ("ethics", "Ethics")),
        (("security", "Security"), ("security-testing", "Security testing")),
        (("cost", "Cost"), ("on-call", "On-call")),
        (("learning", "Learning"), ("planning", "Planning")),
    ],
)
def test_the_rule_leaves_different_ideas_apart(a, b):
    assert not near_duplicates(a, b)


def test_builtin_banks_have_one_tag_per_idea():
    tags, _ = shipped_tags()
    assert len(tags) > 100
    pairs = [
        (a, b) for a, b in itertools.combinations(sorted(tags.items()), 2) if near_duplicates(a, b)
    ]
    assert not pairs, f"Near-duplicate tags: {pairs}"


def test_a_tag_has_one_name_across_the_banks():
    _, names = shipped_tags()
    assert {key: n for key, n in names.items() if len(n) != 1} == {}


def test_acronyms_are_named_as_people_write_them():
    tags, _ = shipped_tags()
    assert tags["ci-cd"] == "CI/CD"
    assert tags["slos"] == "SLOs"
    assert tags["dora-metrics"] == "DORA metrics"
