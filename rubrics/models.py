"""What we assess and how we tell good from bad: scales, competencies, questions, ladders.

Versioned things (rating scales, competencies, questions) share a stable `key`;
each change to one that a published loop references makes version n+1 under
the same key, and exactly one version per key is `current`.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

# The smallest and largest point any rating scale may have. The database holds every
# point, anchor, bar and score within them: a CHECK cannot see which scale a row is on,
# so the exact scale is the writers' rule (scoring.services.clean_rating).
POINT_MIN, POINT_MAX = -100, 100
# Renumbering a scale's points moves them out of each other's way first, below this
# (rubrics.ladder_services._save_points): the only values outside the range, and only
# inside that one transaction.
PARKED_VALUE_BASE = -1000


def within_points(field: str) -> Q:
    """`field` lies between POINT_MIN and POINT_MAX (NULL passes, as in any CHECK)."""
    return Q(**{f"{field}__gte": POINT_MIN, f"{field}__lte": POINT_MAX})


class ImmutableError(ValidationError):
    """Raised when something pinned by a published loop would change in place."""


class Bank(models.Model):
    """The unit of import and export: a set of questions and what they need."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=40, default="1", help_text="The bank's own version.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VersionedQuerySet(models.QuerySet):
    def current(self):
        return self.filter(current=True)

    def active(self):
        return self.filter(current=True, archived=False)

    def by_key(self, key: str):
        return self.filter(key=key, current=True).first()


class Versioned(models.Model):
    """Key + version; immutable once `locked` (pinned by a published loop)."""

    # Fields that may change on a locked row: bookkeeping, not content.
    MUTABLE_WHEN_LOCKED = frozenset({"current", "archived", "locked", "updated_at"})

    key = models.SlugField(max_length=80)
    version = models.PositiveIntegerField(default=1)
    current = models.BooleanField(default=True)
    locked = models.BooleanField(
        default=False, help_text="Pinned by a published loop: changes make a new version."
    )
    archived = models.BooleanField(default=False)
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})" if self.version > 1 else self.name

    def content_fields(self) -> list[str]:
        return [
            f.attname
            for f in self._meta.concrete_fields
            if not f.primary_key
            and f.attname not in self.MUTABLE_WHEN_LOCKED
            and f.attname not in {"created_at"}
        ]

    def save(self, *args, **kwargs):
        if self.pk and self.locked:
            self._refuse_locked_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def _refuse_locked_change(self, update_fields) -> None:
        fields = self.content_fields()
        if update_fields is not None:
            fields = [
                f for f in fields if f in {self._meta.get_field(n).attname for n in update_fields}
            ]
        if not fields:
            return
        stored = type(self).objects.filter(pk=self.pk).values(*fields).first() or {}
        changed = [f for f in fields if stored.get(f) != getattr(self, f)]
        if changed:
            raise ImmutableError(
                f"{self._meta.verbose_name} “{self.key}” v{self.version} is used by a published "
                f"loop and cannot change ({', '.join(changed)}); create a new version instead."
            )

    def delete(self, *args, **kwargs):
        if self.locked:
            raise ImmutableError(
                f"{self._meta.verbose_name} “{self.key}” is used by a published loop."
            )
        return super().delete(*args, **kwargs)


def _versioned_constraints(model: str) -> list:
    return [
        models.UniqueConstraint(fields=["key", "version"], name=f"{model}_key_version_unique"),
        models.UniqueConstraint(
            fields=["key"], condition=Q(current=True), name=f"{model}_one_current_per_key"
        ),
    ]


class LockedChild(models.Model):
    """A row that belongs to a versioned parent and freezes with it."""

    parent_field = ""

    class Meta:
        abstract = True

    def _parent(self):
        return getattr(self, self.parent_field)

    def save(self, *args, **kwargs):
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def _refuse_if_locked(self) -> None:
        parent = self._parent()
        if parent.locked:
            raise ImmutableError(
                f"“{parent.key}” v{parent.version} is used by a published loop; "
                "create a new version to change it."
            )


class RatingScale(Versioned):
    """Ordered integer points, each with a label and a definition."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = _versioned_constraints("ratingscale")

    def meets_point(self):
        return next((p for p in self.points.all() if p.meets_bar), None)

    @property
    def called(self) -> str:
        """The name as a sentence says it: "the DevOps scale", "the Five-point scale".

        Many names already end in "scale"; "on the {{ scale.name }} scale" doubled it.
        """
        return (
            self.name if self.name.lower().rstrip(" .").endswith("scale") else f"{self.name} scale"
        )


class ScalePoint(LockedChild):
    parent_field = "scale"

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="points")
    value = models.IntegerField(
        validators=[MinValueValidator(POINT_MIN), MaxValueValidator(POINT_MAX)]
    )
    label = models.CharField(max_length=100)
    definition = models.TextField(blank=True)
    meets_bar = models.BooleanField(
        default=False, help_text="The point that meets the level's expectations (the default bar)."
    )

    class Meta:
        ordering = ["scale", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="scalepoint_value_unique"),
            models.UniqueConstraint(
                fields=["scale"], condition=Q(meets_bar=True), name="scalepoint_one_meets_bar"
            ),
            models.CheckConstraint(
                condition=within_points("value") | Q(value__lt=PARKED_VALUE_BASE),
                name="scalepoint_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class Competency(Versioned):
    """A domain we assess, with anchors: the observable behaviour that earns a score."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name_plural = "competencies"
        constraints = _versioned_constraints("competency")


class CompetencyAnchor(LockedChild):
    parent_field = "competency"

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="anchors")
    value = models.IntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["competency", "-value"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "value"], name="competencyanchor_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.text[:60]}"


class LevelAnchor(LockedChild):
    """A competency's anchor written for one level: overrides the competency's own anchor
    at that point on the scorecard, kit and packet of a loop at that level."""

    parent_field = "competency"

    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="level_anchors"
    )
    level = models.ForeignKey("Level", on_delete=models.CASCADE, related_name="anchors")
    value = models.IntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["competency", "level", "-value"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "level", "value"], name="levelanchor_value_unique"
            ),
            models.CheckConstraint(condition=within_points("value"), name="levelanchor_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.level_id}/{self.value}: {self.text[:60]}"


class Tag(models.Model):
    """A topic a question probes (e.g. "kubernetes", "incident-response")."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ladder(models.Model):
    """Ordered levels (e.g. "Engineering IC") with expectations per dimension."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="ladders")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LadderDimension(models.Model):
    """One axis of expectations (scope, autonomy, influence, ...)."""

    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="dimensions")
    key = models.SlugField(max_length=80)
    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["ladder", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "key"], name="dimension_key_unique"),
            models.UniqueConstraint(fields=["ladder", "order"], name="dimension_order_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="levels")
    key = models.SlugField(max_length=80)
    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(help_text="Position on the ladder, lowest first.")
    summary = models.TextField(blank=True)
    litmus = models.TextField(blank=True, help_text="One sentence that tells this level apart.")
    readiness_signals = models.JSONField(
        default=list, blank=True, help_text="Signs someone is ready to move into this level."
    )
    anti_patterns = models.JSONField(
        default=list, blank=True, help_text="What holds people back on the way to this level."
    )

    class Meta:
        ordering = ["ladder", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "key"], name="level_key_unique_in_ladder"),
            models.UniqueConstraint(fields=["ladder", "order"], name="level_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ladder.name}: {self.name}"

    @property
    def ref(self) -> str:
        """How bank files name a level: "ladder/level"."""
        return f"{self.ladder.key}/{self.key}"


class LevelExpectation(models.Model):
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="expectations")
    dimension = models.ForeignKey(
        LadderDimension, on_delete=models.CASCADE, related_name="expectations"
    )
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "dimension"], name="expectation_unique_per_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level_id}/{self.dimension_id}: {self.text[:60]}"

    def clean(self) -> None:
        if self.level.ladder_id != self.dimension.ladder_id:
            raise ValidationError({"dimension": "The dimension belongs to another ladder."})


class Role(models.Model):
    """A job (DevOps engineer, infrastructure manager, ...) and the ladder it uses."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    ladder = models.ForeignKey(Ladder, on_delete=models.PROTECT, related_name="roles")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="roles")
    usual_level = models.ForeignKey(
        Level,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The level a new loop for this role starts at (one of its ladder's).",
    )
    default_scale_key = models.SlugField(
        max_length=80,
        blank=True,
        help_text="The key of the rating scale a new loop for this role uses (its current "
        "version). Empty: the first scale of the role's bank.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(VersionedQuerySet):
    def for_bank_page(self):
        """What the question bank list shows, in a fixed number of queries."""
        return (
            self.select_related("bank", "primary_competency")
            .prefetch_related("tags")
            .order_by("bank__name", "key")
        )

    def matching(self, *, text="", competency=None, level=None, kind="", tag=None, bank=None):
        """The questions a bank-page search finds; every given filter must hold."""
        qs = self
        if text:
            qs = qs.filter(
                Q(title__icontains=text)
                | Q(prompt__icontains=text)
                | Q(goal__icontains=text)
                | Q(key__icontains=text)
            )
        if competency is not None:
            # Any version of the competency, as primary or secondary.
            secondary = Question.secondary_competencies.through.objects.filter(
                competency__key=competency.key
            ).values("question_id")
            qs = qs.filter(Q(primary_competency__key=competency.key) | Q(pk__in=secondary))
        if level is not None:
            qs = qs.filter(levels=level)
        if kind:
            qs = qs.filter(kind=kind)
        if tag is not None:
            qs = qs.filter(tags=tag)
        if bank is not None:
            qs = qs.filter(bank=bank)
        return qs

    def for_detail(self):
        return self.select_related("bank", "primary_competency", "derived_from").prefetch_related(
            "secondary_competencies",
            "tags",
            "levels__ladder",
            "anchors",
            "primary_competency__anchors",
        )


class Question(Versioned):
    class Kind(models.TextChoices):
        BEHAVIOURAL = "behavioural", "Behavioural"
        SITUATIONAL = "situational", "Situational"
        TECHNICAL = "technical", "Technical"

    # What a person writes about a question (relations and anchors aside).
    TEXT_FIELDS = (
        "title",
        "prompt",
        "follow_ups",
        "goal",
        "kind",
        "minutes",
        "great_signals",
        "negative_signals",
        "checklist",
        "technologies",
        "interviewer_notes",
    )

    title = models.CharField(max_length=200, help_text="A short name to find it by.")
    prompt = models.TextField(help_text="What the interviewer asks.")
    follow_ups = models.JSONField(default=list, blank=True)
    goal = models.TextField(help_text="What the question tests.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BEHAVIOURAL)
    minutes = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text="Suggested minutes.",
    )
    primary_competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="primary_questions"
    )
    secondary_competencies = models.ManyToManyField(
        Competency, blank=True, related_name="secondary_questions"
    )
    levels = models.ManyToManyField(Level, blank=True, related_name="questions")
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    great_signals = models.JSONField(
        default=list, blank=True, help_text="A great answer mentions …"
    )
    negative_signals = models.JSONField(
        default=list, blank=True, help_text="Distinct warning signs (not negated great ones)."
    )
    checklist = models.JSONField(default=list, blank=True, help_text="Must cover.")
    technologies = models.JSONField(
        default=list, blank=True, help_text="Technologies that may be mentioned."
    )
    interviewer_notes = models.TextField(blank=True)
    derived_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derivatives",
        help_text="The question this one was forked from.",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            *_versioned_constraints("question"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="question_minutes_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=["behavioural", "situational", "technical"]),
                name="question_kind_valid",
            ),
        ]

    @property
    def name(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rubrics:question_detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("rubrics:question_edit", args=[self.pk])

    def all_competencies(self) -> list[Competency]:
        return [self.primary_competency, *self.secondary_competencies.all()]


class QuestionAnchor(LockedChild):
    """Anchors for one question (shown beside the notes while scoring)."""

    parent_field = "question"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="anchors")
    value = models.IntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["question", "-value"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"], name="questionanchor_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.text[:60]}"


class CuratedSet(models.Model):
    """A set of questions a bank recommends together for one stage, in the order to ask
    them: a bank's own "final set" (seed 002's), offered first among the suggestions
    when it fits the loop."""

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="curated_sets")
    key = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    roles = models.ManyToManyField(Role, blank=True, related_name="curated_sets")
    minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The stage length the set was written for."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["bank", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "key"], name="curatedset_key_unique_in_bank")
        ]

    def __str__(self) -> str:
        return self.name


class CuratedSetItem(models.Model):
    """One question of a curated set, by key (its current version is used)."""

    curated_set = models.ForeignKey(CuratedSet, on_delete=models.CASCADE, related_name="items")
    question_key = models.SlugField(max_length=80)
    order = models.PositiveIntegerField()
    minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the question's own minutes."
    )
    is_backup = models.BooleanField(default=False)
    backup_condition = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["curated_set", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["curated_set", "question_key"], name="curateditem_once_per_set"
            ),
            models.UniqueConstraint(
                fields=["curated_set", "order"], name="curateditem_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.curated_set_id}: {self.question_key}"
