"""The audit trail: every app calls record() for what it must be able to show later."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from .models import AuditEntry


def record(actor, verb: str, obj: Any = None, **data: Any) -> AuditEntry:
    """Append one audit entry.

    `obj` may define `audit_scope()` returning a string such as "application:42",
    so that every entry about it (and its children) can be listed together.
    """
    scope = obj.audit_scope() if obj is not None and hasattr(obj, "audit_scope") else ""
    safe_data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if getattr(actor, "pk", None) else "system",
        verb=verb,
        target_type=obj._meta.label_lower if obj is not None else "",
        target_id=str(obj.pk) if obj is not None else "",
        target_repr=str(obj)[:300] if obj is not None else "",
        scope=scope,
        data=safe_data,
    )
