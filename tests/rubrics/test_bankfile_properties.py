"""Property-based tests of the bank parser: a located error or a correct import, never a crash.

Random text (any code point, surrogates and control characters included) and
random structures dumped to YAML, alone or grafted into a valid bank. Each
example runs under hypothesis's deadline and a SIGALRM watchdog, so a hang
fails instead of stalling CI; derandomized, so CI runs the same examples.
"""

import copy
import re
from pathlib import Path

import pytest
import yaml
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rubrics.bankfile import BankFileError, import_bank, parse_bank
from tests.rubrics.test_bankfile_malformed import watchdog

VALID = yaml.safe_load((Path(__file__).parent / "banks" / "devops.yaml").read_text("utf-8"))
PLACED = re.compile(r".*\(line \d+, column \d+\): .+|line \d+, column \d+: .+|file: .+")
BOUNDED = settings(
    max_examples=60,
    deadline=3000,
    derandomize=True,
    database=None,  # derandomized: nothing to replay, and no .hypothesis/ in the tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=50),
    st.just("\x00"),
    st.just("x" * 30_000),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(st.one_of(st.text(max_size=20), st.integers()), children, max_size=6),
    ),
    max_leaves=40,
)


def outcome_of(text: str) -> str:
    """Import `text` in a rolled-back transaction: "imported" or "refused" (located)."""
    with watchdog(), transaction.atomic():
        try:
            import_bank(text)
        except BankFileError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert PLACED.fullmatch(problem) or problem.startswith("…"), problem
                assert len(problem) <= 301
            return "refused"
        finally:
            transaction.set_rollback(True)
    return "imported"


def paths(document, prefix=()) -> list[tuple]:
    """Every place in the document a value may be replaced at."""
    found = [prefix] if prefix else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += paths(value, (*prefix, key))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            found += paths(value, (*prefix, i))
    return found


PATHS = paths(VALID)


@pytest.mark.django_db
@BOUNDED
@given(st.text(max_size=2000))
def test_any_text_is_refused_with_its_place_or_imported(text):
    outcome_of(text)


@pytest.mark.django_db
@BOUNDED
@given(st.text(alphabet="{}[]:,-&*!|>'\"#%@` \n\tab01\\", max_size=400))
def test_yaml_punctuation_soup_is_refused_with_its_place_or_imported(text):
    outcome_of(text)


@pytest.mark.django_db
@BOUNDED
@given(structures)
def test_any_structure_as_a_bank_file_is_refused_with_its_place(structure):
    try:
        text = yaml.safe_dump(structure, allow_unicode=False)
    except yaml.YAMLError:  # the dumper itself cannot write some values; nothing to test
        return
    assert outcome_of(text) == "refused" or isinstance(structure, dict)


@pytest.mark.django_db
@BOUNDED
@given(st.sampled_from(PATHS), structures)
def test_a_valid_bank_with_any_value_grafted_in_is_refused_with_its_place_or_imported(path, value):
    document = copy.deepcopy(VALID)
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    try:
        text = yaml.safe_dump(document, allow_unicode=False, sort_keys=False)
    except yaml.YAMLError:
        return
    if outcome_of(text) == "imported":
        # What imported is exactly what parsing says the file holds.
        parse_bank(text)


@pytest.mark.django_db
def test_the_valid_bank_itself_imports():
    assert outcome_of(yaml.safe_dump(VALID, sort_keys=False)) == "imported"
