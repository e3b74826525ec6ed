"""Self-identification in the admin: the categories and their options only.

Responses and answers are never registered: nobody reads one person's answers, the
admin included (outcomes.models: only aggregates leave the app).
"""

from django.contrib import admin

from ..models import SelfIdCategory, SelfIdOption


class SelfIdOptionInline(admin.TabularInline):
    model = SelfIdOption
    extra = 1
    fields = ("key", "label", "order")


@admin.register(SelfIdCategory)
class SelfIdCategoryAdmin(admin.ModelAdmin):
    list_display = ("label", "key", "order", "active")
    list_editable = ("order", "active")
    prepopulated_fields = {"key": ("label",)}
    inlines = [SelfIdOptionInline]
