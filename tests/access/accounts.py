"""Access registry: accounts and the home page."""

from tests.factories import make_user

from .registry import Access, everyone, recruiters


def someone(world) -> dict:
    """A person for the people pages to act on (a fresh one per request)."""
    return {"pk": make_user(groups=("interviewer",)).pk}


ENTRIES = {
    "home": Access(expect=everyone(200)),
    "accounts:login": Access(expect={**everyone(302), "anonymous": 200}),
    "accounts:logout": Access(method="post", expect=everyone(302)),
    "accounts:profile": Access(expect=everyone(200)),
    "accounts:password_change": Access(expect=everyone(200)),
    "accounts:password_change_done": Access(expect=everyone(200)),
    "accounts:password_reset": Access(expect=everyone(200, anonymous=200)),
    "accounts:password_reset_done": Access(expect=everyone(200, anonymous=200)),
    "accounts:password_reset_confirm": Access(
        kwargs=lambda world: {"uidb64": "MQ", "token": "bad-token"},
        expect=everyone(200, anonymous=200),
    ),
    "accounts:password_reset_complete": Access(expect=everyone(200, anonymous=200)),
    "accounts:people": Access(expect=recruiters(200)),
    "accounts:person_invite": Access(expect=recruiters(200)),
    "accounts:person_edit": Access(kwargs=someone, expect=recruiters(200)),
    "accounts:person_deactivate": Access(method="post", kwargs=someone, expect=recruiters(302)),
    "accounts:person_reactivate": Access(method="post", kwargs=someone, expect=recruiters(302)),
    "accounts:audit": Access(expect=recruiters(200)),
}
