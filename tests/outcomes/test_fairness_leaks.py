"""The leak check for self-identification: a planted answer is on no page of any persona.

The access registry's world (tests/access/test_leaks.py) with one more thing planted:
the candidate answers the self-identification form with an option made for the test
("LEAK-SELFID-ANSWER", key "leak-planted"). Then each persona walks every GET URL of
the registry, the scorecards, the packet, the audit trail in the admin, the admin's
self-identification pages and the subject-access export, following what pages offer.

Nobody may meet the option's key (no page or export stores answers as such), nor its
label on a page that names the candidate. The adverse-impact page lists the option as
a group — with one person in it, suppressed: that is checked on its own below.
"""

import re

import pytest
from django.urls import reverse

from outcomes.models import SelfIdOption
from tests.access import test_leaks
from tests.access.test_leaks import Fetch, leak_world, seeds, walk  # noqa: F401 (fixture)
from tests.conftest import PERSONAS

from .fairness_setup import answer, sex_category

LABEL = "LEAK-SELFID-ANSWER"
KEY = "leak-planted"
NAME = "Casey Candidate"  # the registry world's candidate (test_url_personas)
MARKERS = {
    "a self-identification answer": re.escape(KEY),
    "a self-identification answer beside its person": (
        rf"{LABEL}[\s\S]*{NAME}|{NAME}[\s\S]*{LABEL}"
        rf"|{LABEL}[\s\S]*{re.escape(test_leaks.EMAIL)}|{re.escape(test_leaks.EMAIL)}[\s\S]*{LABEL}"
    ),
}
ADMIN = [
    "/admin/outcomes/",
    "/admin/outcomes/selfidcategory/",
    "/admin/outcomes/selfidresponse/",
    "/admin/outcomes/selfidanswer/",
    "/admin/outcomes/selfidinvite/",
]


@pytest.fixture
def planted(leak_world, monkeypatch):  # noqa: F811
    SelfIdOption.objects.create(category=sex_category(), key=KEY, label=LABEL, order=99)
    answer(leak_world.application, sex=KEY)
    for name, pattern in MARKERS.items():
        monkeypatch.setitem(test_leaks.MARKERS, name, pattern)
        monkeypatch.setitem(test_leaks.MAY_SEE, name, set())
    return leak_world


def extra_seeds(world) -> list[Fetch]:
    """The admin's self-identification pages and the subject-access export.

    (Not a category's change page: it lists the options, keys included — the
    configuration, which names no one.)"""
    export = reverse("candidates:candidate_export", kwargs={"pk": world.candidate.pk})
    return [Fetch(url) for url in [*ADMIN, export]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_meets_a_self_identification_answer(client, persona_user, planted, persona):
    user = persona_user(persona)
    if user is not None:
        client.force_login(user)
    result = walk(client, persona, seeds(planted) + extra_seeds(planted))
    leaks = [leak for leak in result.leaks if "self-identification" in leak]
    assert not leaks, "\n".join(leaks)
    assert result.fetched > 20  # the walk did walk


def test_the_aggregate_page_suppresses_the_lone_answer(client, recruiter, planted):
    client.force_login(recruiter)
    response = client.get(reverse("outcomes:fairness"), {"loop": planted.published.key})
    text = response.content.decode()
    assert response.status_code == 200 and LABEL in text  # a group, listed
    # The lone answer's groups say "suppressed"; the others (nobody in them) say 0.
    rows = re.findall(rf"{LABEL}(?: × Unknown)?</th>(.*?)</tr>", text, re.S)
    assert rows and all("suppressed" in row for row in rows)
    cells = re.findall(rf"{LABEL}[^<]*</th>(.*?)</tr>", text, re.S)
    assert not any(re.search(r">\s*1\s*<", row) for row in cells)
    export = client.get(reverse("outcomes:fairness_csv"), {"loop": planted.published.key})
    lines = [line.split(",") for line in export.content.decode().splitlines() if LABEL in line]
    assert lines and all("1" not in line[3:5] for line in lines)
    assert any(line[3] == "suppressed" for line in lines)
