"""The loops that use a catalogue item, for rubrics.usage (registered in apps.ready)."""

from rubrics.models import Competency, Question, RatingScale
from rubrics.usage import Usage

from .models import Loop


def loops_using(item) -> list[Usage]:
    if isinstance(item, Question):
        loops = Loop.objects.filter(stages__planned__question=item)
    elif isinstance(item, Competency):
        loops = Loop.objects.filter(loop_competencies__competency=item)
    elif isinstance(item, RatingScale):
        loops = Loop.objects.filter(scale=item)
    else:
        return []
    return [
        Usage(f"{loop.name} v{loop.version}", loop.get_absolute_url(), loop.get_status_display())
        for loop in loops.distinct().order_by("name", "version")
    ]
