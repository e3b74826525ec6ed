"""A decided cohort on a two-stage loop, built through the services as people would."""

import importlib

from django.apps import apps

from candidates.services import change_status
from outcomes.fairness import selfid
from outcomes.models import SelfIdCategory
from tests.factories import make_application, make_interview, make_published_loop


def ensure_default_categories() -> None:
    """The default categories, as data migration 0002 makes them. A transactional test
    (live_server, a real worker) flushes the tables when it ends, migration data too, so a
    later test in the same process would find no questions to answer."""
    migration = importlib.import_module("outcomes.migrations.0002_default_self_id_categories")
    migration.add_defaults(apps, None)


def answer(application, **chosen) -> None:
    """The candidate answers through their link: `sex="female"`; others prefer not to say."""
    ensure_default_categories()
    _, token = selfid.invite(application, by=None)
    answers = {}
    for category in selfid.questions():
        key = chosen.get(category.key.replace("-", "_"))
        answers[category] = next((o for o in category.options.all() if o.key == key), None)
    selfid.submit(token, answers)


def decide(application, *, hired: bool, by=None) -> None:
    if hired:
        change_status(application, "offer", by=by)
        change_status(application, "hired", by=by)
    else:
        change_status(application, "rejected", by=by)


def cohort(loop=None, *, groups: dict[str, tuple[int, int]], by=None):
    """`groups`: sex key -> (applicants, hired). Everyone passes the first stage (an
    interview at the second is scheduled); the rest are rejected after it."""
    ensure_default_categories()
    loop = loop or make_published_loop(stages=("Systems", "People"))
    second = loop.stages.order_by("order")[1]
    made = []
    for sex, (applicants, hired) in groups.items():
        for i in range(applicants):
            application = make_application(loop=loop, by=by)
            make_interview(application, second, by=by)
            answer(application, sex=sex)
            decide(application, hired=i < hired, by=by)
            made.append(application)
    return loop, made


def sex_category() -> SelfIdCategory:
    ensure_default_categories()
    return SelfIdCategory.objects.get(key="sex")
