"""Who is assessed: candidates (personal data), applications, interviews and assignments.

Times are stored in UTC and shown in each person's own time zone.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from integrations.fields import external_id_field, external_id_unique
from interviews.models import Loop, Stage

# What every write about an erased candidate answers (candidates.privacy: erasure is final).
ERASED_MESSAGE = "This candidate was erased: nothing more can be written about them."


def erased_error(field: str | None = None) -> ValidationError:
    """The refusal, at `field` (or the form as a whole) for views that place errors."""
    if field is None:
        return ValidationError(ERASED_MESSAGE, code="erased")
    return ValidationError({field: ValidationError(ERASED_MESSAGE, code="erased")})


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
    external_id = external_id_field()

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            external_id_unique("candidate_external_id_unique"),
            # Erasure (candidates.privacy) blanks these in the same save that sets erased_at.
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | Q(email="", recruiter_notes="", cv="", cv_name=""),
                name="erased_candidate_holds_no_personal_data",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("candidates:candidate_detail", args=[self.pk])

    def audit_scope(self) -> str:
        return f"candidate:{self.pk}"

    def refuse_if_erased(self) -> None:
        """Raise `erased_error()` if the candidate is erased, read afresh under a row lock.

        Inside the caller's transaction: a write racing the erasure (which locks this row
        first) waits for it, then is refused instead of writing the data back.
        """
        erased_at = (
            Candidate.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("erased_at", flat=True)
            .first()
        )
        if erased_at is not None:
            raise erased_error()


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
        # Set only by erasing the candidate (candidates.privacy): final, nothing is
        # written about the application afterwards; the status it had is in the audit trail.
        ERASED = "erased", "Erased"

    CLOSED = (Status.HIRED, Status.REJECTED, Status.WITHDRAWN, Status.ERASED)

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
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    external_id = external_id_field()

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            external_id_unique("application_external_id_unique"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["active", "offer", "hired", "rejected", "withdrawn", "erased"]
                ),
                name="application_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} — {self.loop.name}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:application_detail", args=[self.pk])

    def audit_scope(self) -> str:
        return f"application:{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def is_erased(self) -> bool:
        return self.status == self.Status.ERASED

    def refuse_if_erased(self, field: str | None = None) -> None:
        """Raise `erased_error(field)` if the application is erased, read under a row lock.

        The status is read afresh, not from this instance: a write racing the erasure
        (which closes every application in its transaction) waits for it, then is refused.
        `field`: NON_FIELD_ERRORS for callers that read `error.message_dict`.
        """
        status = (
            Application.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status == self.Status.ERASED:
            raise erased_error(field)


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
    external_id = external_id_field()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            external_id_unique("interview_external_id_unique"),
            models.UniqueConstraint(
                fields=["application", "stage"], name="one_interview_per_stage"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["scheduled", "held", "cancelled", "no_show"]),
                name="interview_state_valid",
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


# Interviews that owe scorecards: a cancelled interview or a no-show owes none, and a
# scorecard submitted for one does not count anywhere (README: "Which scorecards count").
LIVE_INTERVIEW_STATES = (Interview.State.SCHEDULED, Interview.State.HELD)


def active_seat(prefix: str = "") -> Q:
    """Seats not replaced; `prefix` is the path to the assignment, e.g. "assignment__"."""
    return Q(**{f"{prefix}replaced_at__isnull": True})


def observed_seat(prefix: str = "") -> Q:
    """Active seats, shadows included, on an interview that is scheduled or held."""
    return active_seat(prefix) & Q(**{f"{prefix}interview__state__in": LIVE_INTERVIEW_STATES})


def counted_seat(prefix: str = "") -> Q:
    """The one definition of a seat whose scorecard counts.

    Active (not replaced), an interviewer (not a shadow), on an interview that is
    scheduled or held. Every page, export, statistic and the packet count scorecards of
    these seats only; `prefix` is the path from the queried model to the assignment.
    """
    return observed_seat(prefix) & Q(**{f"{prefix}role": Assignment.Role.INTERVIEWER})


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active_seat())

    def counted(self):
        """Seats whose scorecards count: see `counted_seat`."""
        return self.filter(counted_seat())


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
    updated_at = models.DateTimeField(auto_now=True)
    external_id = external_id_field()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["interview", "role", "pk"]
        constraints = [
            external_id_unique("assignment_external_id_unique"),
            models.UniqueConstraint(
                fields=["interview", "person"],
                condition=active_seat(),
                name="one_active_assignment_per_person",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["interviewer", "shadow"]), name="assignment_role_valid"
            ),
            # A seat names its replacement only once it is replaced.
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(replaced_at__isnull=False),
                name="replacement_only_of_a_replaced_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display().lower()}) on {self.interview}"

    def audit_scope(self) -> str:
        return f"application:{self.interview.application_id}"

    @property
    def is_shadow(self) -> bool:
        return self.role == self.Role.SHADOW


class CandidateImport(models.Model):
    """An uploaded candidate CSV between its preview and its confirmation (candidates.importing).

    The file itself is kept here, not in a temporary file, so the preview and the confirm
    read the same bytes; it is cleared once imported or discarded (it holds personal data).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        IMPORTED = "imported", "Imported"
        DISCARDED = "discarded", "Discarded"

    content = models.BinaryField(blank=True, default=b"")
    filename = models.CharField(max_length=255, blank=True)
    preset = models.CharField(max_length=20)
    mapping = models.JSONField(default=dict, blank=True)
    default_loop = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    summary = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "imported", "discarded"]),
                name="candidate_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Candidate import {self.pk} ({self.filename or 'file'})"

    def get_absolute_url(self) -> str:
        return reverse("candidates:import_preview", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
