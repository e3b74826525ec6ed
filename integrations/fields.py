"""The `external_id` every object an integration creates carries: the ATS's own id.

Optional (blank) and unique per kind when given, so an integration can upsert by it.
Loops, banks, scorecards, decisions and packets are Loopwright's own: they are found by
their id (loops and banks by their key) and carry none.
"""

from django.db import models
from django.db.models import Q

EXTERNAL_ID_MAX_LENGTH = 128


def external_id_field() -> models.CharField:
    return models.CharField(
        max_length=EXTERNAL_ID_MAX_LENGTH,
        blank=True,
        default="",
        help_text="The id of this object in another system (an ATS), unique when given.",
    )


def external_id_unique(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""), name=name)
