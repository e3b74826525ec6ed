"""/api/v1/loops/: loops to start applications on, with their stages and competencies (read).

The loop builder's rule: recruiters and admins only. An application starts on a
published version (`POST /applications/` with `loop_key`: the newest published one).
"""

from typing import Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from accounts.permissions import require_recruiter
from integrations.api.core import PROBLEMS, Page, require_scope
from integrations.api.core import updated_since as changed_since
from integrations.api.schemas import LoopDetailOut, LoopOut, PathId, QuerySince, Text
from interviews.models import Loop, LoopCompetency, Stage

router = Router(tags=["loops"])

READ = "loops:read"


def ref(obj) -> dict:
    return {"id": obj.pk, "key": obj.key, "name": obj.name}


def loop_out(loop: Loop) -> dict:
    return {
        "id": loop.pk,
        "key": loop.key,
        "version": loop.version,
        "name": loop.name,
        "status": loop.status,
        "role": ref(loop.role),
        "level": ref(loop.level),
        "scale": ref(loop.scale),
        "published_at": loop.published_at,
        "created_at": loop.created_at,
        "updated_at": loop.updated_at,
    }


def loop_detail_out(loop: Loop) -> dict:
    return loop_out(loop) | {
        "stages": [
            {
                "id": s.pk,
                "order": s.order,
                "name": s.name,
                "duration_minutes": s.duration_minutes,
                "buffer_minutes": s.buffer_minutes,
                "panel_size": s.panel_size,
                "focus": s.focus,
            }
            for s in loop.stages.all()
        ],
        "competencies": [
            {
                "id": c.competency_id,
                "key": c.competency.key,
                "name": c.competency.name,
                "critical": c.critical,
                "weight": float(c.weight) if c.weight is not None else None,
                "bar": c.effective_bar(loop.scale.points.all()),
            }
            for c in loop.loop_competencies.all()
        ],
    }


class ListPage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = [loop_out(loop) for loop in result["items"]]
        return result


@router.get(
    "",
    response={200: list[LoopOut], **PROBLEMS},
    url_name="loop_list",
    summary="List loops (recruiters)",
)
@paginate(ListPage)
def loop_list(
    request: HttpRequest,
    key: Text | None = None,
    status: Literal["draft", "published", "archived"] | None = None,
    updated_since: QuerySince = None,
):
    require_scope(request, READ)
    require_recruiter(request.user)
    loops = Loop.objects.select_related("role", "level", "scale")
    if key:
        loops = loops.filter(key=key[:80])
    if status:
        loops = loops.filter(status=status)
    return changed_since(loops, updated_since)


@router.get(
    "{id}",
    response={200: LoopDetailOut, **PROBLEMS},
    url_name="loop_detail",
    summary="One loop version: its stages (ids to schedule) and competencies",
)
def loop_detail(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    require_recruiter(request.user)
    loop = get_object_or_404(
        Loop.objects.select_related("role", "level", "scale").prefetch_related(
            "scale__points",
            Prefetch("stages", queryset=Stage.objects.order_by("order", "pk")),
            Prefetch(
                "loop_competencies",
                queryset=LoopCompetency.objects.select_related("competency").order_by(
                    "order", "pk"
                ),
            ),
        ),
        pk=id,
    )
    return loop_detail_out(loop)
