"""The adverse-impact page's filters, and the candidate's self-identification form."""

from django import forms

from accounts.validators import SafeForm

PREFER_NOT = ""
PREFER_NOT_LABEL = "Prefer not to say"


class FairnessForm(SafeForm):
    """Which loop (by key: every version together) and which calendar year."""

    loop = forms.ChoiceField(label="Loop", choices=())
    year = forms.TypedChoiceField(label="Year applied", choices=(), coerce=int)

    def __init__(self, data=None, *, loops=(), years_for=lambda key: [], **kwargs):
        data = data.copy() if data is not None else {}
        loops = list(loops)
        # Without a choice, the first loop and its newest year: something to show at once.
        if loops and not data.get("loop"):
            data["loop"] = loops[0][0]
        key = data.get("loop") if data.get("loop") in dict(loops) else None
        years = list(years_for(key)) if key else []
        if years and not data.get("year"):
            data["year"] = str(years[0])
        super().__init__(data, **kwargs)
        self.fields["loop"].choices = loops
        self.fields["year"].choices = [(str(y), str(y)) for y in years]


class SelfIdForm(SafeForm):
    """One radio group per active category; every one defaults to "prefer not to say"."""

    def __init__(self, data=None, *, categories=(), **kwargs):
        super().__init__(data, **kwargs)
        self.categories = {f"category_{c.pk}": c for c in categories}
        for name, category in self.categories.items():
            options = list(category.options.all())
            self.fields[name] = forms.ChoiceField(
                label=category.label,
                choices=[(PREFER_NOT, PREFER_NOT_LABEL)] + [(str(o.pk), o.label) for o in options],
                required=False,
                initial=PREFER_NOT,
                widget=forms.RadioSelect,
            )
            self.fields[name].options = {str(o.pk): o for o in options}

    def answers(self) -> dict:
        """Category -> option, or None for "prefer not to say" (after is_valid)."""
        return {
            category: self.fields[name].options.get(self.cleaned_data.get(name) or "")
            for name, category in self.categories.items()
        }
