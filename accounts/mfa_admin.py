"""The Django admin's "Authenticators": view and delete only, every deletion audited.

Registered in place of allauth's own by accounts.mfa.connect(). An authenticator's
data holds the TOTP secret and the recovery codes' seed: the admin never shows it,
and nobody adds or edits one here (a person sets up their own app).
"""

from allauth.mfa.base.internal.flows import delete_dangling_recovery_codes
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db import transaction

from .audit import record


class AuditedAuthenticatorAdmin(admin.ModelAdmin):
    raw_id_fields = ("user",)
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__username", "user__email", "user__last_name")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @transaction.atomic
    def delete_model(self, request, obj: Authenticator) -> None:
        self._delete(request, [obj])

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        self._delete(request, list(queryset.select_related("user")))

    def _delete(self, request, authenticators: list[Authenticator]) -> None:
        for authenticator in authenticators:
            if not Authenticator.objects.filter(pk=authenticator.pk).exists():
                continue  # recovery codes already removed with the person's app
            person = authenticator.user
            authenticator.delete()
            removed = [authenticator.type]
            # Recovery codes without an app would be a second factor on their own.
            dangling = delete_dangling_recovery_codes(person)
            if dangling is not None:
                removed.append(dangling.type)
            record(request.user, "two_factor.reset", person, removed=sorted(removed), via="admin")
