"""A stage's suggested question sets, from the database: the bank's curated sets first.

The planner (``interviews.planning``) works on plain data; this module turns
the loop's competencies, the unplanned bank questions and the curated sets of
the loop's banks into that data, and the planner's answers back into what the
suggestions panel shows: every question with its competencies and minutes, each
option's summary and the ground its questions share, by title. It also applies
a curated set to a stage. Every page of suggestions takes a fixed number of
queries, whatever the size of the banks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.audit import record
from rubrics.models import CuratedSet, Question

from . import planning
from .models import LoopCompetency, PlannedQuestion, Stage

ALTERNATIVES = 3


@dataclass(frozen=True)
class ShownItem:
    """One question of an option as the panel shows it."""

    question: Question
    minutes: int
    must_ask: bool
    is_backup: bool
    backup_condition: str
    primary: str
    secondary: tuple[str, ...]


@dataclass(frozen=True)
class ShownOption:
    """A suggestion or a curated set, ready for the template."""

    suggestion: planning.Suggestion | None
    items: tuple[ShownItem, ...]
    shared: tuple[tuple[str, tuple[str, ...]], ...]
    technologies: tuple[tuple[str, str], ...] = ()
    curated: CuratedSet | None = None
    reasons: tuple[str, ...] = ()
    ids: str = ""
    must_ask_ids: str = ""

    @property
    def backups(self) -> tuple[ShownItem, ...]:
        return tuple(i for i in self.items if i.is_backup)


@dataclass
class StageSuggestions:
    """The panel's content: curated sets that fit, the planner's options, the rest."""

    curated: list[ShownOption] = field(default_factory=list)
    options: list[ShownOption] = field(default_factory=list)
    not_fitting: list[ShownOption] = field(default_factory=list)


def wanted_for(items: Iterable[LoopCompetency]) -> list[planning.Wanted]:
    """The planner's view of loop competencies (their competency loaded)."""
    return [
        planning.Wanted(
            lc.competency.key,
            lc.competency.name,
            lc.critical,
            float(lc.weight) if lc.weight is not None else 1.0,
        )
        for lc in items
    ]


def is_technical(question: Question) -> bool:
    """A question probes technical ground: of the technical kind, or it lists technologies."""
    return question.kind == Question.Kind.TECHNICAL or bool(question.technologies)


def family_of(question: Question) -> frozenset[str]:
    """Its own title and its original's (loaded with it): a fork and its original, or two
    forks of one question, probe the same ground."""
    titles = {question.title}
    if question.derived_from_id is not None:
        titles.add(question.derived_from.title)
    return frozenset(titles)


def bank_question(question: Question, *, minutes: int | None = None) -> planning.BankQuestion:
    """A question as the planner's plain record (its relations prefetched)."""
    return planning.BankQuestion(
        id=question.pk,
        title=question.title,
        minutes=minutes or question.minutes,
        primary=question.primary_competency.key,
        secondary=frozenset(c.key for c in question.secondary_competencies.all()),
        tags=frozenset(t.name for t in question.tags.all()),
        technologies=frozenset(question.technologies),
        technical=is_technical(question),
        family=family_of(question),
    )


def _with_relations(questions):
    return questions.select_related("primary_competency", "derived_from").prefetch_related(
        "secondary_competencies", "tags"
    )


def candidate_pool(stage: Stage, keys: Sequence[str]) -> list[Question]:
    """Unplanned active questions whose primary competency is wanted.

    Questions planned anywhere in the loop are left out, and so are questions on
    ground (topic tags) that other stages already probe: another question there is
    overlap, not coverage.
    """
    planned = Question.objects.filter(planned_in__stage__loop=stage.loop)
    in_loop = planned.values("key")
    elsewhere = planned.exclude(planned_in__stage=stage).filter(tags__isnull=False)
    pool = (
        Question.objects.active()
        .exclude(key__in=in_loop)
        .exclude(tags__in=elsewhere.values("tags"))
        .filter(primary_competency__key__in=keys)
    )
    return list(_with_relations(pool))


def stage_suggestions(
    stage: Stage, wanted_items: Sequence[LoopCompetency], minutes: int
) -> StageSuggestions:
    """Everything the suggestions panel shows for these competencies and minutes."""
    wanted = wanted_for(wanted_items)
    emphasis = stage.loop.emphasis
    pool = candidate_pool(stage, [w.key for w in wanted])
    by_id = {q.pk: q for q in pool}
    found = planning.suggest_sets(
        [bank_question(q) for q in pool],
        wanted,
        minutes,
        alternatives=ALTERNATIVES,
        emphasis=emphasis,
    )
    shown = StageSuggestions(options=[_shown(s, by_id) for s in found])
    for curated, fit, questions in _curated_fits(stage, wanted, minutes, wanted_items):
        option = _shown(fit.suggestion, questions, curated=curated, reasons=fit.reasons)
        (shown.curated if fit.fits else shown.not_fitting).append(option)
    return shown


def curated_sets_for(stage: Stage, wanted_items: Sequence[LoopCompetency]):
    """The curated sets worth mentioning: written for the loop's role, or in its banks."""
    banks = {lc.competency.bank_id for lc in wanted_items} | {stage.loop.role.bank_id}
    return (
        CuratedSet.objects.filter(Q(roles=stage.loop.role) | Q(bank_id__in=banks))
        .distinct()
        .select_related("bank")
        .prefetch_related("items", "roles")
        .order_by("bank__name", "order", "key")
    )


def _curated_fits(
    stage: Stage,
    wanted: Sequence[planning.Wanted],
    minutes: int,
    wanted_items: Sequence[LoopCompetency],
):
    """(curated set, fit, its questions by id) for each curated set worth mentioning."""
    sets = list(curated_sets_for(stage, wanted_items))
    if not sets:
        return []
    keys = {item.question_key for s in sets for item in s.items.all()}
    questions = list(_with_relations(Question.objects.active().filter(key__in=keys)))
    by_key = {q.key: q for q in questions}
    elsewhere = dict(
        PlannedQuestion.objects.filter(stage__loop=stage.loop, question__key__in=keys)
        .exclude(stage=stage)
        .values_list("question__key", "stage__name")
    )
    names = {q.primary_competency.key: q.primary_competency.name for q in questions}
    role = (stage.loop.role.key, stage.loop.role.name)
    fits = []
    for curated in sets:
        plan = _plan(curated)
        sized = {
            e.question_key: bank_question(by_key[e.question_key], minutes=e.minutes)
            for e in plan.entries
            if e.question_key in by_key
        }
        fit = planning.fit_curated(
            plan,
            sized,
            role=role,
            wanted=wanted,
            minutes_available=minutes,
            competency_names=names,
            planned_elsewhere=elsewhere,
            emphasis=stage.loop.emphasis,
        )
        fits.append((curated, fit, {q.pk: q for q in questions}))
    return fits


def _plan(curated: CuratedSet) -> planning.CuratedPlan:
    """A curated set as the planner's plain record."""
    return planning.CuratedPlan(
        id=curated.pk,
        name=curated.name,
        description=curated.description,
        entries=tuple(
            planning.CuratedEntry(i.question_key, i.minutes, i.is_backup, i.backup_condition)
            for i in curated.items.all()
        ),
        roles={r.key: r.name for r in curated.roles.all()},
        minutes=curated.minutes,
    )


def _shown(
    suggestion: planning.Suggestion | None,
    questions: dict[int, Question],
    *,
    curated: CuratedSet | None = None,
    reasons: tuple[str, ...] = (),
) -> ShownOption:
    """A planner answer with its questions, competencies and shared ground by title."""
    if suggestion is None:
        return ShownOption(None, (), (), curated=curated, reasons=reasons)
    items = tuple(_item(i, questions[i.question_id]) for i in suggestion.items)
    # Ground by the questions' titles; technologies merely named, by the questions' places.
    shared = tuple(
        (g.label, tuple(questions[qid].title for qid in g.question_ids))
        for g in suggestion.shared
        if g.kind != "mention"
    )
    technologies = tuple(
        (g.label, ", ".join(str(n) for n in planning.positions(suggestion, g)))
        for g in suggestion.shared
        if g.kind == "mention"
    )
    asked = [i for i in suggestion.items if not i.is_backup]
    return ShownOption(
        suggestion,
        items,
        shared,
        technologies,
        curated=curated,
        reasons=reasons,
        ids=",".join(str(i.question_id) for i in asked),
        must_ask_ids=",".join(str(i.question_id) for i in asked if i.must_ask),
    )


def _item(item: planning.PlannedItem, question: Question) -> ShownItem:
    return ShownItem(
        question=question,
        minutes=item.minutes or question.minutes,
        must_ask=item.must_ask,
        is_backup=item.is_backup,
        backup_condition=item.backup_condition,
        primary=question.primary_competency.name,
        secondary=tuple(c.name for c in question.secondary_competencies.all()),
    )


@transaction.atomic
def apply_curated_set(
    stage: Stage, curated: CuratedSet, wanted_items: Sequence[LoopCompetency], *, by
) -> list[PlannedQuestion]:
    """Replace the stage's questions with a curated set, in its order, backups included.

    Refused, changing nothing, when the set does not fit the stage (its reasons).
    """
    stage.loop.require_draft()
    fits = {
        c.pk: (fit, questions)
        for c, fit, questions in _curated_fits(
            stage, wanted_for(wanted_items), stage.minutes_available, wanted_items
        )
    }
    if curated.pk not in fits:
        raise ValidationError("That curated set is not one this loop's banks offer.")
    fit, questions = fits[curated.pk]
    if not fit.fits:
        raise ValidationError(
            f"“{curated.name}” does not fit {stage.name}: {' '.join(fit.reasons)}"
        )
    by_key = {q.key: q for q in questions.values()}
    stage.planned.all().delete()
    planned = [
        PlannedQuestion.objects.create(
            stage=stage,
            question=by_key[item.question_key],
            order=order,
            minutes=item.minutes,
            is_backup=item.is_backup,
            backup_condition=item.backup_condition if item.is_backup else "",
        )
        for order, item in enumerate(curated.items.all(), start=1)
    ]
    record(
        by,
        "loop.curated_set_applied",
        stage.loop,
        stage=stage.name,
        curated_set=curated.key,
        questions=[p.question.key for p in planned],
    )
    return planned
