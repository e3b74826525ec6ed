from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        from accounts.audit import register_hidden_scopes
        from candidates.access import register_pending_review, register_review_rules
        from candidates.privacy import register_application_export, register_assignment_export

        from . import access, export, receivers  # receivers: connects the scorecard receivers

        register_pending_review(receivers.own_review_pending)
        register_review_rules(review=access.may_review, decide=access.may_decide)
        register_hidden_scopes(access.pending_audit_scopes)
        register_assignment_export(export.SCORECARD_PREFETCH, export.scorecard_export)
        register_application_export(export.DECISION_PREFETCH, export.decisions_export)
