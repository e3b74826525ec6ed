from django.contrib import admin, messages

from . import models
from .versioning import new_version


class LockedReadOnlyMixin:
    """A locked (published-loop) item is read-only here as in the browser and import."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and getattr(obj, "locked", False):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and getattr(obj, "locked", False):
            return False
        return super().has_delete_permission(request, obj)


@admin.action(description="Create a new editable version")
def make_new_version(modeladmin, request, queryset):
    for item in queryset.filter(current=True):
        new_version(item)
    messages.success(request, "New versions created; the old ones stay with their loops.")


class ScalePointInline(admin.TabularInline):
    model = models.ScalePoint
    extra = 0


class CompetencyAnchorInline(admin.TabularInline):
    model = models.CompetencyAnchor
    extra = 0


class QuestionAnchorInline(admin.TabularInline):
    model = models.QuestionAnchor
    extra = 0


class VersionedAdmin(LockedReadOnlyMixin, admin.ModelAdmin):
    list_display = ["key", "name", "version", "current", "locked", "archived", "bank"]
    list_filter = ["current", "locked", "archived", "bank"]
    search_fields = ["key", "name"]
    readonly_fields = ["version", "current", "locked", "created_at", "updated_at"]
    actions = [make_new_version]


@admin.register(models.RatingScale)
class RatingScaleAdmin(VersionedAdmin):
    inlines = [ScalePointInline]


@admin.register(models.Competency)
class CompetencyAdmin(VersionedAdmin):
    inlines = [CompetencyAnchorInline]


@admin.register(models.Question)
class QuestionAdmin(VersionedAdmin):
    list_display = [
        "key",
        "title",
        "version",
        "kind",
        "primary_competency",
        "current",
        "locked",
        "bank",
    ]
    list_filter = ["current", "locked", "archived", "kind", "bank"]
    search_fields = ["key", "title", "prompt"]
    filter_horizontal = ["secondary_competencies", "levels", "tags"]
    raw_id_fields = ["derived_from"]
    inlines = [QuestionAnchorInline]


@admin.register(models.Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "version", "updated_at"]
    search_fields = ["key", "name"]


class DimensionInline(admin.TabularInline):
    model = models.LadderDimension
    extra = 0


class LevelInline(admin.StackedInline):
    model = models.Level
    extra = 0


@admin.register(models.Ladder)
class LadderAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "bank"]
    inlines = [DimensionInline, LevelInline]


class ExpectationInline(admin.TabularInline):
    model = models.LevelExpectation
    extra = 0


@admin.register(models.Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "ladder", "order"]
    list_filter = ["ladder"]
    inlines = [ExpectationInline]


@admin.register(models.Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "ladder", "bank"]


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["key", "name"]
    search_fields = ["key", "name"]
