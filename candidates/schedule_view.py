"""What the application page's interviews section shows (templates/candidates/_schedule.html).

One row per stage of the application's loop, in order, with its interview (if
scheduled) and the people on it. A fixed number of queries, however many
stages, interviews and assignments there are.
"""

from django.db.models import Prefetch

from .models import LIVE_INTERVIEW_STATES, Application, Assignment, Interview
from .schedule_forms import People, RowForms


def schedule_rows(application: Application, *, bound: dict | None = None) -> list[dict]:
    """[{"stage", "interview" (or None), "assignments" (active, people loaded), "forms"}].

    "forms" holds the recruiter's controls for the row (schedule_forms.RowForms), built
    only when the template shows them; `bound` puts a refused POST's form in its row.
    """
    people = People()
    stages = list(application.loop.stages.order_by("order", "pk"))
    interviews = {
        interview.stage_id: interview
        for interview in Interview.objects.filter(application=application).prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.active().select_related("person"),
                to_attr="active_assignments",
            )
        )
    }
    rows = []
    for stage in stages:
        interview = interviews.get(stage.pk)
        if interview is not None:
            interview.stage = stage  # already loaded: spare the template a query per row
        seats = interview.active_assignments if interview else []
        interviewers = sum(1 for a in seats if not a.is_shadow)
        rows.append(
            {
                "stage": stage,
                "interview": interview,
                # The loop planned this many independent opinions from the stage.
                "interviewers": interviewers,
                "short_of_panel": interview is not None
                and interview.state in LIVE_INTERVIEW_STATES
                and interviewers < stage.panel_size,
                "assignments": seats,
                "forms": RowForms(
                    stage,
                    interview,
                    interview.active_assignments if interview else [],
                    people=people,
                    bound=bound or {},
                ),
            }
        )
    return rows
