"""The audit trail: every app calls record() for what it must be able to show later."""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from .models import AuditEntry

# Rules that hide scopes from a viewer: `rule(user)` is a subquery of scope strings
# (one column). The scoring app registers the independence rule (an application the
# viewer still owes their own scorecard on); this app imports nothing above it.
_hidden_scope_rules: list[Callable[[Any], QuerySet]] = []


def register_hidden_scopes(rule: Callable[[Any], QuerySet]) -> None:
    """`rule(user)`: a subquery of the audit scopes `user` may not read yet."""
    if rule not in _hidden_scope_rules:
        _hidden_scope_rules.append(rule)


# What every entry recorded in the current context also carries (audit_context).
_context_data: ContextVar[dict[str, Any] | None] = ContextVar("audit_context_data", default=None)


@contextmanager
def audit_context(**data: Any) -> Iterator[None]:
    """Every entry recorded inside the block also carries `data` (its own keys win).

    The API wraps each write in one (`via="api"`, `token=<name>`), so the services'
    own entries say how the change came, without each service taking the token.
    """
    reset = _context_data.set({**(_context_data.get() or {}), **data})
    try:
        yield
    finally:
        _context_data.reset(reset)


def visible_entries(user, entries: QuerySet[AuditEntry] | None = None) -> QuerySet[AuditEntry]:
    """The entries `user` may read: every registered rule's scopes left out, in SQL.

    Subqueries, not a loop: the listing's query count stays the same however many
    applications the viewer is pending on.
    """
    entries = AuditEntry.objects.all() if entries is None else entries
    for rule in _hidden_scope_rules:
        entries = entries.exclude(scope__in=rule(user))
    return entries


def record(actor, verb: str, obj: Any = None, **data: Any) -> AuditEntry:
    """Append one audit entry.

    `obj` may define `audit_scope()` returning a string such as "application:42",
    so that every entry about it (and its children) can be listed together.
    """
    entry = _entry(actor, verb, obj, data)
    entry.save()
    return entry


def record_many(actor, entries: list[tuple[str, Any, dict[str, Any]]]) -> list[AuditEntry]:
    """Append (verb, obj, data) entries in one insert: `record` for bulk writes (an import)."""
    return AuditEntry.objects.bulk_create(
        [_entry(actor, verb, obj, data) for verb, obj, data in entries], batch_size=500
    )


def _entry(actor, verb: str, obj: Any, data: dict[str, Any]) -> AuditEntry:
    scope = obj.audit_scope() if obj is not None and hasattr(obj, "audit_scope") else ""
    data = {**(_context_data.get() or {}), **data}
    safe_data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if getattr(actor, "pk", None) else "system",
        verb=verb,
        target_type=obj._meta.label_lower if obj is not None else "",
        target_id=str(obj.pk) if obj is not None else "",
        target_repr=str(obj)[:300] if obj is not None else "",
        scope=scope,
        data=safe_data,
    )
