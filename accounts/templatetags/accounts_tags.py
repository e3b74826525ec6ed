"""Small formatting filters for the accounts screens."""

from datetime import timedelta

from django import template
from django.utils.text import capfirst

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """A cool-off period in words: "15 minutes", "1 hour 30 minutes"."""
    if not value:
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


LABELS = {"ip_address": "IP address"}
# The database may not keep a JSON object's key order (PostgreSQL's jsonb does not).
FIRST_KEYS = ("before", "after")


def ordered_items(data: dict) -> list[tuple[str, object]]:
    def rank(key: str) -> tuple[int, str]:
        return (FIRST_KEYS.index(key) if key in FIRST_KEYS else len(FIRST_KEYS), key)

    return sorted(data.items(), key=lambda item: rank(item[0]))


@register.filter
def audit_items(data: dict) -> list[tuple[str, object]]:
    """An audit entry's data in reading order: "before" ahead of "after", the rest by name."""
    return ordered_items(data or {})


@register.filter
def audit_value(value) -> str:
    """One value of an audit entry's data, readable: lists joined, empty shown as a dash."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        if value.keys() == {"before", "after"}:
            return f"{audit_value(value['before'])} → {audit_value(value['after'])}"
        return "; ".join(f"{audit_label(k)}: {audit_value(v)}" for k, v in ordered_items(value))
    return str(value)


@register.filter
def audit_label(key: str) -> str:
    return LABELS.get(key) or capfirst(str(key).replace("_", " "))
