from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """What happened after the loop: hires' performance reviews (does the loop predict
    performance?) and candidates' voluntary self-identification (is it fair?)."""

    name = "outcomes"

    def ready(self) -> None:
        # Self-identification: erasure deletes it; the admin edits its categories only.
        from .fairness import admin, receivers  # noqa: F401
