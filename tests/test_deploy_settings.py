"""Deployment settings: behind a proxy, HTTPS only, a real mail backend, ids in the logs.

Settings are read once per process, so production configurations are checked in a
fresh interpreter (`manage.py check --deploy`, or printing the settings), as gunicorn
or a worker would start. The lockout tests run in this process: the client address
rule reads its settings at each request.
"""

import ast
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.axes_hooks import client_ip
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parent.parent
SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.com",
}
SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_PROXY_META_KEY",
    "SILENCED_SYSTEM_CHECKS",
]


def production(**env: str | None) -> dict[str, str]:
    """This process's environment as production sees it: DEBUG off, a real key; `env` on top."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"LOOPWRIGHT_LOCAL", "DEBUG", "REDIS_URL"}
        and not key.startswith(("EMAIL_", "HTTPS_", "HSTS_", "SECURE_", "TRUSTED_PROXY"))
    }
    environ |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "deploy-test-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP",
        "ALLOWED_HOSTS": "loopwright.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "sqlite:////tmp/lw-deploy-check.sqlite3",
    }
    for name, value in env.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return environ


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_of(env: dict[str, str]) -> dict:
    names = json.dumps(SHOWN)
    done = run(
        ["-c", "import json, django; from django.conf import settings; django.setup(); "
               f"print(json.dumps({{n: getattr(settings, n) for n in {names}}}))"],
        env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- check --deploy ---------------------------------------------------------------------


def test_the_deploy_check_is_clean_with_production_settings():
    # Static files are the worker and image's concern (tests/test_faults.py); the rest of
    # Django's deployment checks, security and mail among them, find nothing.
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING",
         "--tag", "security", "--tag", "mail", "--tag", "caches", "--tag", "templates"],
        production(**SMTP),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_production_is_https_only_by_default():
    conf = settings_of(production(**SMTP))

    assert conf["SECURE_SSL_REDIRECT"] is True
    assert conf["SECURE_HSTS_SECONDS"] == 31_536_000
    assert conf["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert conf["SECURE_HSTS_PRELOAD"] is False  # the domain owner's call (README)
    assert conf["SESSION_COOKIE_SECURE"] is conf["CSRF_COOKIE_SECURE"] is True
    assert conf["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize("switch", ["HTTPS_ONLY", "SECURE_COOKIES"])
def test_a_plain_http_trial_turns_off_redirect_hsts_and_secure_cookies(switch):
    conf = settings_of(production(**SMTP, **{switch: "false"}))

    assert conf["SECURE_SSL_REDIRECT"] is False
    assert conf["SECURE_HSTS_SECONDS"] == 0
    assert conf["SESSION_COOKIE_SECURE"] is conf["CSRF_COOKIE_SECURE"] is False


def test_hsts_settings_come_from_the_environment():
    conf = settings_of(production(**SMTP, HSTS_SECONDS="600", HSTS_PRELOAD="true"))

    assert conf["SECURE_HSTS_SECONDS"] == 600 and conf["SECURE_HSTS_PRELOAD"] is True
    assert "security.W021" not in conf["SILENCED_SYSTEM_CHECKS"]


def test_local_runs_keep_plain_http_and_the_console():
    conf = settings_of(production(LOOPWRIGHT_LOCAL="true"))

    assert conf["SECURE_SSL_REDIRECT"] is False and conf["SECURE_HSTS_SECONDS"] == 0
    assert conf["SESSION_COOKIE_SECURE"] is False


# --- Email -------------------------------------------------------------------------------


def test_production_refuses_to_start_with_the_console_email_backend():
    done = run(["manage.py", "check"], production())

    assert done.returncode != 0
    assert "EMAIL_BACKEND is the console" in done.stderr
    assert "ALLOW_CONSOLE_EMAIL=true" in done.stderr


def test_naming_the_console_backend_is_not_enough():
    env = production(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert run(["manage.py", "check"], env).returncode != 0


def test_the_console_backend_runs_when_explicitly_allowed():
    done = run(["manage.py", "check", "--deploy", "--tag", "mail"],
               production(ALLOW_CONSOLE_EMAIL="true"))  # fmt: skip
    assert done.returncode == 0, done.stderr


# --- Trusted proxies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT=-1 must be 0 or more"),
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT='one' is not a whole number"),
        ({"TRUSTED_PROXY_HEADER": "X Forwarded: For"}, "is not a header name"),
    ],
)
def test_bad_proxy_settings_are_refused_with_why(env, message):
    done = run(["manage.py", "check"], production(**SMTP, **env))
    assert done.returncode != 0 and message in done.stderr


def test_the_proxy_header_setting_names_its_request_key():
    conf = settings_of(
        production(**SMTP, TRUSTED_PROXY_COUNT="2", TRUSTED_PROXY_HEADER="X-Real-IP")
    )
    assert conf["TRUSTED_PROXY_COUNT"] == 2 and conf["TRUSTED_PROXY_META_KEY"] == "HTTP_X_REAL_IP"


PROXY = "172.18.0.5"  # the TLS proxy's address, as every request behind it arrives from


def request_from(remote: str = PROXY, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(request_from(forwarded="203.0.113.9")) == PROXY


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # The client wrote the left part itself; the proxy appended what it saw.
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "203.0.113.9:51234", "203.0.113.9"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "2001:DB8:0::7", "2001:db8::7"),
        # Skipped the proxy (straight to the container), or nonsense: the connection counts.
        (1, None, PROXY),
        (2, "203.0.113.9", PROXY),
        (1, "not-an-address", PROXY),
    ],
)
def test_behind_trusted_proxies_the_client_is_counted_from_the_right(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_from(forwarded=forwarded)) == expected


LIMIT = 3
LOGIN = reverse("accounts:login")


@pytest.fixture
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def sign_in(client, username: str, password: str, forwarded: str):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)  # fmt: skip


def guess_accounts(client, forwarded: str) -> None:
    """LIMIT failures on different accounts: only the address lockout can count them."""
    for n in range(LIMIT):
        assert sign_in(client, f"guess{n}", "wrong", forwarded).status_code in (200, 429)


@pytest.mark.django_db
def test_two_clients_behind_one_proxy_lock_out_independently(client, settings, small_limit):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("alice")
    guess_accounts(client, forwarded="203.0.113.66")

    assert sign_in(client, "alice", PASSWORD, forwarded="203.0.113.66").status_code == 429
    assert sign_in(client, "alice", PASSWORD, forwarded="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_a_client_rotating_a_forged_prefix_is_still_counted(client, settings, small_limit):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("alice")
    for n in range(LIMIT):
        sign_in(client, f"guess{n}", "wrong", forwarded=f"6.6.6.{n}, 203.0.113.66")

    assert sign_in(client, "alice", PASSWORD, forwarded="7.7.7.7, 203.0.113.66").status_code == 429


@pytest.mark.django_db
def test_without_the_setting_a_forged_header_is_ignored(client, small_limit):
    make_user("alice")
    for n in range(LIMIT):
        sign_in(client, f"guess{n}", "wrong", forwarded=f"203.0.113.{n}")

    # Every request came from the proxy's address, whatever the header said: that counts.
    assert sign_in(client, "alice", PASSWORD, forwarded="198.51.100.7").status_code == 429


# --- Logs carry ids ------------------------------------------------------------------------


@pytest.mark.django_db
def test_lockout_log_lines_name_the_account_by_id(client, small_limit, caplog):
    alice = make_user("alice.smith@example.com")
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(LIMIT + 1):
            sign_in(client, "alice.smith@example.com", "wrong", forwarded="203.0.113.1")

    lines = [record.getMessage() for record in caplog.records if record.name.startswith("axes")]
    assert lines, "axes logged no lockout"
    assert all("alice" not in line for line in lines)
    assert any(f"user {alice.pk}" in line for line in lines)


APPS = ("accounts", "candidates", "interviews", "rubrics", "scoring", "config")
# Objects whose str() is a person's or candidate's name, and attributes that are one.
PERSONAL_NAMES = {"candidate", "person", "user", "interviewer", "recruiter", "application"}
PERSONAL_ATTRIBUTES = {"name", "email", "username", "first_name", "last_name", "full_name"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def personal_arguments(call: ast.Call) -> list[str]:
    """What a log call formats that may be personal; `x.pk`, `x.id`, `x.<thing>_id` are ids."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Attribute):
            if node.attr in {"pk", "id"} or node.attr.endswith("_id"):
                return
            if node.attr in PERSONAL_ATTRIBUTES:
                found.append(f".{node.attr}")
        if isinstance(node, ast.Name) and node.id in PERSONAL_NAMES:
            found.append(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for argument in call.args[1:]:
        visit(argument)
    return found


def log_calls_with_personal_data() -> list[str]:
    problems = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LOG_METHODS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"logger", "log", "logging"}
                    and personal_arguments(node)
                ):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    problems.append(f"{where} logs {', '.join(personal_arguments(node))}")
    return problems


def test_log_calls_pass_ids_not_names_or_emails():
    assert log_calls_with_personal_data() == []


def test_the_log_check_catches_names_and_lets_ids_pass():
    def formatted(source: str) -> list[str]:
        return personal_arguments(ast.parse(source).body[0].value)

    assert formatted('logger.warning("Erased %s", candidate.name)') == [".name", "candidate"]
    assert formatted('logger.warning("Erased %s", candidate)') == ["candidate"]
    assert formatted('logger.warning("Erased %s (%s)", candidate.pk, user.person_id)') == []
