"""The demo's past cohort of the DevOps loop: invented people, interviewed, hired, reviewed.

`make run` shows the outcome pages with something on them: a cohort that applied
14 to 18 months ago went through the demo DevOps loop's stages (their interviewers'
scorecards written and submitted through the scoring services, as the other demo
scorecards are), the committee decided, most offers were accepted, and each hire has
a 6- and a 12-month performance review with per-competency ratings. Candidates also
answered the voluntary self-identification form.

Every person is invented (names drawn from two lists, addresses @cohort.example.com,
"Invented for the demo" in the recruiter's notes). The figures are planted with a
fixed seed so that the pages have something to find:

- **Reliability predicts**: later performance is driven mostly by true reliability
  skill, which the reliability ratings measure (with noise).
- **Leadership does not**: the interview's leadership ratings are noise unrelated to
  later performance (its performance rating is independent of them) ...
- **... and it has adverse impact**: leadership ratings run lower for candidates who
  self-identified as female, so fewer of them pass the leadership stage.

Dates are set back after the services wrote them (created, held, submitted, hired), the
way the cohort would have been entered at the time; nothing else is written past the
services. A candidate whose email is on file already is left alone: loading twice
changes nothing. One transaction.
"""

import hashlib
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from candidates import scheduling, services
from candidates.demo import emails_discarded
from candidates.models import Application, Assignment, Candidate, Interview
from interviews.models import Loop
from rubrics.models import Competency
from scoring.models import QuestionNote, Scorecard
from scoring.services import (
    record_decision,
    save_note,
    save_overall,
    save_rating,
    submit_scorecard,
    use_backup,
)

from .models import SelfIdAnswer, SelfIdCategory, SelfIdInvite, SelfIdResponse
from .reviews.services import ReviewData, save_review

SEED = 3
LOOP_KEY = "devops-engineer-senior"
APPLICANTS = 56
EMAIL_DOMAIN = "cohort.example.com"
INVENTED_NOTE = "Invented for the demo: one of the DevOps loop's past cohort."
INTERVIEWERS = ("interviewer1", "interviewer2", "interviewer3")
# Interviewer leniency (points): the calibration page has a lenient rater to show.
LENIENCY = {"interviewer1": 0.0, "interviewer2": -0.2, "interviewer3": 0.4}
PREDICTS = "devops-reliability"
DOES_NOT_PREDICT = "devops-leadership"
# Points taken off the leadership ratings of candidates who self-identify as female.
LEADERSHIP_BIAS = 1.1
# The stage's mean rating a candidate needs to go on to the next stage.
PASS_MARK = 2.5
# Days before `now` that the first and the last of the cohort applied.
FIRST_APPLIED, LAST_APPLIED = 545, 425
FIRST_NAMES = (
    "Alex",
    "Avery",
    "Blair",
    "Casey",
    "Dakota",
    "Devon",
    "Emerson",
    "Finley",
    "Harper",
    "Jordan",
    "Kai",
    "Logan",
    "Morgan",
    "Noel",
    "Parker",
    "Quinn",
    "Reese",
    "Riley",
    "Rowan",
    "Sage",
    "Skyler",
    "Taylor",
    "Jamie",
    "Robin",
)
SURNAMES = (
    "Ashgrove",
    "Brightwater",
    "Copperfield",
    "Dunmore",
    "Elmsworth",
    "Fernhollow",
    "Glenbrook",
    "Hartwell",
    "Ivorydale",
    "Juniperton",
    "Kestrelby",
    "Larkspur",
    "Moorcroft",
    "Northwick",
    "Oakhurst",
    "Pebbleton",
    "Quillfeather",
    "Ravensmoor",
    "Silverbeck",
    "Thornbury",
    "Underhill",
    "Vellacott",
    "Willowmere",
    "Yarrowdale",
)
REVIEWERS = ("Robin Placeholder", "Sam Examplewood", "Jo Fictional-Lead", "Ari Demoson")
SEX_WEIGHTS = {"female": 0.42, "male": 0.50, None: 0.08}
RACE_WEIGHTS = {
    "white": 0.42,
    "asian": 0.22,
    "black": 0.12,
    "hispanic-latino": 0.12,
    "two-or-more": 0.05,
    None: 0.07,
}
SELF_ID_RESPONSE_RATE = 0.9
EVIDENCE = {
    1: "Could not give a concrete example when pressed; the answer stayed generic.",
    2: "One example, thin on detail; needed several prompts to reach the trade-offs.",
    3: "A sound, specific example; covered the main points of the checklist.",
    4: "A detailed example with the trade-offs weighed and the result measured.",
    5: "Depth beyond the level: anticipated the follow-up questions with evidence.",
}
RECOMMENDATION = {1: "strong_no", 2: "no", 3: "yes", 4: "yes", 5: "strong_yes"}


@dataclass
class Person:
    """One invented member of the cohort, with the skills the seed gave them."""

    name: str
    email: str
    applied_days_ago: int
    skill: dict[str, float]
    sex: str | None
    race: str | None
    answers_self_id: bool
    # Separate streams, so that what one part draws does not shift another's figures:
    # interview ratings and the offer's answer; notes and recommendations; reviews.
    noise: random.Random = field(repr=False)
    extras: random.Random = field(repr=False)
    later: random.Random = field(repr=False)

    @property
    def female(self) -> bool:
        return self.sex == "female"


@dataclass
class Cohort:
    added: int = 0
    skipped: int = 0
    scorecards: int = 0
    hires: int = 0
    reviews: int = 0

    def summary(self) -> str:
        if not self.added:
            return f"Demo past cohort: none new, {self.skipped} already there."
        return (
            f"Demo past cohort (invented people): {self.added} candidates, "
            f"{self.scorecards} scorecards, {self.hires} hires with {self.reviews} "
            f"performance reviews."
        )


def cohort_notice() -> str:
    """The notice a page shows when the invented cohort is loaded ("" if not): one query."""
    if not Candidate.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists():
        return ""
    return (
        f"Demo data: the DevOps loop's past cohort ({APPLICANTS} candidates, addresses "
        f"@{EMAIL_DOMAIN}) is invented, and its figures were planted with a fixed seed: "
        "reliability predicts later performance, leadership does not, and leadership "
        "ratings run lower for candidates who self-identified as female."
    )


def cohort_people(seed: int = SEED) -> list[Person]:
    """The cohort, drawn from the seed: the same people every time."""
    rng = random.Random(seed)
    names = [f"{first} {last}" for first in FIRST_NAMES for last in SURNAMES]
    rng.shuffle(names)
    people = []
    for index, name in enumerate(names[:APPLICANTS]):
        general = rng.gauss(0, 1)  # skills go together somewhat
        skill = {
            key: 0.45 * general + 0.89 * rng.gauss(0, 1)
            for key in ("devops-infrastructure", "devops-reliability", "devops-security")
        }
        skill["devops-leadership"] = rng.gauss(0, 1)  # what the job later shows
        spread = (FIRST_APPLIED - LAST_APPLIED) * index // max(APPLICANTS - 1, 1)
        people.append(
            Person(
                name=name,
                email=f"{name.lower().replace(' ', '.')}@{EMAIL_DOMAIN}",
                applied_days_ago=FIRST_APPLIED - spread,
                skill=skill,
                sex=_pick(rng, SEX_WEIGHTS),
                race=_pick(rng, RACE_WEIGHTS),
                answers_self_id=rng.random() < SELF_ID_RESPONSE_RATE,
                noise=random.Random(rng.random()),
                extras=random.Random(rng.random()),
                later=random.Random(rng.random()),
            )
        )
    return people


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def interview_score(person: Person, competency: str, interviewer: str) -> int:
    """A rating 1..5 as the interviewer gave it: skill plus noise (leadership: no skill)."""
    rng = person.noise
    if competency == DOES_NOT_PREDICT:
        value = 3.1 + rng.gauss(0, 0.85) - (LEADERSHIP_BIAS if person.female else 0.0)
    else:
        value = 3.2 + 0.85 * person.skill[competency] + rng.gauss(0, 0.55)
    return _on_scale(value + LENIENCY.get(interviewer, 0.0))


def performance(person: Person) -> float:
    """Later performance: mostly reliability, some infrastructure and security."""
    skill = person.skill
    return (
        0.7 * skill["devops-reliability"]
        + 0.25 * skill["devops-infrastructure"]
        + 0.15 * skill["devops-security"]
    )


def _on_scale(value: float, top: int = 5) -> int:
    return max(1, min(top, round(value)))


def load_demo_cohort(*, by: User, now: datetime | None = None) -> Cohort:
    """Add the cohort's candidates who are not on file yet; what was done."""
    now = now or timezone.now()
    loop = (
        Loop.objects.filter(key=LOOP_KEY, status=Loop.Status.PUBLISHED).order_by("-version").first()
    )
    if loop is None:
        raise LookupError(f"No published loop “{LOOP_KEY}”: load the demo loops first.")
    world = World.of(loop, by=by)
    result = Cohort()
    with emails_discarded(), transaction.atomic():
        for person in cohort_people():
            if services.duplicate_email(person.email).exists():
                result.skipped += 1
                continue
            world.add(person, now, result)
    return result


@dataclass
class World:
    """What the cohort's load needs, fetched once."""

    loop: Loop
    recruiter: User
    committee: User
    interviewers: list[User]
    competencies: dict[str, Competency]
    categories: dict[str, SelfIdCategory]

    @classmethod
    def of(cls, loop: Loop, *, by: User) -> "World":
        wanted = [*INTERVIEWERS, "committee"]
        people = {u.username: u for u in User.objects.filter(username__in=wanted)}
        return cls(
            loop=loop,
            recruiter=by,
            committee=people["committee"],
            interviewers=[people[name] for name in INTERVIEWERS],
            competencies={
                item.competency.key: item.competency
                for item in loop.loop_competencies.select_related("competency")
            },
            categories={c.key: c for c in SelfIdCategory.objects.prefetch_related("options")},
        )

    def add(self, person: Person, now: datetime, result: Cohort) -> None:
        applied = now - timedelta(days=person.applied_days_ago)
        candidate = services.create_candidate(
            by=self.recruiter, name=person.name, email=person.email, recruiter_notes=INVENTED_NOTE
        )
        application = services.start_application(
            candidate, self.loop, by=self.recruiter, committee=[self.committee]
        )
        Candidate.objects.filter(pk=candidate.pk).update(created_at=applied, updated_at=applied)
        Application.objects.filter(pk=application.pk).update(
            created_at=applied, status_changed_at=applied
        )
        result.added += 1
        self.self_identify(person, application, applied)
        day = applied
        stages = list(self.loop.stages.order_by("order", "pk"))
        for number, stage in enumerate(stages):
            day = day + timedelta(days=3 + number)
            means = self.interview(person, application, stage, number, day, result)
            if means < PASS_MARK:
                self.close(application, Application.Status.REJECTED, day + timedelta(days=2))
                return
        self.decide(person, application, day + timedelta(days=4), result)

    def interview(self, person, application, stage, number, day, result) -> float:
        """Hold the stage with its panel; each submits a scorecard. The stage's mean rating."""
        starts = datetime.combine(day.date(), time(10, 0), tzinfo=UTC)
        interview = scheduling.schedule_interview(application, stage, starts, by=self.recruiter)
        panel_size = max(1, min(stage.panel_size or 1, len(self.interviewers)))
        start = (result.added + number) % len(self.interviewers)
        panel = [self.interviewers[(start + i) % len(self.interviewers)] for i in range(panel_size)]
        for person_on in panel:
            scheduling.assign(interview, person_on, Assignment.Role.INTERVIEWER, by=self.recruiter)
        scheduling.set_interview_state(interview, Interview.State.HELD, by=self.recruiter)
        scores = []
        for seat in interview.assignments.select_related("person", "scorecard"):
            scores += self.fill(person, seat.scorecard, seat.person, starts)
            result.scorecards += 1
        return sum(scores) / len(scores)

    def fill(self, person: Person, card: Scorecard, interviewer: User, starts) -> list[int]:
        """Write and submit the interviewer's scorecard through the scoring services."""
        scale_id = self.loop.scale_id
        scores = []
        for rating in card.ratings.select_related("competency"):
            score = interview_score(person, rating.competency.key, interviewer.username)
            scores.append(score)
            save_rating(
                rating,
                score=score,
                evidence=EVIDENCE[score],
                not_assessed=False,
                reason="",
                base_revision=rating.revision,
                scale_id=scale_id,
            )
        self.take_notes(person, card, interviewer)
        card.refresh_from_db()
        mean = sum(scores) / len(scores)
        save_overall(
            card,
            recommendation=RECOMMENDATION[_on_scale(mean + person.extras.gauss(0, 0.3))],
            summary="Invented demo scorecard: ratings drawn from the cohort's seed.",
            base_revision=card.overall_revision,
        )
        submit_scorecard(card, by=interviewer)
        ended = starts + timedelta(minutes=45)
        Scorecard.objects.filter(pk=card.pk).update(submitted_at=ended, updated_at=ended)
        return scores

    def take_notes(self, person: Person, card: Scorecard, interviewer: User) -> None:
        """Asked, ticked and timed; a backup stands in now and then (its reason given)."""
        notes = list(card.notes.select_related("planned__question", "planned__stage"))
        backups = [n for n in notes if n.planned.is_backup]
        planned = [n for n in notes if not n.planned.is_backup]
        rng = person.extras
        used = bool(backups and len(planned) > 1 and rng.random() < 0.2)
        if used:
            use_backup(
                backups[0],
                instead_of=planned[-1],
                reason="Invented: the candidate had no experience to draw on for this one.",
                by=interviewer,
            )
            planned = planned[:-1]
        for note in planned:
            checklist = note.planned.question.checklist
            save_note(
                note,
                text="Invented demo notes: the candidate's example, in brief.",
                state=QuestionNote.State.ASKED,
                ticks=[i for i in range(len(checklist)) if rng.random() < 0.7],
                base_revision=note.revision,
            )
        for note in [*planned, backups[0]] if used else planned:
            QuestionNote.objects.filter(pk=note.pk).update(seconds_spent=seconds_on(note, rng))

    def self_identify(self, person: Person, application: Application, applied) -> None:
        """The invite the recruiter sent and, for most, the answers (prefer not to say: none)."""
        # A random token nobody holds: the link was "sent" long ago and has expired.
        token = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        sent = applied + timedelta(days=1)
        invite = SelfIdInvite.objects.create(
            application=application,
            token_hash=token,
            created_by=self.recruiter,
            expires_at=sent + timedelta(days=14),
            used_at=sent + timedelta(hours=5) if person.answers_self_id else None,
        )
        SelfIdInvite.objects.filter(pk=invite.pk).update(created_at=sent)
        if not person.answers_self_id:
            return
        response = SelfIdResponse.objects.create(application=application)
        SelfIdResponse.objects.filter(pk=response.pk).update(submitted_at=invite.used_at)
        chosen = {"sex": person.sex, "race-ethnicity": person.race}
        answers = []
        for key, category in self.categories.items():
            options = {o.key: o for o in category.options.all()}
            option = options.get(chosen.get(key))
            answers.append(SelfIdAnswer(response=response, category=category, option=option))
        SelfIdAnswer.objects.bulk_create(answers)

    def decide(self, person: Person, application: Application, day, result: Cohort) -> None:
        """The committee hires; one in ten declines the offer; each hire is reviewed twice."""
        record_decision(
            application,
            outcome="hire",
            level=self.loop.level,
            rationale="Invented demo decision: every stage passed.",
            by=self.committee,
        )
        if person.noise.random() < 0.1:
            self.close(application, Application.Status.WITHDRAWN, day + timedelta(days=5))
            return
        hired = day + timedelta(days=7)
        self.close(application, Application.Status.HIRED, hired)
        application.refresh_from_db()
        result.hires += 1
        result.reviews += self.review(person, application, hired.date())

    def close(self, application: Application, status: str, when) -> None:
        services.change_status(application, status, by=self.recruiter)
        Application.objects.filter(pk=application.pk).update(status_changed_at=when)

    def review(self, person: Person, application: Application, hired: date) -> int:
        """The 6- and 12-month reviews, overall and per competency."""
        rng = person.later
        level = performance(person)
        reviewer = REVIEWERS[rng.randrange(len(REVIEWERS))]
        for months, days in ((6, 182), (12, 365)):
            drift = rng.gauss(0, 0.35)
            ratings = {
                competency: _on_scale(3 + self.performance_on(person, key, rng))
                for key, competency in self.competencies.items()
            }
            save_review(
                application,
                ReviewData(
                    reviewed_on=hired + timedelta(days=days),
                    reviewer_name=reviewer,
                    overall=_on_scale(3.1 + 1.1 * level + drift + rng.gauss(0, 0.3)),
                    comment=f"Invented {months}-month review for the demo.",
                    ratings=ratings,
                ),
                by=self.recruiter,
            )
        return 2

    @staticmethod
    def performance_on(person: Person, key: str, rng: random.Random) -> float:
        if key == DOES_NOT_PREDICT:
            return 0.8 * person.skill[key] + rng.gauss(0, 0.5)
        return 0.9 * person.skill.get(key, 0.0) + rng.gauss(0, 0.5)


# Seconds spent over the plan, per question title: one overruns, the rest roughly keep time.
OVERRUNS = {"Multi-region high availability": 1.7}


def seconds_on(note: QuestionNote, rng: random.Random) -> int:
    """How long the live clock would have counted on the question."""
    planned = note.planned
    factor = OVERRUNS.get(planned.question.title, 1.0) * rng.uniform(0.75, 1.2)
    return round(planned.effective_minutes * 60 * factor)
