"""Who is assessed: candidates (personal data), applications, interviews and assignments.

Times are stored in UTC and shown in each person's own time zone.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from interviews.models import Loop, Stage


def cv_path(candidate: "Candidate", filename: str) -> str:
    # A random name: the original may carry personal data, and paths must not be guessable.
    return f"cvs/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class CandidateQuerySet(models.QuerySet):
    def search(self, text: str):
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(email__icontains=text))


class Candidate(models.Model):
    """A person being assessed. Everything here is personal data (erasable)."""

    name = models.CharField(max_length=200)
    email = models.EmailField(db_index=True)
    links = models.JSONField(default=list, blank=True, help_text="Profile or portfolio URLs.")
    cv = models.FileField(
        upload_to=cv_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "doc", "docx", "odt", "txt"])],
    )
    cv_name = models.CharField(max_length=255, blank=True, help_text="The file's original name.")
    recruiter_notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("candidates:candidate_detail", args=[self.pk])

    def audit_scope(self) -> str:
        return f"candidate:{self.pk}"


class ApplicationQuerySet(models.QuerySet):
    def for_pipeline(self):
        return self.select_related("candidate", "loop__role", "loop__level")


class Application(models.Model):
    """A candidate going through one published loop version."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        OFFER = "offer", "Offer"
        HIRED = "hired", "Hired"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    CLOSED = (Status.HIRED, Status.REJECTED, Status.WITHDRAWN)

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    loop = models.ForeignKey(Loop, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="committee_applications"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.candidate} — {self.loop.name}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:application_detail", args=[self.pk])

    def audit_scope(self) -> str:
        return f"application:{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class Interview(models.Model):
    """One stage of the loop held for one application."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="interviews")
    starts_at = models.DateTimeField(help_text="Stored in UTC.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage"], name="one_interview_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage.name} with {self.application.candidate}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:interview_detail", args=[self.pk])

    def audit_scope(self) -> str:
        return f"application:{self.application_id}"

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.stage.duration_minutes)


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(replaced_at__isnull=True)

    def counted(self):
        """Assignments whose scorecards count (not shadows)."""
        return self.active().filter(role=Assignment.Role.INTERVIEWER)


class Assignment(models.Model):
    """A person on an interview: an interviewer, or a shadow in training."""

    class Role(models.TextChoices):
        INTERVIEWER = "interviewer", "Interviewer"
        SHADOW = "shadow", "Shadow"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.INTERVIEWER)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["interview", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "person"],
                condition=Q(replaced_at__isnull=True),
                name="one_active_assignment_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display().lower()}) on {self.interview}"

    def audit_scope(self) -> str:
        return f"application:{self.interview.application_id}"

    @property
    def is_shadow(self) -> bool:
        return self.role == self.Role.SHADOW
