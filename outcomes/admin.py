"""Admin: the self-identification categories and their options (configurable).

Answers, responses and invites are deliberately not registered: self-identification is
never shown per person, not even to an admin (only outcomes.fairness's aggregates).
Performance reviews are edited on their own pages, where the rules and the audit hold.
"""

from django.contrib import admin

from .models import SelfIdCategory, SelfIdOption


class SelfIdOptionInline(admin.TabularInline):
    model = SelfIdOption
    extra = 1
    fields = ("key", "label", "order")


@admin.register(SelfIdCategory)
class SelfIdCategoryAdmin(admin.ModelAdmin):
    list_display = ("label", "key", "order", "active")
    list_editable = ("order", "active")
    inlines = [SelfIdOptionInline]
