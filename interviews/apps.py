from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "Interview loops"

    def ready(self) -> None:
        from rubrics import usage

        from .usage import loops_using

        usage.register(loops_using)
