"""Suppression: no count under the minimum shows, and none that is hidden can be worked
out from what shows — checked exactly, by integer programming over every micro table
consistent with the shown figures (an independent check of stats.suppress, which uses
linear programs)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from outcomes.fairness import report, stats

SEX = ("female", "male", stats.UNKNOWN)
RACE = ("asian", "black", "white", stats.UNKNOWN)
LAYOUT = stats.Layout((("sex", SEX), ("race", RACE)), 3)
MINIMUM = 5

BOUNDED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Skewed on purpose: a few large groups and many small ones, where leaks happen.
records = st.lists(
    st.tuples(
        st.tuples(
            st.sampled_from((*SEX, "female", "female", "male")),
            st.sampled_from((*RACE, "white", "white", "white")),
        ),
        st.integers(min_value=0, max_value=3),
    ),
    min_size=0,
    max_size=70,
)


def other_value_possible(layout, values, hidden, figure) -> bool:
    """Is there a whole-number micro table, consistent with every shown figure, in which
    `figure` has another value? (mixed-integer programs, one each way)."""
    figures, cells, matrix = stats.membership(layout)
    shown = [i for i, f in enumerate(figures) if f not in hidden]
    a = matrix[shown].astype(float)
    b = np.array([values[figures[i]] for i in shown], dtype=float)
    target = matrix[figures.index(figure)].astype(float)
    value = values[figure]
    for low, high in ((-np.inf, value - 1), (value + 1, np.inf)):
        result = milp(
            c=np.zeros(len(cells)),
            integrality=np.ones(len(cells)),
            bounds=Bounds(0, np.inf),
            constraints=[LinearConstraint(a, b, b), LinearConstraint(target, low, high)],
        )
        if result.status == 0:
            return True
    return False


@settings(BOUNDED, max_examples=40)
@given(records)
def test_no_hidden_count_can_be_derived_from_what_shows(data):
    counts = stats.counts_of(data)
    values = stats.figure_values(LAYOUT, counts)
    hidden = stats.suppress(LAYOUT, counts, MINIMUM)
    derivable = [
        f for f in hidden if values[f] > 0 and not other_value_possible(LAYOUT, values, hidden, f)
    ]
    assert not derivable, f"hidden but derivable: {derivable}"


@BOUNDED
@given(records)
def test_no_shown_count_is_under_the_minimum(data):
    counts = stats.counts_of(data)
    values = stats.figure_values(LAYOUT, counts)
    hidden = stats.suppress(LAYOUT, counts, MINIMUM)
    for figure, value in values.items():
        if figure in hidden or not figure.table:
            continue
        assert not 0 < value < MINIMUM, figure
        if figure.step is not None:
            rest = values[stats.Figure(figure.table, figure.group, None)] - value
            assert not 0 < rest < MINIMUM, (figure, "not selected")


def cohort_of(data) -> report.Cohort:
    cohort = report.Cohort(
        categories=[
            report.Category("sex", "Sex", [(k, k.title()) for k in SEX]),
            report.Category("race", "Race", [(k, k.title()) for k in RACE]),
        ],
        steps=["Past one", "Offer", "Hired"],
    )
    for pk, (combo, furthest) in enumerate(data):
        cohort.answers[pk], cohort.furthest[pk] = combo, furthest
    return cohort


@BOUNDED
@given(records)
def test_the_csv_shows_exactly_the_shown_counts(data):
    """Every count in the CSV is a figure that is not hidden, with its true value; every
    hidden one reads "suppressed". Rates and ratios only where both counts show."""
    cohort = cohort_of(data)
    counts = cohort.counts()
    values = stats.figure_values(LAYOUT, counts)
    hidden = stats.suppress(LAYOUT, counts, MINIMUM)
    built = report.build(cohort, MINIMUM, suppress=lambda layout, counts, minimum: hidden)
    rows = report.csv_rows(built)
    tables = {"Sex": ("sex",), "Race": ("race",), "Sex × Race": ("sex", "race")}
    labels = {table: report.labels(cohort, dims) for table, dims in tables.items()}
    for step_index, step in enumerate(cohort.steps):
        for row in (r for r in rows if r[0] == step):
            if row[1] == "All":
                total = stats.Figure((), (), step_index)
                assert row[4] == ("suppressed" if total in hidden else str(values[total]))
                continue
            group = next(g for g, label in labels[row[1]].items() if label == row[2])
            n = stats.Figure(tables[row[1]], group, None)
            k = stats.Figure(tables[row[1]], group, step_index)
            assert row[3] == ("suppressed" if n in hidden else str(values[n]))
            assert row[4] == ("suppressed" if k in hidden or n in hidden else str(values[k]))
            if row[4] == "suppressed":
                assert row[5] == "suppressed" and row[6] in ("suppressed", "")


def test_a_lone_small_group_takes_a_second_figure_with_it():
    """3 unknown among 30: hiding only theirs would leave total − the rest = 3."""
    data = [(("female", "white"), 3)] * 14 + [(("male", "white"), 3)] * 13
    data += [((stats.UNKNOWN, "white"), 3)] * 3
    counts = stats.counts_of(data)
    values = stats.figure_values(LAYOUT, counts)
    hidden = stats.suppress(LAYOUT, counts, MINIMUM)
    unknown = stats.Figure(("sex",), (stats.UNKNOWN,), None)
    assert unknown in hidden
    sex_rows = [stats.Figure(("sex",), (g,), None) for g in SEX]
    assert sum(f in hidden for f in sex_rows) >= 2
    assert all(other_value_possible(LAYOUT, values, hidden, f) for f in hidden if values[f])


def test_large_groups_show_everything():
    data = [((s, r), f) for s in SEX for r in RACE for f in range(4) for _ in range(5)]
    assert stats.suppress(LAYOUT, stats.counts_of(data), MINIMUM) == set()


@pytest.mark.parametrize("minimum", [2, 5, 10])
def test_the_minimum_is_the_setting(minimum):
    data = [(("female", "white"), 3)] * 4 + [(("male", "white"), 3)] * 30
    hidden = stats.suppress(LAYOUT, stats.counts_of(data), minimum)
    assert (stats.Figure(("sex",), ("female",), None) in hidden) is (minimum > 4)
