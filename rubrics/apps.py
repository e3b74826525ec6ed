from django.apps import AppConfig


class RubricsConfig(AppConfig):
    name = "rubrics"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from .models import ImmutableError, Question

        def refuse_locked_m2m(sender, instance, action, **kwargs):
            if action.startswith("pre_") and isinstance(instance, Question) and instance.locked:
                raise ImmutableError(
                    f"Question “{instance.key}” v{instance.version} is used by a published "
                    "loop; create a new version to change it."
                )

        for field in ("secondary_competencies", "levels", "tags"):
            m2m_changed.connect(
                refuse_locked_m2m,
                sender=getattr(Question, field).through,
                weak=False,
                dispatch_uid=f"rubrics-locked-{field}",
            )
