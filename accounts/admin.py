from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

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


@login_not_required
def admin_login(request, extra_context=None):
    """The admin's own sign-in form is not a second door: ours applies the sign-in policy
    and the second factor (accounts.sso.policy, allauth.mfa)."""
    if request.user.is_authenticated:
        # Signed in but not staff: the admin is not theirs (ours would send them back here).
        raise PermissionDenied
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("accounts:login")
    )


admin.site.login = admin_login
