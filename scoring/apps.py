from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        from candidates.access import register_pending_review

        from . import receivers  # connects the scorecard receivers

        register_pending_review(receivers.own_review_pending)
