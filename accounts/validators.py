"""One check for every piece of text people or files hand us, used by every form and the bank file.

Text is refused, with its position, when it holds a NUL character (PostgreSQL's
text columns cannot store one), a lone surrogate (not Unicode text: it cannot be
encoded to UTF-8, so the database driver and the page renderer fail on it), or
more characters than its database column holds. Limits come from the model
fields (`column_max`); a TextField has no limit of its own, so `TEXT_MAX` stands
in for it. Every message quotes at most `SHOWN` characters of what was given
(`shown`), so no message is ever as large as the hostile value that caused it.

`SafeInputMixin` applies the check to every field of a form *before* Django
cleans it: a bad raw value is replaced by an empty one for cleaning (so it never
reaches a query, a `clean_<field>` method or the database) and its field gets
the located message instead. Every project form inherits it, through `SafeForm`
and `SafeModelForm` or directly.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

# A TextField's sane maximum: a long question prompt or scorecard note is a few
# thousand characters; twenty thousand leaves room and still bounds every row.
TEXT_MAX = 20_000
# One line of a list field (signals, checklist, follow-ups, technologies).
ITEM_MAX = 500
# How many items one list field may hold.
ITEMS_MAX = 100
# How much of a given value a message quotes.
SHOWN = 60

_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(value: Any, limit: int = SHOWN) -> str:
    """`value` as printable text of at most `limit` characters (plus an ellipsis).

    Surrogates, NUL and other control characters are written as escapes, so the
    result can always be encoded, logged and rendered.
    """
    text = value if isinstance(value, str) else repr(value)
    cut = text[:limit]
    safe = cut.encode("utf-8", "backslashreplace").decode("utf-8")
    safe = "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in safe)
    return safe + ("…" if len(text) > limit else "")


def _escape(ch: str) -> str:
    return repr(ch)[1:-1] if ch not in "\n\t" else {"\n": "\\n", "\t": "\\t"}[ch]


def text_problem(value: str, max_length: int | None = TEXT_MAX) -> str | None:
    """What is wrong with `value` as stored text, or None when it is fine."""
    if "\x00" in value:
        return "contains a NUL character (\\x00)"
    surrogate = _SURROGATE.search(value)
    if surrogate:
        code = f"\\u{ord(surrogate.group()):04x}"
        return f"contains a lone surrogate ({code}), which is not text"
    if max_length is not None and len(value) > max_length:
        return f"too long ({len(value)} characters, at most {max_length})"
    return None


def column_max(model: type[models.Model], name: str) -> int:
    """The most characters `model.name` holds: its max_length, or TEXT_MAX for a TextField."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return TEXT_MAX
    return getattr(field, "max_length", None) or TEXT_MAX


def items_problems(
    values: Sequence[Any], *, max_length: int = ITEM_MAX, max_items: int = ITEMS_MAX, noun="Line"
) -> list[str]:
    """Problems of a list of texts, each with its item's position (1-based, as people count)."""
    if len(values) > max_items:
        return [f"At most {max_items} items, got {len(values)}."]
    problems = []
    for position, value in enumerate(values, start=1):
        problem = (
            text_problem(value, max_length)
            if isinstance(value, str)
            else f"must be text, got {type(value).__name__}"
        )
        if problem:
            problems.append(f"{noun} {position} ({shown(value, 40)}) {problem}.")
    return problems


@deconstructible
class SafeTextValidator:
    """A field validator: text (or each text of a list) passes `text_problem`."""

    def __init__(self, max_length: int | None = TEXT_MAX, item_max: int = ITEM_MAX):
        self.max_length, self.item_max = max_length, item_max

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):
            problem = text_problem(value, self.max_length)
            if problem:
                raise ValidationError(f"This text {problem}.", code="unsafe_text")
        elif isinstance(value, list | tuple):
            problems = items_problems(value, max_length=self.item_max)
            if problems:
                raise ValidationError(problems, code="unsafe_text")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SafeTextValidator) and (self.max_length, self.item_max) == (
            other.max_length,
            other.item_max,
        )


def raw_limit(field: forms.Field) -> int:
    """The most characters a field's raw input may have before it is cleaned at all."""
    limit = getattr(field, "raw_max_length", None) or getattr(field, "max_length", None)
    if isinstance(field, forms.CharField | forms.ChoiceField) and limit:
        return limit
    return TEXT_MAX


def raw_problem(raw: Any, limit: int) -> str | None:
    """What is wrong with a raw submitted value (text or a list of texts), or None."""
    values = raw if isinstance(raw, list | tuple) else [raw]
    for position, value in enumerate(values, start=1):
        if not isinstance(value, str):
            continue
        problem = _line_problem(value, limit)
        if problem:
            where = f"Choice {position} " if len(values) > 1 else ""
            return f"{where}{problem}"
    return None


def _line_problem(value: str, limit: int) -> str | None:
    """A text's problem, naming the line it is on when the text has several."""
    problem = text_problem(value, None)
    if problem and "\n" in value:
        for number, line in enumerate(value.splitlines(), start=1):
            line_problem = text_problem(line, None)
            if line_problem:
                return f"Line {number} {line_problem}."
    if problem:
        return f"This text {problem}."
    if len(value) > limit:
        return f"This text is too long ({len(value)} characters, at most {limit})."
    return None


class SafeInputMixin:
    """Screens every field's raw input with the shared text check before Django cleans it."""

    def full_clean(self) -> None:
        refused = self._screen_raw_input() if self.is_bound else {}
        super().full_clean()
        for name, message in refused.items():
            # The screened value was cleaned as empty: its "required" error, if any, is
            # replaced by the real reason.
            self._errors[name] = self.error_class([message])
            if hasattr(self, "cleaned_data"):
                self.cleaned_data.pop(name, None)

    def _screen_raw_input(self) -> dict[str, str]:
        """{field name: message} for bad raw values, which are blanked in `self.data`."""
        refused = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.FileField):
                continue
            key = self.add_prefix(name)
            raw = field.widget.value_from_datadict(self.data, self.files, key)
            problem = raw_problem(raw, raw_limit(field))
            if problem:
                refused[name] = problem
        if refused:
            self.data = _blanked(self.data, [self.add_prefix(n) for n in refused])
        return refused


def _blanked(data: Any, keys: Iterable[str]) -> Any:
    """A copy of the submitted data with `keys` (and their widgets' sub-keys) removed."""
    copy = data.copy()
    for key in keys:
        # A MultiWidget submits its parts as key_0, key_1, ...
        parts = re.compile(rf"{re.escape(key)}(_\d+)?")
        for name in [k for k in copy if parts.fullmatch(k)]:
            del copy[name]
    return copy


class SafeForm(SafeInputMixin, forms.Form):
    """The base of every project form: raw input screened by the shared text check."""


class SafeModelForm(SafeInputMixin, forms.ModelForm):
    """The base of every project model form: raw input screened by the shared text check."""
