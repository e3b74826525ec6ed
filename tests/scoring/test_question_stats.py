"""Question analytics' computations (pure), checked against scipy, numpy and hand counts."""

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from scoring.question_stats import (
    MIN_CANDIDATES,
    Interval,
    NoteRow,
    RatingRow,
    Reading,
    attention,
    correlation,
    fisher_interval,
    item_rest_pairs,
    loop_question_stats,
    median_interval,
    question_stats,
    read_separation,
)


def note(app, card, key="q", state="asked", seconds=0, minutes=10, competency="c", **kw):
    return NoteRow(
        application_id=app,
        candidate_id=kw.pop("candidate", app),
        scorecard_id=card,
        question_key=key,
        question_title=key.upper(),
        competency_key=competency,
        state=state,
        seconds=seconds,
        planned_minutes=minutes,
        **kw,
    )


# --- Correlation and its interval ------------------------------------------------------


def test_r_and_its_interval_equal_scipys():
    rng = random.Random(7)
    x = [rng.gauss(0, 1) for _ in range(40)]
    y = [0.5 * a + rng.gauss(0, 1) for a in x]
    ours = correlation(x, y)
    theirs = sps.pearsonr(x, y)
    interval = theirs.confidence_interval(0.95)
    assert ours.r == pytest.approx(theirs.statistic, abs=1e-12)
    assert (ours.interval.low, ours.interval.high) == pytest.approx(
        (interval.low, interval.high), abs=1e-9
    )
    assert ours.n == 40


@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.floats(1, 5, allow_nan=False)), min_size=4, max_size=60
    )
)
@settings(max_examples=60, deadline=None)
def test_r_matches_scipy_whatever_the_scores(pairs):
    x, y = [float(a) for a, _ in pairs], [b for _, b in pairs]
    ours = correlation(x, y)
    if len(set(x)) == 1 or len(set(y)) == 1:
        assert ours.r is None and ours.reading == Reading.NO_SPREAD
        return
    theirs = sps.pearsonr(x, y)
    if not math.isfinite(theirs.statistic):
        return
    assert ours.r == pytest.approx(theirs.statistic, abs=1e-9)
    if abs(ours.r) < 1:
        interval = theirs.confidence_interval(0.95)
        assert ours.interval.low == pytest.approx(interval.low, abs=1e-7)
        assert ours.interval.high == pytest.approx(interval.high, abs=1e-7)


def test_fisher_interval_by_hand():
    # r = .5, n = 28: z = .5493, se = .2, z ± 1.96·.2 -> tanh(.1573), tanh(.9413).
    interval = fisher_interval(0.5, 28)
    assert interval.low == pytest.approx(math.tanh(math.atanh(0.5) - 1.959964 * 0.2), abs=1e-6)
    assert (round(interval.low, 3), round(interval.high, 3)) == (0.156, 0.736)


def test_no_interval_below_four_candidates():
    assert fisher_interval(0.9, 3) is None
    assert correlation([1, 2, 3], [1, 3, 2]).interval is None


@pytest.mark.parametrize(
    "n, interval, reading",
    [
        (MIN_CANDIDATES - 1, Interval(0.5, 0.9), Reading.TOO_FEW),
        (MIN_CANDIDATES, Interval(0.05, 0.7), Reading.SEPARATES),
        (40, Interval(-0.2, 0.29), Reading.DOES_NOT),
        (40, Interval(-0.2, 0.31), Reading.UNCLEAR),
        (40, Interval(-0.6, -0.1), Reading.DOES_NOT),
    ],
)
def test_the_reading_is_judged_on_the_interval(n, interval, reading):
    assert read_separation(n, interval) == reading


def test_a_question_with_no_true_relation_is_never_called_separating():
    """Planted: 200 candidates whose item score is noise. Never 'separates' at 95 % in
    most draws; here with a fixed seed the interval contains 0 and sits below .30."""
    rng = np.random.default_rng(3)
    rest = rng.normal(3, 0.6, 200)
    item = rng.integers(1, 6, 200).astype(float)
    result = correlation(list(item), list(rest))
    assert result.interval.low < 0 < result.interval.high
    assert result.reading == Reading.DOES_NOT


def test_a_question_that_tracks_the_rest_separates():
    rng = np.random.default_rng(5)
    rest = rng.normal(3, 0.6, 60)
    item = np.clip(np.round(rest + rng.normal(0, 0.4, 60)), 1, 5)
    assert correlation(list(item), list(rest)).reading == Reading.SEPARATES


# --- Median and its interval -----------------------------------------------------------


@given(st.lists(st.floats(0, 120, allow_nan=False), min_size=1, max_size=80))
@settings(max_examples=80, deadline=None)
def test_median_equals_numpys(values):
    assert median_interval(values).value == pytest.approx(float(np.median(values)))


def test_median_interval_from_the_order_statistics():
    # n = 10: P(B <= 1) = 11/1024 <= .025 < P(B <= 2): ranks 2 and 9, coverage 97.9 %.
    values = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10]
    result = median_interval(values)
    assert (result.value, result.interval) == (5.5, Interval(2, 9))
    assert 1 - 2 * sps.binom.cdf(1, 10, 0.5) == pytest.approx(0.9785, abs=1e-4)


@pytest.mark.parametrize("n", [6, 7, 12, 25, 60, 101])
def test_median_interval_covers_at_least_95_percent_and_is_the_tightest(n):
    values = list(range(1, n + 1))
    interval = median_interval(values).interval
    rank = interval.low  # values are their own ranks
    assert interval.high == n - rank + 1
    assert 1 - 2 * sps.binom.cdf(rank - 1, n, 0.5) >= 0.95
    assert 1 - 2 * sps.binom.cdf(rank, n, 0.5) < 0.95  # one rank tighter falls short


def test_no_median_interval_below_six():
    assert median_interval([1, 2, 3, 4, 5]).interval is None
    assert median_interval([]).value is None


# --- One question's figures ------------------------------------------------------------


def test_question_figures_by_hand():
    notes = [
        note(1, 11, seconds=600),
        note(2, 12, seconds=900),
        note(3, 13, state="skipped"),
        note(4, 14, state="open"),
        note(5, 15, key="backup", backup_for_key="q"),
        note(6, 16, seconds=0, candidate=1),  # same candidate again, not timed
    ]
    s = question_stats("q", notes, [])
    assert (s.notes, s.asked, s.skipped, s.replaced) == (5, 3, 1, 1)
    assert (s.spent.value, s.spent.n) == (12.5, 2)
    assert s.exposure == 2  # candidates 1 and 2
    assert s.planned_minutes == 10
    assert s.skipped_share == pytest.approx(0.2)


def test_item_and_rest_per_application():
    notes = [note(1, 11), note(1, 12), note(2, 21), note(3, 31, state="skipped")]
    ratings = [
        RatingRow(1, 11, "c", 4),  # item (asked on 11)
        RatingRow(1, 12, "c", 2),  # item (asked on 12): mean 3
        RatingRow(1, 11, "d", 5),  # rest
        RatingRow(1, 13, "c", 1),  # rest: same competency, another scorecard
        RatingRow(2, 21, "c", 5),
        RatingRow(2, 21, "d", None),  # not assessed: neither
        RatingRow(2, 22, "d", 3),
        RatingRow(3, 31, "c", 2),  # skipped there: not an item
    ]
    assert item_rest_pairs("q", "c", notes, ratings) == ([3.0, 5.0], [3.0, 3.0])


def test_score_distribution_counts_the_competency_where_asked():
    notes = [note(1, 11), note(2, 21), note(3, 31, state="skipped")]
    ratings = [
        RatingRow(1, 11, "c", 4),
        RatingRow(2, 21, "c", 4),
        RatingRow(2, 21, "d", 1),
        RatingRow(3, 31, "c", 2),
    ]
    assert question_stats("q", notes, ratings).scores == {4: 2}


def test_attention_lists_overruns_and_flat_questions_on_their_intervals():
    notes = []
    for app in range(1, 13):
        notes.append(note(app, app * 10, key="long", seconds=60 * (15 + app % 3), minutes=10))
        notes.append(note(app, app * 10, key="fine", seconds=60 * (9 + app % 3), minutes=10))
    rows = loop_question_stats(notes, [])
    result = attention(rows)
    assert [r.key for r in result.overrunning] == ["long"]
    assert rows[0].overruns and not rows[1].overruns
    assert result.not_separating == []


def naive_item_rest(key, competency, notes, ratings):
    """The definition read literally, one rating at a time (the reference)."""
    asked_on = {}
    for n in notes:
        if n.question_key == key and n.state == "asked":
            asked_on.setdefault(n.application_id, set()).add(n.scorecard_id)
    item, rest = {}, {}
    for r in ratings:
        if r.score is None or r.application_id not in asked_on:
            continue
        mine = r.scorecard_id in asked_on[r.application_id] and r.competency_key == competency
        (item if mine else rest).setdefault(r.application_id, []).append(r.score)
    apps = sorted(a for a in asked_on if a in item and a in rest)
    return [float(np.mean(item[a])) for a in apps], [float(np.mean(rest[a])) for a in apps]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 12),  # application
            st.sampled_from(["a", "b", "c"]),  # question
            st.sampled_from(["asked", "skipped", "open"]),
            st.integers(0, 3000),
            st.sampled_from([None, "a", "b"]),
            st.integers(0, 2),  # which of the application's scorecards
        ),
        max_size=40,
    ),
    st.dictionaries(
        st.tuples(st.integers(1, 12), st.integers(0, 3), st.sampled_from(["a", "b", "c", "x"])),
        st.one_of(st.none(), st.integers(1, 5)),
        max_size=80,
    ),
)
@settings(max_examples=80, deadline=None)
def test_the_loop_table_equals_the_definition_read_literally(note_specs, rating_specs):
    """Indexing the ratings once and grouping notes per key (for speed) changes nothing."""
    notes = [
        note(
            app,
            app * 10 + card,
            key=key,
            state=state,
            seconds=seconds,
            competency=key,
            backup_for_key=bf,
        )
        for app, key, state, seconds, bf, card in note_specs
    ]
    # One rating per scorecard and competency, as the database guarantees.
    ratings = [
        RatingRow(app, app * 10 + card, comp, score)
        for (app, card, comp), score in rating_specs.items()
    ]
    rows = {r.key: r for r in loop_question_stats(notes, ratings)}
    assert set(rows) == {n.question_key for n in notes}
    for key, row in rows.items():
        item, rest = naive_item_rest(key, key, notes, ratings)
        fast_item, fast_rest = item_rest_pairs(key, key, notes, ratings)
        assert fast_item == pytest.approx(item) and fast_rest == pytest.approx(rest)
        expected = correlation(item, rest)
        assert row.separation.n == expected.n and row.separation.reading == expected.reading
        if expected.r is not None:
            assert row.separation.r == pytest.approx(expected.r)
        asked = [n for n in notes if n.question_key == key and n.state == "asked"]
        assert row.asked == len(asked)
        assert row.replaced == sum(
            1 for n in notes if n.backup_for_key == key and n.state == "asked"
        )
        cards = {n.scorecard_id for n in asked}
        scores = [r.score for r in ratings if r.scorecard_id in cards and r.competency_key == key]
        assert sum(row.scores.values()) == sum(1 for v in scores if v is not None)
