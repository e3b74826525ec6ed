"""Use cases of the loop builder. Every change goes through here; only drafts change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.text import slugify

from accounts.audit import record
from rubrics.models import Competency, Question
from rubrics.services import lock_for_published_loop, unique_key

from . import coverage
from .models import Loop, LoopCompetency, PlannedQuestion, Stage


class NeedsConfirmation(Exception):
    """Publishing with coverage warnings needs the recruiter to say so."""

    def __init__(self, warnings: list[coverage.Warning]):
        super().__init__(f"{len(warnings)} coverage warning(s)")
        self.warnings = warnings


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def create_loop(
    *,
    name: str,
    role,
    level,
    scale,
    competencies,
    emphasis: str = Loop.Emphasis.BALANCED,
    second_opinion_from_another_stage: bool = False,
    by,
) -> Loop:
    loop = Loop.objects.create(
        key=unique_key(Loop, slugify(name)[:70] or "loop"),
        name=name,
        role=role,
        level=level,
        scale=scale,
        emphasis=emphasis,
        second_opinion_from_another_stage=second_opinion_from_another_stage,
        created_by=by,
    )
    for order, competency in enumerate(competencies, start=1):
        LoopCompetency.objects.create(loop=loop, competency=competency, order=order)
    record(by, "loop.created", loop, name=name)
    return loop


@transaction.atomic
def update_loop(loop: Loop, changes: dict, *, by) -> Loop:
    loop.require_draft()
    before = {name: str(getattr(loop, name)) for name in changes}
    for name, value in changes.items():
        setattr(loop, name, value)
    # Who created it is bookkeeping, not a setting: loaded demo loops have nobody.
    loop.full_clean(exclude=["created_by"])
    loop.save()
    record(
        by,
        "loop.updated",
        loop,
        before=before,
        after={name: str(getattr(loop, name)) for name in changes},
    )
    return loop


@transaction.atomic
def add_competency(loop: Loop, competency: Competency, *, by) -> LoopCompetency:
    loop.require_draft()
    if loop.loop_competencies.filter(competency__key=competency.key).exists():
        raise ValidationError({"competency": f"{competency.name} is already assessed."})
    item = LoopCompetency.objects.create(
        loop=loop, competency=competency, order=_next_order(loop.loop_competencies)
    )
    record(by, "loop.competency_added", loop, competency=competency.key)
    return item


@transaction.atomic
def update_loop_competency(item: LoopCompetency, changes: dict, *, by) -> LoopCompetency:
    item.loop.require_draft()
    for name, value in changes.items():
        setattr(item, name, value)
    item.save()
    record(
        by,
        "loop.competency_changed",
        item.loop,
        competency=item.competency.key,
        **{k: str(v) for k, v in changes.items()},
    )
    return item


@transaction.atomic
def remove_competency(item: LoopCompetency, *, by) -> None:
    item.loop.require_draft()
    item.delete()
    record(by, "loop.competency_removed", item.loop, competency=item.competency.key)


@transaction.atomic
def add_stage(
    loop: Loop,
    *,
    name: str,
    duration_minutes: int,
    buffer_minutes: int,
    focus: str = "",
    panel_size: int = 1,
    by,
) -> Stage:
    loop.require_draft()
    stage = Stage(
        loop=loop,
        order=_next_order(loop.stages),
        name=name,
        duration_minutes=duration_minutes,
        buffer_minutes=buffer_minutes,
        focus=focus,
        panel_size=panel_size,
    )
    stage.full_clean()
    stage.save()
    record(by, "loop.stage_added", loop, stage=name)
    return stage


@transaction.atomic
def update_stage(stage: Stage, changes: dict, *, by) -> Stage:
    stage.loop.require_draft()
    for name, value in changes.items():
        setattr(stage, name, value)
    stage.full_clean()
    stage.save()
    record(by, "loop.stage_changed", stage.loop, stage=stage.name)
    return stage


@transaction.atomic
def remove_stage(stage: Stage, *, by) -> None:
    stage.loop.require_draft()
    stage.delete()
    record(by, "loop.stage_removed", stage.loop, stage=stage.name)


def _move(item, siblings, direction: int) -> None:
    """Swap `item` with its neighbour up (-1) or down (+1); renumbers the siblings 1..n."""
    ordered = list(siblings)
    index = next(i for i, s in enumerate(ordered) if s.pk == item.pk)
    target = index + direction
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered)


def _renumber(ordered) -> None:
    for position, sibling in enumerate(ordered, start=1):
        if sibling.order != position:
            sibling.order = position
            sibling.save(update_fields=["order"])


@transaction.atomic
def move_stage(stage: Stage, direction: int, *, by) -> None:
    stage.loop.require_draft()
    _move(stage, stage.loop.stages.order_by("order", "pk"), direction)
    record(by, "loop.stage_moved", stage.loop, stage=stage.name, direction=direction)


@transaction.atomic
def plan_question(
    stage: Stage, question: Question, *, by, must_ask: bool = True
) -> PlannedQuestion:
    stage.loop.require_draft()
    if stage.planned.filter(question__key=question.key).exists():
        raise ValidationError(f"“{question.title}” is already planned in {stage.name}.")
    planned = PlannedQuestion.objects.create(
        stage=stage, question=question, order=_next_order(stage.planned), must_ask=must_ask
    )
    record(by, "loop.question_planned", stage.loop, stage=stage.name, question=question.key)
    return planned


@transaction.atomic
def update_planned(planned: PlannedQuestion, changes: dict, *, by) -> PlannedQuestion:
    planned.stage.loop.require_draft()
    for name, value in changes.items():
        setattr(planned, name, value)
    if not planned.is_backup:
        planned.backup_condition = ""
    elif not planned.backup_condition.strip():
        raise ValidationError({"backup_condition": "Say when to use the backup question."})
    planned.full_clean()
    planned.save()
    record(
        by,
        "loop.question_changed",
        planned.stage.loop,
        question=planned.question.key,
        **{k: str(v) for k, v in changes.items()},
    )
    return planned


@transaction.atomic
def move_planned(planned: PlannedQuestion, direction: int, *, by) -> None:
    planned.stage.loop.require_draft()
    _move(planned, planned.stage.planned.order_by("order", "pk"), direction)
    record(by, "loop.question_moved", planned.stage.loop, question=planned.question.key)


@transaction.atomic
def reorder_planned(stage: Stage, planned_ids: list[int], *, by) -> None:
    """Put the stage's questions in the given order (drag and drop)."""
    stage.loop.require_draft()
    current = {p.pk: p for p in stage.planned.all()}
    if sorted(planned_ids) != sorted(current):
        raise ValidationError("The order must list every question of the stage once.")
    _renumber([current[pk] for pk in planned_ids])
    record(by, "loop.questions_reordered", stage.loop, stage=stage.name)


@transaction.atomic
def unplan_question(planned: PlannedQuestion, *, by) -> None:
    planned.stage.loop.require_draft()
    planned.delete()
    record(by, "loop.question_unplanned", planned.stage.loop, question=planned.question.key)


@transaction.atomic
def accept_suggestion(stage: Stage, items: list[tuple[Question, bool]], *, by) -> None:
    """Replace the stage's questions with a suggested set (question, must_ask), in order."""
    stage.loop.require_draft()
    stage.planned.all().delete()
    for order, (question, must_ask) in enumerate(items, start=1):
        PlannedQuestion.objects.create(
            stage=stage, question=question, order=order, must_ask=must_ask
        )
    record(
        by,
        "loop.suggestion_accepted",
        stage.loop,
        stage=stage.name,
        questions=[q.key for q, _ in items],
    )


@transaction.atomic
def swap_planned_question(
    planned: PlannedQuestion, question: Question, *, by, drop: PlannedQuestion | None = None
) -> PlannedQuestion:
    """Put `question` (a fork, or a newer version) in the place of the planned one."""
    planned.stage.loop.require_draft()
    old = planned.question.key
    planned.question = question
    planned.save(update_fields=["question"])
    if drop is not None and drop.pk != planned.pk:
        drop.delete()
    record(
        by,
        "loop.question_replaced",
        planned.stage.loop,
        old=old,
        new=question.key,
        dropped=drop.question.key if drop else None,
    )
    return planned


def loop_for_coverage(loop: Loop):
    """The loop's stages and competencies, loaded in a fixed number of queries."""
    planned = PlannedQuestion.objects.select_related("question").prefetch_related(
        "question__tags", "question__secondary_competencies", "question__primary_competency"
    )
    stages = list(
        loop.stages.order_by("order", "pk").prefetch_related(
            Prefetch("planned", queryset=planned.order_by("order", "pk"))
        )
    )
    competencies = list(loop.loop_competencies.select_related("competency").order_by("order", "pk"))
    return stages, competencies


def coverage_inputs(stages, competencies):
    """Plain data for interviews.coverage from loaded stages and loop competencies."""
    infos = [
        coverage.CompetencyInfo(c.competency.key, c.competency.name, c.critical)
        for c in competencies
    ]
    stage_infos = [
        coverage.StageInfo(
            id=stage.pk,
            name=stage.name,
            minutes_available=stage.minutes_available,
            items=tuple(_item_info(p) for p in stage.planned.all()),
            panel_size=stage.panel_size,
        )
        for stage in stages
    ]
    return infos, stage_infos


def _item_info(planned: PlannedQuestion) -> coverage.ItemInfo:
    q = planned.question
    return coverage.ItemInfo(
        planned_id=planned.pk,
        title=q.title,
        minutes=planned.effective_minutes,
        primary=q.primary_competency.key,
        secondary=frozenset(c.key for c in q.secondary_competencies.all()),
        tags=frozenset(t.key for t in q.tags.all()),
        technologies=frozenset(q.technologies),
        must_ask=planned.must_ask,
        is_backup=planned.is_backup,
    )


def loop_warnings(loop: Loop, infos, stage_infos) -> list[coverage.Warning]:
    """The loop's coverage warnings under its own rule: the builder and publishing agree.

    `infos`, `stage_infos`: what coverage_inputs made of the loaded loop.
    """
    return coverage.coverage_warnings(
        infos, stage_infos, another_stage=loop.second_opinion_from_another_stage
    )


def publish_problems(stages, competencies) -> list[str]:
    """What makes a loop unpublishable outright (not mere warnings)."""
    problems = []
    if not competencies:
        problems.append("Choose at least one competency to assess.")
    if not stages:
        problems.append("Add at least one stage.")
    problems += [f"{s.name} has no questions." for s in stages if not s.planned.all()]
    return problems


@transaction.atomic
def publish_loop(loop: Loop, *, by, confirmed: bool = False) -> list[coverage.Warning]:
    """Freeze the loop and everything it pins; warnings need `confirmed`."""
    given, loop = loop, Loop.objects.select_for_update().get(pk=loop.pk)
    loop.require_draft()
    stages, competencies = loop_for_coverage(loop)
    if problems := publish_problems(stages, competencies):
        raise ValidationError(problems)
    warnings = loop_warnings(loop, *coverage_inputs(stages, competencies))
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)
    lock_for_published_loop(
        loop.scale,
        *[c.competency for c in competencies],
        *[p.question for s in stages for p in s.planned.all()],
    )
    loop.status = Loop.Status.PUBLISHED
    loop.published_at = timezone.now()
    loop.save(update_fields=["status", "published_at", "updated_at"])
    # The caller's object tells the truth too.
    given.status, given.published_at = loop.status, loop.published_at
    record(by, "loop.published", loop, version=loop.version, warnings=[w.message for w in warnings])
    return warnings


@transaction.atomic
def new_loop_version(loop: Loop, *, by) -> Loop:
    """Copy a published (or archived) loop into a new draft version under the same key."""
    if loop.is_draft:
        raise ValidationError("This loop is already a draft.")
    if Loop.objects.filter(key=loop.key, status=Loop.Status.DRAFT).exists():
        raise ValidationError("A draft of this loop exists already: edit that one.")
    latest = Loop.objects.filter(key=loop.key).aggregate(m=Max("version"))["m"]
    stages, competencies = loop_for_coverage(loop)
    draft = Loop.objects.create(
        key=loop.key,
        version=latest + 1,
        name=loop.name,
        role=loop.role,
        level=loop.level,
        scale=loop.scale,
        bar=loop.bar,
        peers_may_read=loop.peers_may_read,
        second_opinion_from_another_stage=loop.second_opinion_from_another_stage,
        derived_from=loop,
        created_by=by,
    )
    for c in competencies:
        LoopCompetency.objects.create(
            loop=draft,
            competency=c.competency,
            order=c.order,
            critical=c.critical,
            weight=c.weight,
            bar=c.bar,
        )
    for s in stages:
        copy = Stage.objects.create(
            loop=draft,
            order=s.order,
            name=s.name,
            duration_minutes=s.duration_minutes,
            buffer_minutes=s.buffer_minutes,
            focus=s.focus,
            panel_size=s.panel_size,
        )
        PlannedQuestion.objects.bulk_create(
            [
                PlannedQuestion(
                    stage=copy,
                    question=p.question,
                    order=p.order,
                    minutes=p.minutes,
                    must_ask=p.must_ask,
                    is_backup=p.is_backup,
                    backup_condition=p.backup_condition,
                )
                for p in s.planned.all()
            ]
        )
    record(by, "loop.new_version", draft, version=draft.version, source=loop.version)
    return draft


@transaction.atomic
def archive_loop(loop: Loop, *, by) -> None:
    if loop.status == Loop.Status.ARCHIVED:
        return
    if loop.is_draft:
        raise ValidationError("Publish the loop before archiving it, or delete the draft.")
    loop.status = Loop.Status.ARCHIVED
    loop.save(update_fields=["status", "updated_at"])
    record(by, "loop.archived", loop, version=loop.version)


@transaction.atomic
def adopt_current_versions(loop: Loop, *, by) -> int:
    """Point a draft's planned questions and competencies at current catalogue versions.

    DESIGN: a draft adopts a new version only when the recruiter says so.
    """
    loop.require_draft()
    adopted = 0
    for item in loop.loop_competencies.select_related("competency"):
        current = Competency.objects.current().filter(key=item.competency.key).first()
        if current and current.pk != item.competency_id:
            item.competency = current
            item.save(update_fields=["competency"])
            adopted += 1
    planned = PlannedQuestion.objects.filter(stage__loop=loop).select_related("question")
    for p in planned:
        current = Question.objects.current().filter(key=p.question.key).first()
        if current and current.pk != p.question_id:
            p.question = current
            p.save(update_fields=["question"])
            adopted += 1
    if adopted:
        record(by, "loop.adopted_versions", loop, count=adopted)
    return adopted
