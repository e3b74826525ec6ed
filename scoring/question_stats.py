"""Question analytics: time spent against the plan, skips and backups, scores and whether a
question separates candidates. Pure functions over plain rows (no database).

Definitions (README, "Question analytics", says where each comes from):
- A question's *notes* are the notes of counted scorecards on a planned occurrence of it
  (every version of its key). *Asked* / *skipped* are the notes' states; a note still
  "not yet" on a submitted scorecard is neither. *Replaced by a backup*: a note on a
  backup question that says it was asked instead of this one.
- *Minutes spent*: the live clock's seconds on an asked note, in minutes; a note the
  clock never ran on (0 s) is not timed. The median, with a distribution-free 95 %
  interval from the binomial order statistics (no interval below 6 timed notes).
- *Item score*, per application: the mean score of the question's primary competency on
  the scorecards where it was asked. *Rest score*: the mean of every other counted rating
  of that application (other competencies, other scorecards). The *item–rest
  correlation* is Pearson's r between the two across applications, with a 95 % interval
  from Fisher's z (n ≥ 4).
- *Exposure*: the number of different candidates who were asked it.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from scipy.stats import binom

from scoring import correlation as correlation_

CONFIDENCE = 0.95
# Below this many candidates an item–rest r is not read at all (the interval is too wide
# to rule anything in or out: at n = 10 it spans about ±.6).
MIN_CANDIDATES = 10
# An item that does not reach this item–rest r is a candidate for revision: the classic
# rule of thumb for discrimination (Ebel & Frisbie 1991: ≥ .30 "reasonably good";
# Nunnally & Bernstein 1994 use the same order). "Does not separate" needs the whole
# interval below it.
SEPARATES = 0.30
# Below this many timed notes no median interval exists at 95 % (the order statistics
# cannot reach it: 1 - 2 * 0.5**n < .95 for n <= 5).
MIN_TIMED_FOR_INTERVAL = 6
# The attention list shows at most this many questions per reason.
ATTENTION_LIMIT = 5


@dataclass(frozen=True)
class NoteRow:
    """One note of a counted scorecard, flattened."""

    application_id: int
    candidate_id: int | None
    scorecard_id: int
    question_key: str
    question_title: str
    competency_key: str  # the question's primary competency
    state: str  # "open", "asked", "skipped"
    seconds: int
    planned_minutes: int
    backup_for_key: str | None = None  # the question a backup was asked instead of
    question_id: int | None = None  # the version planned (links go to the newest seen)


@dataclass(frozen=True)
class RatingRow:
    application_id: int
    scorecard_id: int
    competency_key: str
    score: int | None  # None: not assessed


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Median:
    value: float | None
    n: int
    interval: Interval | None


class Reading(StrEnum):
    SEPARATES = "separates candidates"
    DOES_NOT = "does not separate candidates"
    UNCLEAR = "unclear yet"
    TOO_FEW = "too few candidates yet"
    NO_SPREAD = "no spread to compare"


@dataclass(frozen=True)
class Correlation:
    r: float | None
    n: int
    interval: Interval | None
    reading: Reading


@dataclass
class QuestionStats:
    key: str
    pk: int | None
    title: str
    planned_minutes: int | None
    notes: int
    asked: int
    skipped: int
    replaced: int
    spent: Median
    scores: dict[int, int]
    separation: Correlation
    exposure: int
    planned_minutes_seen: list[int] = field(default_factory=list)

    @property
    def skipped_share(self) -> float | None:
        return self.skipped / self.notes if self.notes else None

    @property
    def replaced_share(self) -> float | None:
        return self.replaced / self.notes if self.notes else None

    @property
    def overrun_minutes(self) -> float | None:
        """Median minutes spent minus the plan (positive: longer than planned)."""
        if self.spent.value is None or self.planned_minutes is None:
            return None
        return self.spent.value - self.planned_minutes

    @property
    def overruns(self) -> bool:
        """The whole interval of the median lies above the planned minutes."""
        interval = self.spent.interval
        return bool(interval and self.planned_minutes and interval.low > self.planned_minutes)


def median_interval(values: list[float], confidence: float = CONFIDENCE) -> Median:
    """The median and a distribution-free interval for it (binomial order statistics).

    With x(1) ≤ … ≤ x(n), [x(l), x(n−l+1)] covers the median with probability
    1 − 2·P(B ≤ l−1), B ~ Binomial(n, ½); l is the largest rank keeping that ≥ confidence.
    """
    n = len(values)
    if not n:
        return Median(None, 0, None)
    ordered = sorted(values)
    middle = statistics.median(ordered)
    alpha = 1 - confidence
    # Largest l with P(B ≤ l − 1) ≤ alpha / 2.
    rank = int(binom.ppf(alpha / 2, n, 0.5))
    if binom.cdf(rank - 1, n, 0.5) > alpha / 2:
        rank -= 1
    if rank < 1:
        return Median(middle, n, None)
    return Median(middle, n, Interval(ordered[rank - 1], ordered[n - rank]))


def fisher_interval(r: float, n: int, confidence: float = CONFIDENCE) -> Interval | None:
    """tanh(atanh(r) ± z·1/√(n−3)): the usual interval for a correlation (n ≥ 4)."""
    if n < 4:
        return None
    return Interval(*correlation_.fisher_interval(r, correlation_.pearson_se(n), confidence))


def correlation(x: list[float], y: list[float]) -> Correlation:
    """Item–rest r with its interval and its reading (judged on the interval)."""
    n = len(x)
    if n < 2:
        return Correlation(None, n, None, Reading.TOO_FEW)
    r = correlation_.pearson(x, y)
    if r is None:
        return Correlation(None, n, None, Reading.NO_SPREAD)
    interval = fisher_interval(r, n)
    return Correlation(r, n, interval, read_separation(n, interval))


def read_separation(n: int, interval: Interval | None) -> Reading:
    if n < MIN_CANDIDATES or interval is None:
        return Reading.TOO_FEW
    if interval.low > 0:
        return Reading.SEPARATES
    if interval.high < SEPARATES:
        return Reading.DOES_NOT
    return Reading.UNCLEAR


def _mean(values: list[int]) -> float:
    return sum(values) / len(values)


class RatingIndex:
    """The scored ratings, read once: each application's sum and count, and each
    scorecard's score per competency (a rating is unique per scorecard and competency).

    With it, a question's rest score is the application's total minus its item ratings,
    so a loop's table costs one pass over the ratings, not one per question.
    """

    def __init__(self, ratings: list[RatingRow]):
        self.totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.scores: dict[tuple[int, str], int] = {}
        for rating in ratings:
            if rating.score is None:
                continue
            total = self.totals[rating.application_id]
            total[0] += rating.score
            total[1] += 1
            self.scores[(rating.scorecard_id, rating.competency_key)] = rating.score


def _asked_on(key: str, notes: list[NoteRow]) -> dict[int, set[int]]:
    """Application -> the scorecards where the question was asked."""
    asked_on: dict[int, set[int]] = defaultdict(set)
    for note in notes:
        if note.question_key == key and note.state == "asked":
            asked_on[note.application_id].add(note.scorecard_id)
    return asked_on


def item_rest_pairs(
    key: str, competency: str, notes: list[NoteRow], ratings: list[RatingRow] | RatingIndex
) -> tuple[list[float], list[float]]:
    """(item, rest) per application where the question was asked and both exist."""
    index = ratings if isinstance(ratings, RatingIndex) else RatingIndex(ratings)
    items, rests = [], []
    for app, cards in sorted(_asked_on(key, notes).items()):
        item = [index.scores[(c, competency)] for c in cards if (c, competency) in index.scores]
        total, count = index.totals.get(app, (0, 0))
        if item and count > len(item):
            items.append(_mean(item))
            rests.append((total - sum(item)) / (count - len(item)))
    return items, rests


def question_stats(
    key: str, notes: list[NoteRow], ratings: list[RatingRow] | RatingIndex
) -> QuestionStats:
    """Every figure for one question key over the notes and ratings given."""
    ratings = ratings if isinstance(ratings, RatingIndex) else RatingIndex(ratings)
    own = [n for n in notes if n.question_key == key]
    asked = [n for n in own if n.state == "asked"]
    competency = own[0].competency_key if own else ""
    planned = Counter(n.planned_minutes for n in own)
    item, rest = item_rest_pairs(key, competency, own, ratings)
    ids = [n.question_id for n in own if n.question_id is not None]
    return QuestionStats(
        key=key,
        pk=max(ids) if ids else None,
        title=own[-1].question_title if own else key,
        # The plan most notes were taken against (plans differ between loop versions).
        planned_minutes=planned.most_common(1)[0][0] if planned else None,
        planned_minutes_seen=sorted(planned),
        notes=len(own),
        asked=len(asked),
        skipped=sum(1 for n in own if n.state == "skipped"),
        replaced=sum(1 for n in notes if n.backup_for_key == key and n.state == "asked"),
        spent=median_interval([n.seconds / 60 for n in asked if n.seconds > 0]),
        scores=score_distribution(key, competency, own, ratings),
        separation=correlation(item, rest),
        exposure=len({n.candidate_id for n in asked if n.candidate_id is not None}),
    )


def score_distribution(
    key: str, competency: str, notes: list[NoteRow], ratings: list[RatingRow] | RatingIndex
) -> dict[int, int]:
    """How often each score was given on the question's competency where it was asked."""
    index = ratings if isinstance(ratings, RatingIndex) else RatingIndex(ratings)
    cards = {n.scorecard_id for n in notes if n.question_key == key and n.state == "asked"}
    counts = Counter(
        index.scores[(c, competency)] for c in cards if (c, competency) in index.scores
    )
    return dict(sorted(counts.items(), reverse=True))


def loop_question_stats(notes: list[NoteRow], ratings: list[RatingRow]) -> list[QuestionStats]:
    """One row per question key met in the notes, in the order first met.

    Each key is computed over its own notes (and the backups asked instead of it) and
    one index of the ratings: linear in the data, not keys × data.
    """
    by_key: dict[str, list[NoteRow]] = defaultdict(list)
    for note in notes:
        by_key[note.question_key].append(note)
        if note.backup_for_key and note.backup_for_key != note.question_key:
            by_key[note.backup_for_key].append(note)
    index = RatingIndex(ratings)
    rows = [
        question_stats(key, by_key[key], index)
        for key in dict.fromkeys(n.question_key for n in notes)
    ]
    return rows


@dataclass(frozen=True)
class Attention:
    overrunning: list[QuestionStats]
    not_separating: list[QuestionStats]


def attention(rows: list[QuestionStats], limit: int = ATTENTION_LIMIT) -> Attention:
    """The questions that most overrun (interval above the plan, longest overrun first) and
    those that do not separate candidates (interval below .30, lowest upper bound first)."""
    overrunning = sorted((r for r in rows if r.overruns), key=lambda r: -r.overrun_minutes)
    flat = [r for r in rows if r.separation.reading == Reading.DOES_NOT]
    flat.sort(key=lambda r: r.separation.interval.high)
    return Attention(overrunning[:limit], flat[:limit])
