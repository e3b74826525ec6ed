"""Small helpers shared by the accounts tests."""

HTMX = {"HTTP_HX_REQUEST": "true"}


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))
