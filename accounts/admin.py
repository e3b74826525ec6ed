from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .audit import visible_entries
from .models import AuditEntry, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Loopwright", {"fields": ("time_zone",)}))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is append-only: readable here, never editable."""

    list_display = ["created_at", "actor_name", "verb", "target_repr", "scope"]
    list_filter = ["verb"]
    search_fields = ["actor_name", "verb", "target_repr", "scope"]

    def get_queryset(self, request):
        # Independence holds here too: the list, its verb filter, search and each entry.
        return visible_entries(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
