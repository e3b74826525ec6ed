from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """What happened after the loop: hires' performance reviews (does the loop predict
    performance?) and candidates' voluntary self-identification (is it fair?)."""

    name = "outcomes"

    def ready(self) -> None:
        from candidates.privacy import register_application_export

        from .fairness import receivers  # noqa: F401  (erasure deletes self-identification)
        from .reviews import privacy  # connects the erasure receiver

        register_application_export(privacy.REVIEW_PREFETCH, privacy.reviews_export)
