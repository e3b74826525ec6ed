"""Figures as the validity page writes them."""

from django import template

register = template.Library()


@register.filter
def corr(value: float | None) -> str:
    """A correlation with two decimals and a real minus sign: −0.12, 0.40."""
    if value is None:
        return "—"
    return f"{value:.2f}".replace("-", "−")
