"""scoring.calibration: leniency, on-time rate and distribution on hand-computed examples."""

from datetime import UTC, datetime, timedelta

import pytest

from scoring.calibration import (
    CalibrationRating,
    CalibrationScorecard,
    deviations,
    interviewer_calibration,
    is_due,
    is_on_time,
    leniency_by_month,
    leniency_by_scorecard,
    scorecard_deadline,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)
SCALE = [1, 2, 3, 4, 5]
NAMES = {"ann": "Ann", "bob": "Bob", "cy": "Cy", "sam": "Sam"}
COMP = 7


class Book:
    """Scorecards and ratings built like the view would from its two queries."""

    def __init__(self):
        self.cards: list[CalibrationScorecard] = []
        self.ratings: list[CalibrationRating] = []

    def card(self, who, app, *, shadow=False, submitted=T0, deadline=T0 + timedelta(hours=24)):
        card = CalibrationScorecard(
            scorecard_id=len(self.cards) + 1,
            interviewer_id=who,
            interviewer=NAMES[who],
            application_id=app,
            shadow=shadow,
            submitted_at=submitted,
            deadline=deadline,
        )
        self.cards.append(card)
        return card

    def score(self, who, app, score, *, competency=COMP, **card_options):
        card = self.card(who, app, **card_options)
        self.ratings.append(CalibrationRating(card.scorecard_id, competency, score))
        return card

    def rows(self):
        rows = interviewer_calibration(self.cards, self.ratings, scale=SCALE, now=NOW)
        return {(r.interviewer_id, r.shadow): r for r in rows}


def panel_example() -> Book:
    """A1: Ann 4, Bob 2, Cy 3, shadow Sam 5. A2: Ann 3, Bob 3. A3: Ann 5, shadow Sam 4.

    Hand-computed rest-of-panel deviations:
      A1 Ann 4 − mean(2, 3) = +1.5; Bob 2 − mean(4, 3) = −1.5; Cy 3 − mean(4, 2) = 0;
         Sam 5 − mean(4, 2, 3) = +2 (a shadow is compared with the whole panel).
      A2 Ann 3 − 3 = 0; Bob 3 − 3 = 0.
      A3 Ann alone in the panel: no comparison. Sam 4 − 5 = −1.
    So Ann (1.5 + 0) / 2 = +0.75 over 2, Bob −0.75 over 2, Cy 0 over 1,
    Sam (2 − 1) / 2 = +0.5 over 2.
    """
    book = Book()
    for who, score in [("ann", 4), ("bob", 2), ("cy", 3)]:
        book.score(who, "A1", score)
    book.score("sam", "A1", 5, shadow=True)
    book.score("ann", "A2", 3)
    book.score("bob", "A2", 3)
    book.score("ann", "A3", 5)
    book.score("sam", "A3", 4, shadow=True)
    return book


def test_leniency_is_the_mean_difference_from_the_rest_of_the_panel():
    rows = panel_example().rows()
    assert rows["ann", False].leniency == pytest.approx(0.75)
    assert rows["ann", False].comparisons == 2
    assert rows["bob", False].leniency == pytest.approx(-0.75)
    assert rows["bob", False].comparisons == 2
    assert rows["cy", False].leniency == pytest.approx(0.0)
    assert rows["cy", False].comparisons == 1


def test_shadows_are_compared_with_the_panel_flagged_and_never_in_its_rest():
    rows = panel_example().rows()
    sam = rows["sam", True]
    assert sam.shadow
    assert sam.leniency == pytest.approx(0.5)
    assert sam.comparisons == 2
    # Had Sam's 5 entered Ann's rest on A1, Ann would be 4 − mean(2, 3, 5) = +0.67 there.
    assert rows["ann", False].leniency == pytest.approx(0.75)


def test_rows_put_interviewers_first_most_lenient_first_then_shadows():
    rows = interviewer_calibration(*_cards_and_ratings(panel_example()), scale=SCALE, now=NOW)
    assert [(r.interviewer, r.shadow) for r in rows] == [
        ("Ann", False),
        ("Cy", False),
        ("Bob", False),
        ("Sam", True),
    ]


def _cards_and_ratings(book):
    return book.cards, book.ratings


def test_a_panel_of_one_gives_no_comparison():
    book = Book()
    book.score("ann", "A1", 5)
    row = book.rows()["ann", False]
    assert row.leniency is None and row.comparisons == 0
    assert row.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}


def test_an_interviewer_met_twice_is_never_compared_with_themself():
    """A4: Ann scores 4 (stage 1) and 2 (stage 2), Bob 3.

    Ann: 4 − 3 = +1 and 2 − 3 = −1, so 0 over 2; Bob: 3 − mean(4, 2) = 0 over 1.
    """
    book = Book()
    book.score("ann", "A4", 4)
    book.score("ann", "A4", 2)
    book.score("bob", "A4", 3)
    rows = book.rows()
    assert rows["ann", False].leniency == pytest.approx(0.0)
    assert rows["ann", False].comparisons == 2
    assert rows["ann", False].scorecards == 2
    assert rows["bob", False].comparisons == 1


def test_competencies_are_compared_separately():
    """Ann 5 / Bob 3 on one competency and Ann 1 / Bob 3 on another: +2 and −2, so 0."""
    book = Book()
    a = book.score("ann", "A1", 5, competency=1)
    b = book.score("bob", "A1", 3, competency=1)
    book.ratings += [
        CalibrationRating(a.scorecard_id, 2, 1),
        CalibrationRating(b.scorecard_id, 2, 3),
    ]
    rows = book.rows()
    assert rows["ann", False].leniency == pytest.approx(0.0)
    assert rows["ann", False].comparisons == 2
    assert sorted(
        d.value for d in deviations(book.cards, book.ratings) if d.interviewer_id == "ann"
    ) == [-2, 2]


def test_draft_scorecards_neither_score_nor_enter_the_panel():
    book = Book()
    book.score("ann", "A1", 4)
    book.score("bob", "A1", 1, submitted=None)
    book.score("cy", "A1", 2)
    rows = book.rows()
    assert rows["ann", False].leniency == pytest.approx(2.0)  # 4 − 2, Bob's draft unseen
    assert rows["bob", False].leniency is None
    assert rows["bob", False].scores == 0
    assert rows["bob", False].scorecards == 1 and rows["bob", False].submitted == 0


def test_distribution_counts_every_scale_point():
    book = Book()
    for score in (3, 3, 4, 1):
        book.score("ann", f"A{score}{len(book.cards)}", score)
    row = book.rows()["ann", False]
    assert row.distribution == {1: 1, 2: 0, 3: 2, 4: 1, 5: 0}
    assert row.scores == 4


def test_on_time_rate_over_due_scorecards():
    """Four scorecards: on time, late, a draft past its deadline (late), a draft not yet due.

    Due = 3, on time = 1: rate 1/3. The draft still within its time is not counted.
    """
    book = Book()
    deadline = T0 + timedelta(hours=24)
    book.card("ann", "A1", submitted=deadline - timedelta(minutes=1), deadline=deadline)
    book.card("ann", "A2", submitted=deadline + timedelta(minutes=1), deadline=deadline)
    book.card("ann", "A3", submitted=None, deadline=deadline)
    book.card("ann", "A4", submitted=None, deadline=NOW + timedelta(hours=1))
    row = book.rows()["ann", False]
    assert (row.scorecards, row.submitted, row.due, row.on_time) == (4, 2, 3, 1)
    assert row.on_time_rate == pytest.approx(1 / 3)


def test_on_time_rules_at_the_edges():
    deadline = T0
    on_the_dot = CalibrationScorecard(1, "ann", "Ann", "A1", False, deadline, deadline)
    no_deadline = CalibrationScorecard(2, "ann", "Ann", "A1", False, T0, None)
    undated_draft = CalibrationScorecard(3, "ann", "Ann", "A1", False, None, None)
    assert is_on_time(on_the_dot)
    assert is_on_time(no_deadline)
    assert not is_due(undated_draft, NOW) and not is_on_time(undated_draft)


def test_on_time_rate_is_none_when_nothing_is_due():
    book = Book()
    book.card("ann", "A1", submitted=None, deadline=NOW + timedelta(days=1))
    assert book.rows()["ann", False].on_time_rate is None


def test_scorecard_deadline_adds_the_reminder_hours():
    assert scorecard_deadline(T0, 24) == T0 + timedelta(hours=24)
    assert scorecard_deadline(None, 24) is None


def test_a_person_who_interviews_and_shadows_gets_two_rows():
    book = Book()
    book.score("ann", "A1", 4)
    book.score("bob", "A1", 2)
    book.score("bob", "A2", 5, shadow=True)
    book.score("ann", "A2", 3)
    rows = book.rows()
    assert rows["bob", False].leniency == pytest.approx(-2.0)
    assert rows["bob", True].leniency == pytest.approx(2.0)
    assert rows["bob", True].scorecards == 1


def test_leniency_by_month_for_the_chart():
    """March: Ann +1 and +3 (mean +2 over 2); April: −1 over 1."""
    book = Book()
    march, april = datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 4, 20, tzinfo=UTC)
    for app, ann, bob, when in [("A1", 4, 3, march), ("A2", 5, 2, march), ("A3", 2, 3, april)]:
        book.score("ann", app, ann, submitted=when)
        book.score("bob", app, bob, submitted=when)
    ann = deviations(book.cards, book.ratings, interviewer_id="ann")
    assert ann == [d for d in deviations(book.cards, book.ratings) if d.interviewer_id == "ann"]
    assert [(d.score, d.rest_mean, d.value) for d in ann] == [(4, 3, 1), (5, 2, 3), (2, 3, -1)]
    points = leniency_by_month(ann)
    assert [(p.label, p.leniency, p.comparisons) for p in points] == [
        ("Mar 2026", 2.0, 2),
        ("Apr 2026", -1.0, 1),
    ]
    per_card = leniency_by_scorecard(ann)
    assert [(p.label, p.leniency) for p in per_card] == [
        ("05 Mar 2026", 1.0),
        ("05 Mar 2026", 3.0),
        ("20 Apr 2026", -1.0),
    ]


def test_nothing_in_nothing_out():
    assert interviewer_calibration([], [], scale=SCALE, now=NOW) == []
    assert leniency_by_month([]) == []
