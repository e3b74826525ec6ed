"""Plain make_* factories with sensible defaults; set up data as users would."""

from itertools import count

from accounts.models import User
from accounts.permissions import role_groups
from rubrics.models import (
    Bank,
    Competency,
    CompetencyAnchor,
    Ladder,
    LadderDimension,
    Level,
    LevelExpectation,
    Question,
    RatingScale,
    Role,
    ScalePoint,
    Tag,
)

_seq = count(1)
PASSWORD = "correct-horse-battery-staple"


def _n() -> int:
    return next(_seq)


def make_user(username: str | None = None, *, groups: tuple[str, ...] = (), **fields) -> User:
    username = username or f"user{_n()}"
    fields.setdefault("email", f"{username}@example.com")
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if groups:
        user.groups.set(role_groups(groups))
    return user


def make_bank(key: str | None = None, **fields) -> Bank:
    key = key or f"bank-{_n()}"
    fields.setdefault("name", key.replace("-", " ").title())
    return Bank.objects.create(key=key, **fields)


def make_scale(
    bank: Bank | None = None,
    key: str | None = None,
    *,
    values=(5, 4, 3, 2, 1),
    meets: int | None = 3,
    **fields,
) -> RatingScale:
    bank = bank or make_bank()
    key = key or f"scale-{_n()}"
    fields.setdefault("name", f"Scale {key}")
    scale = RatingScale.objects.create(bank=bank, key=key, **fields)
    for value in values:
        ScalePoint.objects.create(
            scale=scale,
            value=value,
            label=f"Point {value}",
            definition=f"Definition of {value}",
            meets_bar=value == meets,
        )
    return scale


def make_competency(
    bank: Bank | None = None,
    key: str | None = None,
    *,
    anchors: dict[int, str] | None = None,
    **fields,
) -> Competency:
    bank = bank or make_bank()
    key = key or f"competency-{_n()}"
    fields.setdefault("name", key.replace("-", " ").capitalize())
    competency = Competency.objects.create(bank=bank, key=key, **fields)
    anchors = (
        {5: "Outstanding behaviour", 3: "Solid behaviour", 1: "Poor behaviour"}
        if anchors is None
        else anchors
    )
    for value, text in anchors.items():
        CompetencyAnchor.objects.create(competency=competency, value=value, text=text)
    return competency


def make_tag(key: str) -> Tag:
    return Tag.objects.get_or_create(key=key, defaults={"name": key.replace("-", " ")})[0]


def make_question(
    bank: Bank | None = None,
    key: str | None = None,
    *,
    primary: Competency | None = None,
    secondary=(),
    tags=(),
    levels=(),
    **fields,
) -> Question:
    bank = bank or make_bank()
    primary = primary or make_competency(bank)
    key = key or f"question-{_n()}"
    fields.setdefault("title", f"Question {key}")
    fields.setdefault("prompt", f"Tell me about {key}.")
    fields.setdefault("goal", "Tests something that matters.")
    fields.setdefault("great_signals", ["Names a concrete example", "Explains trade-offs"])
    fields.setdefault("negative_signals", ["Blames others"])
    fields.setdefault("checklist", ["Context", "Outcome"])
    question = Question.objects.create(bank=bank, key=key, primary_competency=primary, **fields)
    question.secondary_competencies.set(secondary)
    question.tags.set([make_tag(t) if isinstance(t, str) else t for t in tags])
    question.levels.set(levels)
    return question


def make_ladder(
    bank: Bank | None = None,
    key: str | None = None,
    *,
    levels=("junior", "senior", "staff"),
    dimensions=("scope", "autonomy"),
    **fields,
) -> Ladder:
    bank = bank or make_bank()
    key = key or f"ladder-{_n()}"
    fields.setdefault("name", key.replace("-", " ").title())
    ladder = Ladder.objects.create(bank=bank, key=key, **fields)
    dims = [
        LadderDimension.objects.create(ladder=ladder, key=d, name=d.title(), order=i)
        for i, d in enumerate(dimensions)
    ]
    for order, level_key in enumerate(levels):
        level = Level.objects.create(
            ladder=ladder,
            key=level_key,
            name=level_key.title(),
            order=order,
            litmus=f"{level_key} litmus",
        )
        for dim in dims:
            LevelExpectation.objects.create(
                level=level, dimension=dim, text=f"{level_key} {dim.key}"
            )
    return ladder


def make_role(ladder: Ladder | None = None, key: str | None = None, **fields) -> Role:
    ladder = ladder or make_ladder()
    key = key or f"role-{_n()}"
    fields.setdefault("name", key.replace("-", " ").title())
    return Role.objects.create(ladder=ladder, bank=ladder.bank, key=key, **fields)


def make_loop(
    *,
    name: str | None = None,
    role: Role | None = None,
    level: Level | None = None,
    scale: RatingScale | None = None,
    competencies=None,
    by: User | None = None,
):
    """A draft loop through the builder's service, on a fresh catalogue unless given one."""
    from interviews.services import create_loop

    bank = (role.bank if role else None) or (scale.bank if scale else None) or make_bank()
    role = role or make_role(make_ladder(bank))
    level = level or role.ladder.levels.order_by("order")[1]
    scale = scale or make_scale(bank)
    if competencies is None:
        competencies = [make_competency(bank), make_competency(bank)]
    return create_loop(
        name=name or f"Loop {_n()}",
        role=role,
        level=level,
        scale=scale,
        competencies=competencies,
        by=by,
    )


def make_stage(loop, *, name: str | None = None, duration: int = 45, buffer: int = 5, by=None):
    """A stage appended to a draft loop (services.add_stage)."""
    from interviews.services import add_stage

    return add_stage(
        loop,
        name=name or f"Stage {_n()}",
        duration_minutes=duration,
        buffer_minutes=buffer,
        by=by,
    )


def plan(stage, question: Question, *, must_ask: bool = True, by=None):
    """Plan a question into a stage (services.plan_question)."""
    from interviews.services import plan_question

    return plan_question(stage, question, must_ask=must_ask, by=by)


def make_published_loop(catalogue=None, *, stages=("Systems", "People"), by=None):
    """A published loop with the given stages, one planned question each (services only)."""
    from interviews.services import add_stage, create_loop, plan_question, publish_loop

    bank = make_bank()
    primary = make_competency(bank)
    ladder = make_ladder(bank)
    loop = create_loop(
        name=f"Loop {_n()}",
        role=make_role(ladder),
        level=ladder.levels.first(),
        scale=make_scale(bank),
        competencies=[primary],
        by=by,
    )
    for name in stages:
        stage = add_stage(loop, name=name, duration_minutes=45, buffer_minutes=5, by=by)
        plan_question(stage, make_question(bank, primary=primary), by=by)
    publish_loop(loop, by=by, confirmed=True)
    return loop


def make_candidate(name: str | None = None, **fields):
    from candidates.services import create_candidate

    name = name or f"Candidate {_n()}"
    fields.setdefault("email", f"{name.lower().replace(' ', '.')}@example.org")
    return create_candidate(name=name, by=fields.pop("by", None), **fields)


def make_application(candidate=None, loop=None, *, committee=(), by=None):
    from candidates.services import start_application

    return start_application(
        candidate or make_candidate(), loop or make_published_loop(), committee=committee, by=by
    )


def make_interview(application, stage=None, *, starts_at=None, by=None):
    from datetime import timedelta

    from django.utils import timezone

    from candidates.scheduling import schedule_interview

    stage = stage or application.loop.stages.order_by("order").first()
    starts_at = starts_at or timezone.now() + timedelta(days=1)
    return schedule_interview(application, stage, starts_at, by=by)


def assign(interview, person, role: str = "interviewer", *, by=None):
    from candidates.scheduling import assign as assign_person

    return assign_person(interview, person, role, by=by)


def make_scoring_loop(
    *, peers_may_read: bool = False, scale_values=(5, 4, 3, 2, 1), scale_name=None, by=None
):
    """A published loop whose first stage is scored: two competencies, three questions.

    The stage plans a must-ask question (primary competency, a three-item checklist, a
    follow-up), an if-time-allows one (second competency) and a backup for the first.
    The second stage plans one question, so the loop has two stages to cover both.
    """
    from interviews.services import (
        add_stage,
        create_loop,
        plan_question,
        publish_loop,
        update_loop,
        update_planned,
    )

    bank = make_bank()
    ownership = make_competency(bank, name="Ownership")
    systems = make_competency(
        bank, name="Systems design", anchors={5: "Designs for failure", 1: "Ignores failure"}
    )
    ladder = make_ladder(bank)
    loop = create_loop(
        name=f"Scored loop {_n()}",
        role=make_role(ladder),
        level=ladder.levels.first(),
        scale=make_scale(bank, values=scale_values, **({"name": scale_name} if scale_name else {})),
        competencies=[ownership, systems],
        by=by,
    )
    if peers_may_read:
        update_loop(loop, {"peers_may_read": True}, by=by)
    stage = add_stage(loop, name="Technical", duration_minutes=45, buffer_minutes=5, by=by)
    first = make_question(
        bank,
        primary=ownership,
        title="Outage you owned",
        checklist=["Timeline", "Root cause", "Follow-up actions"],
        follow_ups=["What would you change?"],
        minutes=15,
    )
    plan_question(stage, first, by=by)
    plan_question(
        stage,
        make_question(bank, primary=systems, title="Design a queue", minutes=10),
        must_ask=False,
        by=by,
    )
    backup = plan_question(
        stage,
        make_question(bank, primary=ownership, title="Project you rescued", minutes=15),
        by=by,
    )
    update_planned(backup, {"is_backup": True, "backup_condition": "No on-call experience"}, by=by)
    second = add_stage(loop, name="Values", duration_minutes=30, buffer_minutes=5, by=by)
    plan_question(second, make_question(bank, primary=systems, title="Hard call"), by=by)
    publish_loop(loop, by=by, confirmed=True)
    return loop


def make_scorecard(interviewer, *, loop=None, application=None, role: str = "interviewer", by=None):
    """`interviewer` assigned to the scored stage of an application: their scorecard."""
    loop = loop or make_scoring_loop(by=by)
    application = application or make_application(loop=loop, by=by)
    stage = application.loop.stages.order_by("order").first()
    interview = application.interviews.filter(stage=stage).first() or make_interview(
        application, stage, by=by
    )
    return assign(interview, interviewer, role, by=by).scorecard


def fill_scorecard(
    card,
    scores=4,
    *,
    evidence: str = "Evidence on {competency}",
    notes: str = "Notes on {question}",
    ticks=(0,),
    reason: str = "Ran out of time",
    summary: str = "Summary",
    recommendation: str = "yes",
    every_question: bool = True,
):
    """Every part a submission needs, through the autosave services, as an interviewer would.

    `scores`: one score for every competency, or {competency name: score}, where None
    marks it not assessed (with `reason`) and a missing name scores 3. `evidence` and
    `notes` may name "{competency}" and "{question}". Notes go on every question but the
    backups, or only on the must-ask ones (`every_question=False`); ticks beyond a
    question's checklist are left out.
    """
    from scoring import services

    scale_id = card.assignment.interview.application.loop.scale_id
    for rating in card.ratings.select_related("competency"):
        name = rating.competency.name
        score = scores.get(name, 3) if isinstance(scores, dict) else scores
        services.save_rating(
            rating,
            score=score,
            evidence="" if score is None else evidence.replace("{competency}", name),
            not_assessed=score is None,
            reason=reason if score is None else "",
            base_revision=rating.revision,
            scale_id=scale_id,
        )
    for note in card.notes.select_related("planned__question"):
        planned, question = note.planned, note.planned.question
        if planned.is_backup or not (every_question or planned.must_ask):
            continue
        services.save_note(
            note,
            text=notes.replace("{question}", question.title),
            state="asked",
            ticks=[t for t in ticks if t < len(question.checklist)],
            base_revision=note.revision,
        )
    card.refresh_from_db()
    services.save_overall(
        card, recommendation=recommendation, summary=summary, base_revision=card.overall_revision
    )
    return card


def submit_filled_scorecard(card, *, by=None, **fill):
    """fill_scorecard, then submit it (by its author unless `by` says otherwise)."""
    from scoring import services

    fill_scorecard(card, **fill)
    return services.submit_scorecard(card, by=by or card.assignment.person)
