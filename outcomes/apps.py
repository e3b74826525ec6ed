from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """What happened after the loop: hires' performance reviews (does the loop predict
    performance?) and candidates' voluntary self-identification (is it fair?)."""

    name = "outcomes"
