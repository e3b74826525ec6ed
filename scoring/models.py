"""Scorecards: what one assigned interviewer writes about one interview.

A scorecard exists from the moment someone is assigned, with one note per planned
question of the stage and one rating per competency the stage assesses. Each note,
each rating and the overall part (recommendation and summary) saves on its own with
its own revision: a save based on a stale revision is refused, never merged silently.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from candidates.models import LIVE_INTERVIEW_STATES, Application, Assignment, counted_seat
from interviews.models import PlannedQuestion
from rubrics.models import Competency, Level, within_points


def counted_scorecard(prefix: str = "") -> Q:
    """The one definition of a scorecard that counts: submitted, on a counted seat.

    A counted seat is active, an interviewer's (not a shadow's), on an interview that is
    scheduled or held (`candidates.models.counted_seat`). Committee page, packet,
    calibration, reliability, the ratings export and the pipeline all count these;
    `prefix` is the path from the queried model to the scorecard ("scorecard__").
    """
    return Q(**{f"{prefix}status": "submitted"}) & counted_seat(f"{prefix}assignment__")


def pending_review(person, prefix: str = "") -> Q:
    """The one definition of "own review pending": the person's draft on a live interview.

    Whatever the seat: a replaced seat keeps only a started scorecard (an untouched one
    is handed over), and its author may still finish it, so it still holds them back.
    A cancelled interview or a no-show owes nothing and holds nobody back.
    """
    return Q(
        **{
            f"{prefix}assignment__person": person,
            f"{prefix}status": "draft",
            f"{prefix}assignment__interview__state__in": LIVE_INTERVIEW_STATES,
        }
    )


class ScorecardQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Scorecard.Status.SUBMITTED)

    def pending(self):
        return self.filter(status=Scorecard.Status.DRAFT)

    def counted(self):
        """Scorecards that count (see `counted_scorecard`)."""
        return self.filter(counted_scorecard())

    def owed(self):
        """Scorecards of counted seats, submitted or not: what readiness waits for."""
        return self.filter(counted_seat("assignment__"))

    def pending_of(self, person):
        """The person's own scorecards still pending (see `pending_review`)."""
        return self.filter(pending_review(person))

    def pending_application_ids(self, person):
        """Applications the person still owes their own scorecard on (a subquery)."""
        return self.pending_of(person).values("assignment__interview__application_id")


class RatingQuerySet(models.QuerySet):
    def counted(self):
        """Ratings of counted scorecards (see `counted_scorecard`)."""
        return self.filter(counted_scorecard("scorecard__"))


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class Scorecard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        # A draft whose candidate was erased: never written to again, never counted.
        LOCKED = "locked", "Locked (candidate erased)"

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="scorecard"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Every saved change bumps it; 0 means nobody has written anything yet.
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    summary = models.TextField(blank=True)
    # The overall part's own revision (recommendation and summary save together).
    overall_revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="submitted_scorecard_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "locked"]),
                name="scorecard_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=["", "strong_no", "no", "yes", "strong_yes"]),
                name="scorecard_recommendation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Scorecard of {self.assignment}"

    def audit_scope(self) -> str:
        return self.assignment.audit_scope()

    @property
    def is_untouched(self) -> bool:
        return self.revision == 0 and self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def overall_values(self) -> dict:
        """The overall part as its form names its fields."""
        return {"recommendation": self.recommendation, "summary": self.summary}


class ReminderSent(models.Model):
    """A reminder step sent for a scorecard: never twice for the same step."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="reminders")
    step = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "step"], name="reminder_once_per_step")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.step} for {self.scorecard}"


class QuestionNote(models.Model):
    """What the interviewer noted on one planned question, ticked and decided."""

    class State(models.TextChoices):
        OPEN = "open", "Not yet"
        ASKED = "asked", "Asked"
        SKIPPED = "skipped", "Skipped"

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="notes")
    planned = models.ForeignKey(PlannedQuestion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    # Indices into the question's must-cover checklist that the candidate covered.
    ticks = models.JSONField(default=list, blank=True)
    # A backup question asked instead of another: which one, and why.
    backup_for = models.ForeignKey(
        PlannedQuestion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    backup_reason = models.TextField(blank=True)
    # Seconds the live clock counted on this question while it was the current one
    # (question analytics: time actually spent against the plan).
    seconds_spent = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scorecard", "planned__order", "planned__pk"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "planned"], name="note_once_per_question"),
            models.CheckConstraint(
                condition=Q(state__in=["open", "asked", "skipped"]), name="note_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Note on {self.planned_id} in scorecard {self.scorecard_id}"

    @property
    def used_as_backup(self) -> bool:
        return self.backup_for_id is not None

    def form_values(self) -> dict:
        """The note as its form names its fields."""
        return {"text": self.text, "state": self.state, "ticks": list(self.ticks)}


class Rating(models.Model):
    """A score on the loop's scale for one competency, with its evidence, or "not assessed"."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    score = models.SmallIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    not_assessed = models.BooleanField(default=False)
    not_assessed_reason = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["scorecard", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "competency"], name="rating_once_per_competency"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(not_assessed=False),
                name="rating_scored_or_not_assessed",
            ),
            # The loop's exact scale is checked by clean_rating, the only writer of scores.
            models.CheckConstraint(condition=within_points("score"), name="rating_score_in_range"),
        ]

    def __str__(self) -> str:
        return f"Rating of {self.competency_id} in scorecard {self.scorecard_id}"

    def form_values(self) -> dict:
        """The rating as its form names its fields (also what an amendment records)."""
        return {
            "score": self.score,
            "evidence": self.evidence,
            "not_assessed": self.not_assessed,
            "not_assessed_reason": self.not_assessed_reason,
        }


class Amendment(models.Model):
    """A change to a submitted scorecard: who, when, why, and what it was and became."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="amendments")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    # {"<part>": value} for the parts that changed only; cleared when a candidate is erased.
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["scorecard", "at", "pk"]

    def __str__(self) -> str:
        return f"Amendment of scorecard {self.scorecard_id} by {self.by_id}"


class Decision(models.Model):
    """The committee's decision on an application; every one is kept, the latest stands."""

    class Outcome(models.TextChoices):
        HIRE = "hire", "Hire"
        NO_HIRE = "no_hire", "No hire"
        HOLD = "hold", "Hold"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-at", "-pk"]
        get_latest_by = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["hire", "no_hire", "hold"]), name="decision_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for application {self.application_id}"

    def audit_scope(self) -> str:
        return self.application.audit_scope()


class PacketQuerySet(models.QuerySet):
    def in_flight(self):
        return self.filter(status__in=[Packet.Status.QUEUED, Packet.Status.RENDERING])


class Packet(models.Model):
    """A debrief packet: its own outbox row first, then the rendered PDF.

    A request saves a queued row before anything is sent to the broker, so an outage
    delays rendering but loses nothing; a beat task re-sends rows left queued or stuck.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="packets")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When handing the row to the task queue last failed (the broker was unreachable);
    # cleared by a send that succeeds. The page says so; scoring.packets resends.
    send_failed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="packets/", blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    # What the packet was made from: a change to a scorecard afterwards makes it stale.
    fingerprint = models.CharField(max_length=64, blank=True)
    stale = models.BooleanField(default=False)

    objects = PacketQuerySet.as_manager()

    class Meta:
        ordering = ["application", "-requested_at", "-pk"]
        constraints = [
            # One render in flight per application: a second request joins the first.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["queued", "rendering"]),
                name="one_packet_in_flight",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "rendering", "ready", "failed"]),
                name="packet_status_valid",
            ),
            # The download opens the file of a ready packet.
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file=""), name="ready_packet_has_file"
            ),
        ]

    def __str__(self) -> str:
        return f"Packet {self.pk} for application {self.application_id} ({self.status})"

    def audit_scope(self) -> str:
        return self.application.audit_scope()


class AnalyticsSnapshot(models.Model):
    """Calibration, reliability and validity of one loop key, computed in the background.

    A loop's whole history takes seconds to compute at company scale, so pages read
    the last computation (`scoring.snapshots`) and say when it was made. Submitting or
    amending a scorecard, a change of an interview's state, or a performance review
    saved, edited, imported or deleted asks for a new one
    (`requested_at`); the task runs after a short debounce, so a burst of submissions
    costs one computation.
    """

    loop_key = models.SlugField(max_length=80, unique=True)
    calibration = models.JSONField(default=dict)
    reliability = models.JSONField(default=dict)
    # The validity page's figures under its default performance choice (outcomes.validity).
    validity = models.JSONField(default=dict)
    # When the data it holds was read; None until the first computation finishes.
    computed_at = models.DateTimeField(null=True, blank=True)
    # The last time something changed that it should include.
    requested_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"Analytics of {self.loop_key} ({self.computed_at or 'not computed'})"

    @property
    def is_current(self) -> bool:
        """Computed, and nothing changed since the data was read."""
        if self.computed_at is None:
            return False
        return self.requested_at is None or self.requested_at <= self.computed_at
