"""Login throttling (django-axes) and what it leaves in the audit trail.

Failed sign-ins are counted per account and, separately, per client address
(AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]): guessing one person's
password from many addresses locks that account; trying many accounts from one
address locks that address.

We audit failures and lockouts only. Successful sign-ins would flood the trail
(axes keeps them in its own access log); failures are bounded: once a lockout
starts, refused attempts are counted by axes but not audited again.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt

from .audit import record
from .models import User


class AccountResetHandler(AxesDatabaseHandler):
    """Axes' database handler, but a successful sign-in clears only that account's failures.

    Axes' own reset deletes every attempt matching any lockout parameter, the
    client address included: anyone with one valid account could then wash away
    their failed guesses at other accounts by signing in between guesses.
    """

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _person(username: str | None) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def _is_counted_failure(request) -> bool:
    """True for failures up to the limit; attempts refused during a lockout are not."""
    failures = getattr(request, "axes_failures_since_start", None)
    return failures is not None and failures <= get_failure_limit(request, None)


def record_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    if request is None or not _is_counted_failure(request):
        return
    username = credentials.get("username")
    record(
        None,
        "login.failed",
        _person(username),
        username=username or "",
        ip_address=getattr(request, "axes_ip_address", ""),
    )


def record_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    # Axes signals on every refused attempt; the lockout starts when the count
    # reaches the limit exactly.
    failures = getattr(request, "axes_failures_since_start", None)
    if request is None or failures != get_failure_limit(request, None):
        return
    record(
        None,
        "login.locked_out",
        _person(username),
        username=username or "",
        ip_address=ip_address or "",
        failures=failures,
    )
