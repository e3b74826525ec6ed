"""Access registry: the catalogue (recruiters and admins only)."""

from .registry import Access, recruiters

ENTRIES = {
    "rubrics:question_list": Access(expect=recruiters(200)),
    "rubrics:question_detail": Access(
        kwargs=lambda world: {"pk": world.catalogue.question.pk}, expect=recruiters(200)
    ),
    "rubrics:competency_list": Access(expect=recruiters(200)),
    "rubrics:competency_detail": Access(
        kwargs=lambda world: {"pk": world.catalogue.reliability.pk}, expect=recruiters(200)
    ),
    "rubrics:ladder_list": Access(expect=recruiters(200)),
    "rubrics:ladder_detail": Access(
        kwargs=lambda world: {"pk": world.catalogue.ladder.pk}, expect=recruiters(200)
    ),
    "rubrics:bank_list": Access(expect=recruiters(200)),
    # An empty POST re-renders the form with its error: nothing is imported.
    "rubrics:bank_import": Access(method="post", expect=recruiters(200)),
    "rubrics:bank_export": Access(
        kwargs=lambda world: {"key": world.catalogue.bank.key}, expect=recruiters(200)
    ),
}

ENTRIES.update(
    {
        "rubrics:question_create": Access(expect=recruiters(200)),
        "rubrics:question_edit": Access(
            kwargs=lambda world: {"pk": world.catalogue.question.pk}, expect=recruiters(200)
        ),
        "rubrics:question_duplicate": Access(
            method="post",
            kwargs=lambda world: {"pk": world.catalogue.question.pk},
            expect=recruiters(302),
        ),
        "rubrics:question_archive": Access(
            method="post",
            kwargs=lambda world: {"pk": world.catalogue.question.pk},
            expect=recruiters(302),
        ),
        "rubrics:competency_create": Access(expect=recruiters(200)),
        "rubrics:competency_edit": Access(
            kwargs=lambda world: {"pk": world.catalogue.reliability.pk}, expect=recruiters(200)
        ),
        "rubrics:competency_archive": Access(
            method="post",
            kwargs=lambda world: {"pk": world.catalogue.security.pk},
            expect=recruiters(302),
        ),
    }
)

# Scales, ladders and levels editing.
ENTRIES.update(
    {
        "rubrics:scale_list": Access(expect=recruiters(200)),
        "rubrics:scale_detail": Access(
            kwargs=lambda world: {"pk": world.catalogue.scale.pk}, expect=recruiters(200)
        ),
        "rubrics:scale_create": Access(expect=recruiters(200)),
        "rubrics:scale_edit": Access(
            kwargs=lambda world: {"pk": world.catalogue.scale.pk}, expect=recruiters(200)
        ),
        # The archive button toggles, then returns to the scale's page.
        "rubrics:scale_archive": Access(
            method="post",
            kwargs=lambda world: {"pk": world.catalogue.scale.pk},
            expect=recruiters(302),
        ),
        "rubrics:ladder_create": Access(expect=recruiters(200)),
        "rubrics:ladder_edit": Access(
            kwargs=lambda world: {"pk": world.catalogue.ladder.pk}, expect=recruiters(200)
        ),
        "rubrics:level_create": Access(
            kwargs=lambda world: {"pk": world.catalogue.ladder.pk}, expect=recruiters(200)
        ),
        "rubrics:level_edit": Access(
            kwargs=lambda world: {"pk": world.catalogue.ladder.levels.get(key="senior").pk},
            expect=recruiters(200),
        ),
    }
)
