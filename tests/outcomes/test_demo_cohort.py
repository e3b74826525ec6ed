"""The demo's past cohort (outcomes.demo): invented, loaded once, with planted structure.

The load goes through the same services as the screens; these tests check what a
person opening the outcome pages relies on: hires with 6- and 12-month reviews, time
on the questions, self-identification, one competency that predicts later
performance and one that does not, and fewer women passing the stages that rate
leadership. Figures here are computed with scipy straight from the rows.
"""

import math
from io import StringIO
from pathlib import Path
from statistics import mean

import pytest
from django.conf import settings
from django.core.management import call_command
from scipy import stats

from accounts.models import User
from candidates.models import Application, Candidate
from interviews.demo import load_demo_loops
from outcomes.demo import (
    APPLICANTS,
    DOES_NOT_PREDICT,
    EMAIL_DOMAIN,
    INVENTED_NOTE,
    PREDICTS,
    cohort_people,
    load_demo_cohort,
)
from outcomes.models import PerformanceReview, SelfIdAnswer, SelfIdResponse
from outcomes.reviews.services import hired_on
from rubrics.bankfile import import_bank
from scoring.models import QuestionNote, Rating, Scorecard

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def recruiter(db, settings, tmp_path) -> User:
    """Banks, demo loops and demo users: what load_demo has made before the cohort."""
    settings.MEDIA_ROOT = tmp_path
    for name in ("02-devops.yaml", "03-infrastructure-manager.yaml"):
        import_bank((FIXTURES / "banks" / name).read_text(encoding="utf-8"))
    load_demo_loops(FIXTURES / "demo" / "loops.yaml")
    call_command("create_demo_users", stdout=StringIO())
    return User.objects.get(username="recruiter")


def test_the_cohort_is_drawn_from_a_fixed_seed():
    first, again = cohort_people(), cohort_people()
    assert [p.name for p in first] == [p.name for p in again]
    assert [p.skill for p in first] == [p.skill for p in again]
    assert len({p.email for p in first}) == APPLICANTS


def interval(r: float, n: int) -> tuple[float, float]:
    z, half = math.atanh(r), 1.959964 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def validity(competency_key: str) -> tuple[float, tuple[float, float], int]:
    """Pearson r between a hire's mean interview rating and mean overall review."""
    hires = Application.objects.filter(status=Application.Status.HIRED)
    rows = Rating.objects.counted().filter(
        scorecard__assignment__interview__application__in=hires,
        competency__key=competency_key,
    )
    scores: dict[int, list[int]] = {}
    for application_id, score in rows.values_list(
        "scorecard__assignment__interview__application_id", "score"
    ):
        scores.setdefault(application_id, []).append(score)
    reviews: dict[int, list[int]] = {}
    for application_id, overall in PerformanceReview.objects.values_list(
        "application_id", "overall"
    ):
        reviews.setdefault(application_id, []).append(overall)
    ids = sorted(set(scores) & set(reviews))
    r = stats.pearsonr([mean(scores[i]) for i in ids], [mean(reviews[i]) for i in ids])[0]
    return r, interval(r, len(ids)), len(ids)


def hire_rate(sex: str) -> tuple[int, int]:
    answered = SelfIdAnswer.objects.filter(category__key="sex", option__key=sex)
    applications = Application.objects.filter(self_id_response__answers__in=answered)
    return applications.filter(status=Application.Status.HIRED).count(), applications.count()


def test_the_cohort_plants_a_predictor_a_non_predictor_and_adverse_impact(recruiter):
    loaded = load_demo_cohort(by=recruiter)

    assert loaded.added == APPLICANTS and loaded.hires >= 25
    r, (low, high), n = validity(PREDICTS)
    assert n == loaded.hires and low > 0.3, (r, low, high)
    r, (low, high), n = validity(DOES_NOT_PREDICT)
    assert low < 0 < high, (r, low, high)
    women_hired, women = hire_rate("female")
    men_hired, men = hire_rate("male")
    assert women >= 10 and men >= 10
    assert (women_hired / women) / (men_hired / men) < 0.8  # the four-fifths rule flags it
    check_every_hire_has_a_6_and_a_12_month_review_with_competency_ratings()


def check_every_hire_has_a_6_and_a_12_month_review_with_competency_ratings() -> None:
    hires = Application.objects.filter(status=Application.Status.HIRED)
    loop_items = hires.first().loop.loop_competencies.select_related("competency")
    competencies = {item.competency.key for item in loop_items}
    for application in hires:
        reviews = list(application.performance_reviews.prefetch_related("competency_ratings"))
        gaps = [(review.reviewed_on - hired_on(application)).days for review in reviews]
        assert gaps == [182, 365]
        for review in reviews:
            rated = {r.competency.key for r in review.competency_ratings.all()}
            assert rated == competencies and 1 <= review.overall <= review.scale_max
            assert review.reviewer_name and review.comment.startswith("Invented")


def check_invented_interviewed_timed_and_self_identified() -> None:
    cohort = Candidate.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    assert cohort.count() == APPLICANTS
    assert set(cohort.values_list("recruiter_notes", flat=True)) == {INVENTED_NOTE}
    cards = Scorecard.objects.filter(assignment__interview__application__candidate__in=cohort)
    assert cards.exists() and not cards.exclude(status=Scorecard.Status.SUBMITTED).exists()
    asked = QuestionNote.objects.filter(scorecard__in=cards, state=QuestionNote.State.ASKED)
    assert not asked.filter(seconds_spent=0).exists()
    assert QuestionNote.objects.filter(scorecard__in=cards, backup_for__isnull=False).exists()
    responses = SelfIdResponse.objects.filter(application__candidate__in=cohort)
    assert APPLICANTS * 0.7 < responses.count() < APPLICANTS  # some never answered
    # "Prefer not to say" is there too: an answer without an option.
    assert SelfIdAnswer.objects.filter(response__in=responses, option__isnull=True).exists()


def test_the_cohort_is_invented_timed_self_identified_and_loaded_once(recruiter):
    load_demo_cohort(by=recruiter)
    check_invented_interviewed_timed_and_self_identified()
    models = (Candidate, Scorecard, PerformanceReview)
    counts = [model.objects.count() for model in models]

    again = load_demo_cohort(by=recruiter)

    assert again.added == 0 and again.skipped == APPLICANTS
    assert again.summary() == f"Demo past cohort: none new, {APPLICANTS} already there."
    assert [model.objects.count() for model in models] == counts
