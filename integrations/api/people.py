"""/api/v1/people/: the people who can be put on interviews or committees (recruiters).

The people screen's rule: recruiters and admins only. Find an interviewer by email to
assign them (`POST /interviews/{id}/assignments` takes `person_email` too).
"""

from typing import Literal

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from accounts.models import User
from accounts.permissions import require_recruiter
from integrations.api.core import PROBLEMS, Page, require_scope
from integrations.api.schemas import PersonOut, QueryEmail

router = Router(tags=["people"])


def person_out(person: User) -> dict:
    return {
        "id": person.pk,
        "username": person.username,
        "name": str(person),
        "email": person.email,
        # Admins are recruiters too (accounts.permissions.is_recruiter).
        "roles": sorted(person.group_names() | ({"admin"} if person.is_superuser else set())),
        "is_active": person.is_active,
        "time_zone": person.time_zone,
    }


class PeoplePage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = [person_out(p) for p in result["items"]]
        return result


@router.get(
    "",
    response={200: list[PersonOut], **PROBLEMS},
    url_name="person_list",
    summary="List people (recruiters)",
)
@paginate(PeoplePage)
def person_list(
    request: HttpRequest,
    email: QueryEmail = None,
    role: Literal["recruiter", "interviewer", "committee"] | None = None,
    active: bool | None = None,
):
    require_scope(request, "candidates:read")
    require_recruiter(request.user)
    people = User.objects.prefetch_related("groups").order_by("pk")
    if email:
        people = people.with_email(email)
    if role:
        people = people.filter(groups__name=role).distinct()
    if active is not None:
        people = people.filter(is_active=active)
    return people
