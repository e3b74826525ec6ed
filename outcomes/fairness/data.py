"""The adverse-impact page's data: who reached which step, by self-identified group.

Per loop key (every version) and calendar year of the application (in UTC). The pool is
the applications the process has decided: hired or rejected. Active applications and
offers still open are left out until they close (their later steps are not decided
yet), withdrawn ones too (the candidate left; nobody selected them out), and erased
candidates' (their answers are gone and their history with them). Applications the
viewer still owes their own scorecard on are left out as well (independence), and the
page says how many.

Steps, in order, each implying the ones before:
- "advanced past stage i" (every stage but the last, by position in the loop version):
  the application has an interview at a later stage that was scheduled, held or missed
  (a no-show was still invited), or got an offer;
- "offer": the audit trail shows the status set to offer, or the status is hired;
- "hired": the status is hired.

Everything is fetched in a fixed number of queries; the figures come from
outcomes.fairness.stats.
"""

import hashlib
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import AuditEntry
from candidates.models import Application, Interview
from interviews.models import Loop, Stage
from scoring.committee import loop_competency_names, pending_application_ids
from scoring.models import Rating

from ..models import SelfIdAnswer, SelfIdCategory
from . import stats
from .report import Category, Cohort

POOL = (Application.Status.HIRED, Application.Status.REJECTED)
ADVANCED = (Interview.State.SCHEDULED, Interview.State.HELD, Interview.State.NO_SHOW)


def categories() -> list[Category]:
    """The first two active categories (the intersection is of these), with options."""
    rows = SelfIdCategory.objects.filter(active=True).prefetch_related("options")[:2]
    return [
        Category(
            c.key,
            c.label,
            [(o.key, o.label) for o in c.options.all()] + [(stats.UNKNOWN, "Unknown")],
        )
        for c in rows
    ]


def year_choices(key: str) -> list[int]:
    """Years with decided applications on the loop key, newest first (one query); this
    year alone when there are none yet (the page then says so, with zeros)."""
    years = (
        Application.objects.filter(loop__key=key, status__in=POOL)
        .annotate(year=ExtractYear("created_at"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True) or [timezone.now().year]


def stage_steps(key: str) -> list[str]:
    """'Advanced past <stage>' for each stage but the last, then offer and hired.

    Positions, not stages: versions of a loop may name or add stages; the newest
    version's names label the positions (one query).
    """
    stages = list(
        Stage.objects.filter(loop__key=key)
        .exclude(loop__status=Loop.Status.DRAFT)
        .order_by("-loop__version", "order", "pk")
        .values_list("loop__version", "name")
    )
    newest = stages[0][0] if stages else None
    names = [name for version, name in stages if version == newest]
    depth = max(
        Stage.objects.filter(loop__key=key)
        .exclude(loop__status=Loop.Status.DRAFT)
        .values("loop")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True),
        default=0,
    )
    names += [f"stage {i + 1}" for i in range(len(names), depth)]
    return [f"Advanced past {name}" for name in names[:-1]] + ["Offer", "Hired"]


def pool(key: str, year: int, viewer):
    """(included, excluded): the year's decided applications, and those the viewer
    still owes their own scorecard on (left out: independence)."""
    base = Application.objects.filter(
        loop__key=key, status__in=POOL, created_at__year=year
    ).exclude(loop__status=Loop.Status.DRAFT)
    pending = pending_application_ids(viewer)
    return base.exclude(pk__in=pending), base.filter(pk__in=pending)


def cohort(key: str, year: int, viewer) -> Cohort:
    """Everything the page needs for one loop key and year (a fixed number of queries)."""
    cats = categories()
    steps = stage_steps(key)
    included, excluded = pool(key, year, viewer)
    result = Cohort(categories=cats, steps=steps, excluded=excluded.count())
    apps = dict(included.values_list("pk", "status"))
    positions = stage_positions(key)
    furthest_stage: dict[int, int] = defaultdict(int)
    for app, stage in Interview.objects.filter(
        application__in=included, state__in=ADVANCED
    ).values_list("application_id", "stage_id"):
        furthest_stage[app] = max(furthest_stage[app], positions.get(stage, 0))
    offered = set(
        AuditEntry.objects.filter(
            verb="application.status_changed",
            data__after=Application.Status.OFFER,
            scope__in=[f"application:{pk}" for pk in apps],
        ).values_list("target_id", flat=True)
    )
    stage_steps_count = len(steps) - 2
    for pk, status in apps.items():
        if status == Application.Status.HIRED:
            result.furthest[pk] = len(steps)
        elif str(pk) in offered:
            result.furthest[pk] = stage_steps_count + 1
        else:
            result.furthest[pk] = min(furthest_stage.get(pk, 0), stage_steps_count)
    assign_answers(result, cats, apps)
    assign_scores(result, key, included)
    return result


def stage_positions(key: str) -> dict[int, int]:
    """Each stage of the loop key's versions -> its position in its version (0 first)."""
    positions: dict[int, int] = {}
    per_loop: dict[int, int] = defaultdict(int)
    for pk, loop in (
        Stage.objects.filter(loop__key=key)
        .order_by("loop", "order", "pk")
        .values_list("pk", "loop_id")
    ):
        positions[pk] = per_loop[loop]
        per_loop[loop] += 1
    return positions


def assign_answers(result: Cohort, cats: list[Category], apps: dict[int, str]) -> None:
    index = {c.key: i for i, c in enumerate(cats)}
    valid = [{key for key, _ in c.options} for c in cats]
    answers = {pk: [stats.UNKNOWN] * len(cats) for pk in apps}
    rows = SelfIdAnswer.objects.filter(
        response__application__in=list(apps), option__isnull=False
    ).values_list("response__application_id", "category__key", "option__key")
    responded = set(
        SelfIdAnswer.objects.filter(response__application__in=list(apps))
        .values_list("response__application_id", flat=True)
        .distinct()
    )
    for app, category, option in rows:
        i = index.get(category)
        if i is not None and option in valid[i]:
            answers[app][i] = option
    result.answers = {pk: tuple(values) for pk, values in answers.items()}
    result.responded = len(responded)


def assign_scores(result: Cohort, key: str, included) -> None:
    """Per competency and application, the mean of the counted scores (one query)."""
    sums: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for competency, app, score in (
        Rating.objects.counted()
        .filter(scorecard__assignment__interview__application__in=included, score__isnull=False)
        .values_list("competency_id", "scorecard__assignment__interview__application_id", "score")
    ):
        sums[competency][app].append(score)
    result.competencies = loop_competency_names(key)
    result.scores = {c: {app: sum(v) / len(v) for app, v in per.items()} for c, per in sums.items()}


def cached_suppress(layout: stats.Layout, counts: dict, minimum: int) -> set:
    """stats.suppress, remembered for a day by what it was given (the same counts always
    hide the same figures; the linear programs take up to a second)."""
    given = repr((layout, sorted(counts.items()), minimum)).encode()
    key = "fairness-suppress:" + hashlib.sha256(given).hexdigest()
    hidden = cache.get(key)
    if hidden is None:
        hidden = stats.suppress(layout, counts, minimum)
        cache.set(key, hidden, 24 * 60 * 60)
    return hidden
