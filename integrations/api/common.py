"""What the resources share: audited writes, form errors as problems, external ids.

Writes go through the apps' own forms (the same checks as the pages: the shared text
screen, links, duplicates) and services; a form's errors become a 422 problem with
each field named.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from ninja.errors import HttpError

from accounts.audit import audit_context, record
from integrations.api.core import require_scope


def token_name(request: HttpRequest) -> str:
    token = getattr(request, "api_token", None)
    return token.name if token is not None else ""


@contextmanager
def api_write(request: HttpRequest, scope: str) -> Iterator[None]:
    """A write: the scope checked, one transaction, every audit entry marked as the API's."""
    require_scope(request, scope)
    with transaction.atomic(), audit_context(via="api", token=token_name(request)):
        yield


def check_form(form: forms.Form, rename: dict[str, str] | None = None) -> dict:
    """The form's cleaned data, or a ValidationError (→ 422 problem) at the API's field names."""
    if form.is_valid():
        return form.cleaned_data
    rename = rename or {}
    raise ValidationError(
        {
            rename.get(field, field): [ValidationError(message) for message in messages]
            for field, messages in form.errors.items()
        }
    )


@contextmanager
def fields_named(names: dict[str, str]) -> Iterator[None]:
    """A service's ValidationError at its own field names, re-raised at the API's."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in error.error_dict.items()}
        ) from None


def refuse_taken_external_id(model: type[models.Model], external_id: str, exclude=None) -> None:
    """409 when another object of this kind already carries `external_id`."""
    if not external_id:
        return
    taken = model.objects.filter(external_id=external_id)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise HttpError(
            409, f"Another {model._meta.verbose_name} has the external_id “{external_id}”."
        )


def set_external_id(obj: models.Model, external_id: str, *, by) -> None:
    """Give `obj` the ATS's id (unique per kind: 409 if taken); audited."""
    if obj.external_id == external_id:
        return
    model = type(obj)
    refuse_taken_external_id(model, external_id, exclude=obj)
    before = obj.external_id
    obj.external_id = external_id
    try:
        with transaction.atomic():
            obj.save(update_fields=["external_id", "updated_at"])
    except IntegrityError:
        # Taken in the meantime by a concurrent request.
        raise HttpError(
            409, f"Another {model._meta.verbose_name} has the external_id “{external_id}”."
        ) from None
    record(
        by,
        f"{model._meta.model_name}.external_id_set",
        obj,
        before=before,
        after=external_id,
    )
