"""Loops: a role and level, the competencies to assess, and ordered stages of planned questions.

A loop is a draft while it is built, then published (frozen: it and the
catalogue items it pins are immutable) and finally archived. "New version"
copies a published loop into a draft under the same key.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from rubrics.models import Competency, Level, Question, RatingScale, Role, within_points

from .bars import bar_for

# A panel bigger than this is a committee meeting, not an interview.
MAX_PANEL = 10


class LoopQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("role", "level__ladder", "scale")
            .annotate(stage_count=models.Count("stages", distinct=True))
            .order_by("-updated_at")
        )

    def for_builder(self):
        return self.select_related("role", "level__ladder", "scale", "created_by")


class Loop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    key = models.SlugField(max_length=80, help_text="Shared by every version of this loop.")
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="loops")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="loops")
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="loops")
    bar = models.IntegerField(
        null=True,
        blank=True,
        help_text="The scale point that meets the level. Empty: the scale's “meets” point.",
    )
    peers_may_read = models.BooleanField(
        default=False,
        help_text="Interviewers may read colleagues' submitted scorecards once their own is in.",
    )

    class Emphasis(models.TextChoices):
        BALANCED = "balanced", "Balanced"
        TECHNICAL = "technical", "Primarily technical"
        LEADERSHIP = "leadership", "Primarily leadership and people"

    emphasis = models.CharField(
        max_length=12,
        choices=Emphasis.choices,
        default=Emphasis.BALANCED,
        help_text="What the suggestions lead with for this loop.",
    )
    second_opinion_from_another_stage = models.BooleanField(
        default=False,
        help_text="A competency needs scores from two stages, not only from two people.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = LoopQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="loop_key_version_unique"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(status="draft"), name="loop_one_draft_per_key"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="loop_status_valid",
            ),
            models.CheckConstraint(condition=within_points("bar"), name="loop_bar_in_range"),
            models.CheckConstraint(
                condition=Q(emphasis__in=["balanced", "technical", "leadership"]),
                name="loop_emphasis_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("interviews:loop_builder", args=[self.pk])

    def audit_scope(self) -> str:
        return f"loop:{self.key}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def default_bar(self, points=None) -> int | None:
        """The loop's bar (`interviews.bars.bar_for` without a competency's own).

        `points`: the scale's points when the caller has loaded them; else the
        scale's (prefetched) points are read.
        """
        points = self.scale.points.all() if points is None else points
        return bar_for(points, loop_bar=self.bar).value

    def require_draft(self) -> None:
        if not self.is_draft:
            raise ValidationError(
                f"“{self}” is {self.get_status_display().lower()}: make a new version to change it."
            )


class LoopCompetency(models.Model):
    """A competency the loop assesses, with its importance and bar."""

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="loop_competencies")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    critical = models.BooleanField(default=False)
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="For the mechanical combination of scores (empty: 1).",
    )
    bar = models.IntegerField(null=True, blank=True, help_text="Empty: the loop's bar.")

    class Meta:
        ordering = ["loop", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["loop", "competency"], name="loop_competency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.loop}: {self.competency}"

    def effective_bar(self, points=None) -> int | None:
        """This competency's bar (`interviews.bars.bar_for`)."""
        points = self.loop.scale.points.all() if points is None else points
        return bar_for(points, loop_bar=self.loop.bar, own=self.bar).value


class Stage(models.Model):
    """One interview of the loop: a duration, a buffer, its panel and planned questions.

    The panel size is the plan (how many interviewers score the stage independently);
    coverage counts it as that many opinions (DESIGN: coverage matrix).
    """

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=120)
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=5,
        validators=[MaxValueValidator(120)],
        help_text="Introductions and the candidate's own questions.",
    )
    focus = models.TextField(blank=True)
    panel_size = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PANEL)],
        help_text="How many interviewers score this stage, each on their own scorecard.",
    )

    class Meta:
        ordering = ["loop", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(buffer_minutes__lt=models.F("duration_minutes")),
                name="stage_buffer_below_duration",
            ),
            models.CheckConstraint(
                condition=Q(panel_size__gte=1, panel_size__lte=MAX_PANEL),
                name="stage_panel_size_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def minutes_available(self) -> int:
        return self.duration_minutes - self.buffer_minutes

    def assessed_competency_ids(self) -> set[int]:
        """Competencies the stage's questions assess, backups included (they may be asked).

        Reads `planned`, their questions and secondary competencies: prefetch them when
        asking several stages.
        """
        ids = set()
        for planned in self.planned.all():
            ids.add(planned.question.primary_competency_id)
            ids.update(c.pk for c in planned.question.secondary_competencies.all())
        return ids

    def clean(self) -> None:
        if (
            self.duration_minutes is not None
            and self.buffer_minutes is not None
            and self.buffer_minutes >= self.duration_minutes
        ):
            raise ValidationError({"buffer_minutes": "The buffer must be shorter than the stage."})


class PlannedQuestion(models.Model):
    """A question planned into a stage, in order, with its priority."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="planned")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="planned_in")
    order = models.PositiveIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text="Empty: the question's suggested minutes.",
    )
    must_ask = models.BooleanField(default=True, help_text="Otherwise: if time allows.")
    is_backup = models.BooleanField(default=False)
    backup_condition = models.CharField(
        max_length=300,
        blank=True,
        help_text="When to use it, e.g. “for candidates without self-hosted experience”.",
    )

    class Meta:
        ordering = ["stage", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "question"], name="planned_once_per_stage"),
            models.CheckConstraint(
                condition=Q(is_backup=False) | ~Q(backup_condition=""),
                name="backup_has_condition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.question}"

    @property
    def effective_minutes(self) -> int:
        return self.minutes or self.question.minutes
