"""Access registry: the loop builder (recruiters and admins only) and the kits.

The world holds a draft loop (`world.loop`, one stage with one planned question
and two competencies, so publishing it has coverage warnings) and a published
one (`world.published`). Empty POSTs change nothing but the order-only actions.
"""

from .registry import Access, recruiters


def loop(world) -> dict:
    return {"pk": world.loop.pk}


def published(world) -> dict:
    return {"pk": world.published.pk}


def stage(world) -> dict:
    return {"pk": world.stage.pk}


def planned(world) -> dict:
    return {"pk": world.planned.pk}


def loop_competency(world) -> dict:
    return {"pk": world.loop.loop_competencies.order_by("order").first().pk}


ENTRIES = {
    "interviews:loop_list": Access(expect=recruiters(200)),
    "interviews:loop_create": Access(expect=recruiters(200)),
    "interviews:loop_builder": Access(kwargs=loop, expect=recruiters(200)),
    "interviews:loop_search": Access(kwargs=loop, expect=recruiters(200)),
    # Bad input re-renders the builder with the errors at their fields.
    "interviews:loop_settings": Access(method="post", kwargs=loop, expect=recruiters(200)),
    "interviews:loop_competency_add": Access(method="post", kwargs=loop, expect=recruiters(200)),
    # Every field is optional: an empty POST saves "not critical, default weight and bar".
    "interviews:loop_competency_edit": Access(
        method="post", kwargs=loop_competency, expect=recruiters(302)
    ),
    "interviews:loop_competency_remove": Access(
        method="post", kwargs=loop_competency, expect=recruiters(302)
    ),
    # The draft has coverage warnings: a POST without confirmation shows them.
    "interviews:loop_publish": Access(method="post", kwargs=loop, expect=recruiters(200)),
    "interviews:loop_new_version": Access(method="post", kwargs=published, expect=recruiters(302)),
    "interviews:loop_archive": Access(method="post", kwargs=published, expect=recruiters(302)),
    # A published loop is frozen: even recruiters may not change it.
    "interviews:loop_adopt": Access(method="post", kwargs=published, expect=recruiters(403)),
    "interviews:stage_add": Access(method="post", kwargs=loop, expect=recruiters(200)),
    # No stage chosen: refused with a message, back to the builder.
    "interviews:planned_add": Access(method="post", kwargs=loop, expect=recruiters(302)),
    "interviews:stage_edit": Access(method="post", kwargs=stage, expect=recruiters(200)),
    "interviews:stage_move": Access(method="post", kwargs=stage, expect=recruiters(302)),
    "interviews:stage_remove": Access(method="post", kwargs=stage, expect=recruiters(302)),
    "interviews:planned_reorder": Access(method="post", kwargs=stage, expect=recruiters(302)),
    "interviews:stage_suggest": Access(kwargs=stage, expect=recruiters(200)),
    "interviews:stage_suggest_accept": Access(method="post", kwargs=stage, expect=recruiters(302)),
    # No curated set chosen: refused with a message, back to the builder.
    "interviews:stage_curated_apply": Access(method="post", kwargs=stage, expect=recruiters(302)),
    "interviews:planned_edit": Access(method="post", kwargs=planned, expect=recruiters(302)),
    "interviews:planned_move": Access(method="post", kwargs=planned, expect=recruiters(302)),
    "interviews:planned_remove": Access(method="post", kwargs=planned, expect=recruiters(302)),
    "interviews:planned_fork": Access(kwargs=planned, expect=recruiters(200)),
    # Interview kits (read-only, printable).
    "interviews:loop_kit": Access(kwargs=loop, expect=recruiters(200)),
    # A stage's kit: also for those seated on its interview (shadows too; not a replaced
    # seat). world.interview is on the published loop's stage.
    "interviews:stage_kit": Access(
        kwargs=lambda world: {"pk": world.interview.stage_id},
        expect={
            **recruiters(200),
            **dict.fromkeys(("interviewer", "shadow", "committee_interviewer"), 200),
        },
    ),
}
