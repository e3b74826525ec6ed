"""Scorecards: what one assigned interviewer writes about one interview.

The scorecard page, notes, ratings and aggregation arrive with their issues; the
scorecard itself exists from the moment someone is assigned.
"""

from django.db import models
from django.db.models import Q

from candidates.models import Assignment


class ScorecardQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Scorecard.Status.SUBMITTED)

    def pending(self):
        return self.filter(status=Scorecard.Status.DRAFT)


class Scorecard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="scorecard"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Every saved change bumps it; 0 means nobody has written anything yet.
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submitted_scorecard_has_time",
            )
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
