"""Outcomes of hiring: performance reviews of hires, and voluntary self-identification.

Self-identification is stored apart from the application and candidate and is never
shown per person to anyone: only aggregates leave this app (outcomes.fairness), with
small cells suppressed.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from candidates.models import Application
from integrations.fields import external_id_field, external_id_unique
from rubrics.models import Competency


class PerformanceReview(models.Model):
    """A hire's performance review at a date: an overall rating on a 1..scale_max scale,
    by a named reviewer, optionally per competency, with a comment."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="performance_reviews"
    )
    reviewed_on = models.DateField()
    reviewer_name = models.CharField(max_length=200)
    overall = models.PositiveSmallIntegerField()
    scale_max = models.PositiveSmallIntegerField(
        default=5, help_text="The review scale runs from 1 to this."
    )
    comment = models.TextField(blank=True)
    # Set when the candidate is erased: the ratings stay (anonymised, for validity
    # figures), the comment and the reviewer's name are removed.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    external_id = external_id_field()

    class Meta:
        ordering = ["application", "reviewed_on", "pk"]
        constraints = [
            external_id_unique("review_external_id_unique"),
            # The import's natural key: a re-import updates, never duplicates.
            models.UniqueConstraint(
                fields=["application", "reviewed_on", "reviewer_name"],
                name="review_once_per_reviewer_and_date",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2, scale_max__lte=100), name="review_scale_valid"
            ),
            models.CheckConstraint(
                condition=Q(overall__gte=1, overall__lte=F("scale_max")),
                name="review_overall_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of application {self.application_id} on {self.reviewed_on}"

    def audit_scope(self) -> str:
        # The application's scope: erasure scrubs these entries with the rest.
        return f"application:{self.application_id}"


class PerformanceRating(models.Model):
    """A review's rating of one competency, on the review's scale."""

    review = models.ForeignKey(
        PerformanceReview, on_delete=models.CASCADE, related_name="competency_ratings"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["review", "competency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "competency"], name="performance_rating_once"
            ),
            models.CheckConstraint(condition=Q(value__gte=1), name="performance_rating_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}={self.value} in review {self.review_id}"


class SelfIdCategory(models.Model):
    """A self-identification question (sex, race/ethnicity, ...); its options below.

    Defaults (a data migration): the EEOC / NYC Local Law 144 sex and race/ethnicity
    categories. Every question may be answered "prefer not to say" (no option).
    """

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "key"]
        verbose_name_plural = "self-identification categories"

    def __str__(self) -> str:
        return self.label


class SelfIdOption(models.Model):
    category = models.ForeignKey(SelfIdCategory, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["category", "key"], name="selfid_option_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class SelfIdInvite(models.Model):
    """A link a recruiter sent: time-limited, good for one submission. Only the token's
    SHA-256 is stored."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="self_id_invites"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Self-identification invite for application {self.application_id}"


class SelfIdResponse(models.Model):
    """One candidate's answers, kept apart from the application and never shown per person."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="self_id_response"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Self-identification {self.pk}"


class SelfIdAnswer(models.Model):
    response = models.ForeignKey(SelfIdResponse, on_delete=models.CASCADE, related_name="answers")
    category = models.ForeignKey(SelfIdCategory, on_delete=models.PROTECT, related_name="+")
    # Empty: "prefer not to say".
    option = models.ForeignKey(
        SelfIdOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "category"], name="selfid_answer_once")
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"
