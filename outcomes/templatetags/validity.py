"""Figures as the validity page writes them."""

from django import template

register = template.Library()


@register.filter
def corr(value: float | None) -> str:
    """A correlation with two decimals and a real minus sign: −0.12, 0.40."""
    if value is None:
        return "—"
    text = f"{value:.2f}"
    if text == "-0.00":  # a tiny negative: no sign to show at two decimals
        return "0.00"
    return text.replace("-", "−")
