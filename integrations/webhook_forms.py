"""Forms of the webhook subscription pages."""

from django import forms

from accounts.validators import SafeModelForm
from integrations.events import EVENTS
from integrations.models import WebhookSubscription
from integrations.webhooks import check_url


class SubscriptionForm(SafeModelForm):
    events = forms.MultipleChoiceField(
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each event is sent to this address once it has happened (committed).",
        error_messages={"required": "Choose at least one event."},
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "kind", "events"]
        labels = {"url": "Address (URL)", "kind": "Format"}
        help_texts = {
            "name": "Who receives it, e.g. “Greenhouse sync” or “#hiring on Slack”.",
            "url": (
                "Your endpoint, or the incoming-webhook address Slack or Teams gave you. "
                "Private and local network addresses are refused."
            ),
            "kind": (
                "Signed JSON carries the whole event with a signature to verify; Slack and "
                "Teams get one human-readable line with a link."
            ),
        }
        widgets = {"url": forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"})}

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        check_url(url)
        return url

    def clean_events(self) -> list[str]:
        # Stored in the list's own order, whatever order the boxes were ticked in.
        chosen = set(self.cleaned_data["events"])
        return [event for event in EVENTS if event in chosen]
