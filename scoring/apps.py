from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        from candidates.access import register_pending_review
        from candidates.privacy import register_assignment_export

        from . import receivers  # connects the scorecard receivers

        register_pending_review(receivers.own_review_pending)
        register_assignment_export(receivers.EXPORT_PREFETCH, receivers.scorecard_export)
