"""A bank's curated sets: whether one fits the stage, and the same description as a suggestion.

A curated set fits when nothing below stands in its way; otherwise every reason
is given, in plain words:

- the set names roles and the loop's role is not one of them;
- a question it lists is no longer in the bank (archived or never imported);
- its must-ask questions (backups excluded: a backup takes another's place and
  its minutes) need more minutes than the stage has for questions;
- a question's primary competency is not one the loop assesses;
- a question is planned in another stage of the loop already (it would be asked twice).

A set that leaves out one of the loop's competencies still fits (other stages
may cover it); its summary says what it leaves out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .records import BALANCED, BankQuestion, Suggestion, Wanted
from .search import prepare
from .summary import describe


@dataclass(frozen=True)
class CuratedEntry:
    """One question of a curated set, by key, in the set's order."""

    question_key: str
    minutes: int | None = None
    is_backup: bool = False
    backup_condition: str = ""


@dataclass(frozen=True)
class CuratedPlan:
    """A curated set as plain data: who it is for, how long, its questions in order."""

    id: int
    name: str
    description: str
    entries: tuple[CuratedEntry, ...]
    roles: Mapping[str, str]  # role key -> name; empty: any role
    minutes: int | None = None


@dataclass(frozen=True)
class CuratedFit:
    """A curated set described for one stage: ``reasons`` is empty when it fits."""

    plan: CuratedPlan
    suggestion: Suggestion | None
    reasons: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return not self.reasons


def fit_curated(
    plan: CuratedPlan,
    questions_by_key: Mapping[str, BankQuestion],
    *,
    role: tuple[str, str],
    wanted: Sequence[Wanted],
    minutes_available: int,
    competency_names: Mapping[str, str],
    planned_elsewhere: Mapping[str, str] | None = None,
    emphasis: str = BALANCED,
) -> CuratedFit:
    """Whether the set fits the loop's role, the stage's minutes and the loop's competencies.

    ``role`` is the loop's (key, name); ``competency_names`` names competencies the
    loop does not assess, for the reasons; ``planned_elsewhere`` maps the keys of
    questions planned in the loop's other stages to the stage's name.
    """
    reasons = []
    if plan.roles and role[0] not in plan.roles:
        reasons.append(f"Written for the {_join(sorted(plan.roles.values()))} role, not {role[1]}.")
    found = [e for e in plan.entries if e.question_key in questions_by_key]
    for entry in plan.entries:
        if entry.question_key not in questions_by_key:
            reasons.append(f"Its question “{entry.question_key}” is no longer in the bank.")
    sized = [(_sized(questions_by_key[e.question_key], e.minutes), e) for e in found]
    needed = sum(q.minutes for q, e in sized if not e.is_backup)
    if needed > minutes_available:
        reasons.append(
            f"Its questions need {needed} minutes; this stage has {minutes_available} "
            "for questions."
        )
    assessed = {w.key for w in wanted}
    for question, _ in sized:
        if question.primary not in assessed:
            name = competency_names.get(question.primary, question.primary)
            reasons.append(f"“{question.title}” assesses {name}, which this loop does not.")
    for entry in found:
        if entry.question_key in (planned_elsewhere or {}):
            title = questions_by_key[entry.question_key].title
            stage = planned_elsewhere[entry.question_key]
            reasons.append(f"“{title}” is planned in {stage} already.")
    suggestion = _described(sized, wanted, minutes_available, emphasis) if sized else None
    return CuratedFit(plan=plan, suggestion=suggestion, reasons=tuple(reasons))


def _sized(question: BankQuestion, minutes: int | None) -> BankQuestion:
    """The question with the set's own minutes for it, when the set gives them."""
    return replace(question, minutes=minutes) if minutes else question


def _described(
    sized: Sequence[tuple[BankQuestion, CuratedEntry]],
    wanted: Sequence[Wanted],
    minutes_available: int,
    emphasis: str,
) -> Suggestion:
    """The set in its own order, described like a suggestion (backups apart)."""
    prepared = prepare(
        [q for q, _ in sized], wanted, minutes_available, emphasis=emphasis, keep_all=True
    )
    by_id = {o.id: o for o in prepared.pool}
    must = [by_id[q.id] for q, e in sized if not e.is_backup]
    backups = [(by_id[q.id], e.backup_condition) for q, e in sized if e.is_backup]
    return describe(must, (), prepared.context, prepared.questions, backups=backups)


def _join(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
