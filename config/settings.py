"""Loopwright settings: one file, read from the environment.

Defaults run locally with nothing installed (SQLite, Celery tasks inline).
DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS switch to production.
"""

import os
import re
import zoneinfo
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else default


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY and not env_bool("LOOPWRIGHT_LOCAL", False):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY, or DEBUG=true / LOOPWRIGHT_LOCAL=true "
        "for a local run."
    )
# Demo users and demo data exist only on local runs, never in production.
LOCAL_RUN = DEBUG or env_bool("LOOPWRIGHT_LOCAL", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Proxies in front of Loopwright that append the address they received a request from
# to TRUSTED_PROXY_HEADER (accounts/axes_hooks.py): 1 behind one TLS proxy. 0 trusts
# no header, so a client cannot forge its address; REMOTE_ADDR counts.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER", "X-Forwarded-For")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must be 0 or more")
if not re.fullmatch(r"[A-Za-z0-9-]+", TRUSTED_PROXY_HEADER):
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_HEADER={TRUSTED_PROXY_HEADER!r} is not a header name (e.g. X-Forwarded-For)"
    )
TRUSTED_PROXY_META_KEY = "HTTP_" + TRUSTED_PROXY_HEADER.upper().replace("-", "_")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "accounts",
    "rubrics",
    "interviews",
    "candidates",
    "scoring",
    "outcomes",
    "integrations",
    # Single sign-on (OpenID Connect) and two-factor authentication (TOTP): django-allauth.
    # Password sign-in stays our own view (accounts.views.LoginView); it hands over to
    # allauth's login flow so that the second-factor step applies to it.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    # The REST API (/api/v1/) and its browsable docs, served from ninja's own static files.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # The sign-in pages' forms may lead on to the single sign-on provider (CSP form-action).
    "accounts.sso.middleware.SsoFormActionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "integrations.middleware.ApiRequestLogMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.HtmxLoginRedirectMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.mfa_required.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that a lockout answers before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, tests) share the file: WAL and immediate
    # transactions avoid "database is locked" under concurrent writers.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use in-memory SQLite (live_server shares it with its thread); a test
    # run that needs a file, e.g. for a worker in another process, names one.
    if env_str("SQLITE_TEST_DB"):
        DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_DB")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-allauth: accounts are invited (accounts.services) or made just in time by single
# sign-on; nobody signs themselves up. OpenID Connect providers: config/sso_settings.py.
ACCOUNT_ADAPTER = "accounts.sso.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.sso.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Loopwright"
# Our wording and rules (accounts/mfa.py); a code from the previous or next 30 s also
# counts (phone clocks drift), each code once.
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.mfa.CodeForm",
    "reauthenticate": "accounts.mfa.ConfirmCodeForm",
    "activate_totp": "accounts.mfa.ActivateForm",
}
MFA_TOTP_TOLERANCE = 1

# Failed logins are throttled per account and, separately, per client address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Axes' reset on success would also clear the client address's failures against
# other accounts; ours clears only the signed-in account's (accounts/throttling.py).
AXES_HANDLER = "accounts.throttling.AccountResetHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The client's address behind TRUSTED_PROXY_COUNT proxies, and an account id (never the
# username typed, often an email address) in axes' log lines.
AXES_CLIENT_IP_CALLABLE = "accounts.axes_hooks.client_ip"
AXES_CLIENT_STR_CALLABLE = "accounts.axes_hooks.client_str"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL_RUN
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded and generated files (CVs, packets) on S3 or an S3-compatible store (MinIO,
# R2, …) when a bucket is named; credentials come from the usual AWS_ACCESS_KEY_ID /
# AWS_SECRET_ACCESS_KEY (or the instance's role). Files stay private: every download
# goes through a permission-checked view, never a public URL.
S3_BUCKET = env_str("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "location": env_str("S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = LOCAL_RUN
# Bank files uploaded through the browser are small text; refuse anything large.
BANK_UPLOAD_MAX_BYTES = env_int("BANK_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
CV_MAX_BYTES = env_int("CV_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email goes to the console on local runs. The console writes password-reset links and
# candidates' names into the log, so production refuses it unless told it is wanted.
CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
MAIL_BACKEND = env_str("EMAIL_BACKEND", CONSOLE_EMAIL_BACKEND)
ALLOW_CONSOLE_EMAIL = env_bool("ALLOW_CONSOLE_EMAIL", LOCAL_RUN)
if MAIL_BACKEND == CONSOLE_EMAIL_BACKEND and not ALLOW_CONSOLE_EMAIL:
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is the console, which writes password-reset links and candidates' "
        "names into the log. Set EMAIL_BACKEND (e.g. django.core.mail.backends.smtp."
        "EmailBackend with EMAIL_HOST), or ALLOW_CONSOLE_EMAIL=true for a trial."
    )
MAILERS = {
    "default": {
        "BACKEND": MAIL_BACKEND,
        "OPTIONS": {
            k.lower(): v
            for k, v in {
                "HOST": env_str("EMAIL_HOST"),
                "PORT": env_int("EMAIL_PORT", 0) or None,
                "USERNAME": env_str("EMAIL_HOST_USER"),
                "PASSWORD": env_str("EMAIL_HOST_PASSWORD"),
                "USE_TLS": env_bool("EMAIL_USE_TLS", False) or None,
            }.items()
            if v
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Loopwright <loopwright@localhost>")
# Links in emails (interview invitations) point here: the address people open Loopwright at.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in hx-headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Production is HTTPS only: TLS ends at the proxy, which must set X-Forwarded-Proto
# (overwriting what a client sent). HTTPS_ONLY=false serves a plain-HTTP trial on
# localhost; SECURE_COOKIES, its older name, is read when HTTPS_ONLY is not set.
HTTPS_ONLY = not LOCAL_RUN and env_bool("HTTPS_ONLY", env_bool("SECURE_COOKIES", True))
if not LOCAL_RUN:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_SSL_REDIRECT = HTTPS_ONLY
# A year of HSTS, subdomains included (those of the host Loopwright answers on, not its
# parent domain). Preloading commits a whole registrable domain to HTTPS in every
# browser, for good: that is the domain owner's decision, so it stays off unless asked
# for, and Django's reminder about it (security.W021) is silenced until then.
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(f"HSTS_SECONDS={SECURE_HSTS_SECONDS} must be 0 or more")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if ALLOW_CONSOLE_EMAIL:
    # Asked for in so many words (or a local run): Django's deploy check agrees.
    SILENCED_SYSTEM_CHECKS.append("mail.E001")

# Strict CSP: our own scripts and styles only; no inline script, no style="".
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

# The REST API (/api/v1/): requests per token (per address before authentication).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/m")
# A token's longest life; a person picks its expiry up to this.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)

# Webhooks (integrations/webhooks.py, docs/webhooks.md): a failed delivery is tried again
# after BASE x 2^(n-1) seconds (n = attempts so far, +/-20 % jitter, at most MAX seconds
# apart), WEBHOOK_MAX_ATTEMPTS times in all; then it is failed. Defaults: 12 attempts over
# about 14 hours. Private, loopback and link-local addresses are refused (SSRF) unless
# WEBHOOK_ALLOW_PRIVATE_HOSTS, which defaults to true only on a local run.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 12)
WEBHOOK_BACKOFF_BASE_SECONDS = env_int("WEBHOOK_BACKOFF_BASE_SECONDS", 30)
WEBHOOK_BACKOFF_MAX_SECONDS = env_int("WEBHOOK_BACKOFF_MAX_SECONDS", 6 * 3600)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", LOCAL_RUN)
if WEBHOOK_MAX_ATTEMPTS < 1 or WEBHOOK_BACKOFF_BASE_SECONDS < 1 or WEBHOOK_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured(
        "WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_BASE_SECONDS and WEBHOOK_TIMEOUT_SECONDS must "
        "be at least 1"
    )

REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "loopwright")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a message not acknowledged within the visibility timeout: it must
# outlast the longest task (asserted below), or a slow render would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # A request never hangs on an unreachable broker: the packet row waits for the requeue.
    "socket_connect_timeout": 3,
}
CELERY_BEAT_SCHEDULE: dict = {
    # Overdue scorecards: each step is sent once, so running often only makes it prompt.
    "send-scorecard-reminders": {
        "task": "scoring.tasks.send_reminders_task",
        "schedule": crontab(minute=5),
    },
    # Packets whose message was lost or stuck rendering (worker killed) are sent again.
    "requeue-stale-packets": {
        "task": "scoring.tasks.requeue_stale_packets_task",
        "schedule": 60.0,
    },
    # Packets requested while the broker was down go out within 15 s of its return (plus
    # the worker's own reconnection, up to 30 s after a long outage).
    "resend-unsent-packets": {
        "task": "scoring.tasks.resend_unsent_packets_task",
        "schedule": 15.0,
    },
    # Calibration and reliability snapshots whose refresh was asked for but never ran.
    "resend-outdated-analytics": {
        "task": "scoring.tasks.resend_outdated_analytics_task",
        "schedule": 300.0,
    },
    # Webhook deliveries due whose message was lost (or whose wait outlasts Redis's
    # visibility timeout) are sent again.
    "send-due-webhooks": {
        "task": "integrations.tasks.send_due_webhooks_task",
        "schedule": 15.0,
    },
    # Candidates past the retention period are erased once a day, at a quiet hour.
    "erase-expired-candidates": {
        "task": "candidates.tasks.erase_expired_candidates_task",
        "schedule": crontab(hour=3, minute=17),
    },
}

# A scorecard unsubmitted this many hours after its interview ended (start + stage
# duration) is overdue: the pipeline and home pages say so and its author is reminded;
# after the second delay, again with the recruiter in copy.
REMINDER_FIRST_HOURS = env_int("REMINDER_FIRST_HOURS", 24)
REMINDER_SECOND_HOURS = env_int("REMINDER_SECOND_HOURS", 72)
if not 0 < REMINDER_FIRST_HOURS < REMINDER_SECOND_HOURS:
    raise ImproperlyConfigured(
        "REMINDER_FIRST_HOURS must be positive and below REMINDER_SECOND_HOURS "
        f"(got {REMINDER_FIRST_HOURS} and {REMINDER_SECOND_HOURS})"
    )
# Calibration and reliability are computed in the background (scoring/snapshots.py): a
# submission asks for a new snapshot this many seconds later, so a burst costs one.
ANALYTICS_DEBOUNCE_SECONDS = env_int("ANALYTICS_DEBOUNCE_SECONDS", 30)
# Debrief packets: paper size, and how long one render may take before the worker stops
# it (soft limit: the packet fails with the reason; hard limit a little later: the
# process is killed and the requeue takes the packet up again, a few attempts at most).
PACKET_PAPER_SIZE = env_str("PACKET_PAPER_SIZE", "A4")
if PACKET_PAPER_SIZE not in {"A4", "letter"}:
    raise ImproperlyConfigured(f"PACKET_PAPER_SIZE={PACKET_PAPER_SIZE!r}: use A4 or letter")
PACKET_TIME_LIMIT_SECONDS = env_int("PACKET_TIME_LIMIT_SECONDS", 120)
PACKET_MAX_ATTEMPTS = env_int("PACKET_MAX_ATTEMPTS", 3)
if PACKET_TIME_LIMIT_SECONDS < 5 or PACKET_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "PACKET_TIME_LIMIT_SECONDS must be at least 5 and PACKET_MAX_ATTEMPTS at least 1 "
        f"(got {PACKET_TIME_LIMIT_SECONDS} and {PACKET_MAX_ATTEMPTS})"
    )
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= 2 * PACKET_TIME_LIMIT_SECONDS:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must stay well above PACKET_TIME_LIMIT_SECONDS (more "
        "than twice), or Redis hands a packet still rendering to a second worker"
    )

# Candidates whose applications all closed this many days ago are erased automatically.
RETENTION_DAYS = env_int("RETENTION_DAYS", 365)
if RETENTION_DAYS < 1:
    raise ImproperlyConfigured(f"RETENTION_DAYS={RETENTION_DAYS} must be at least 1")

# Adverse impact (outcomes.fairness): a group of fewer people than this is never shown,
# nor any count of fewer; self-identification links last this many days.
FAIRNESS_MIN_CELL = env_int("FAIRNESS_MIN_CELL", 5)
if FAIRNESS_MIN_CELL < 2:
    raise ImproperlyConfigured(f"FAIRNESS_MIN_CELL={FAIRNESS_MIN_CELL} must be at least 2")
SELF_ID_INVITE_DAYS = env_int("SELF_ID_INVITE_DAYS", 14)
# Unknown, used or expired links asked for from one address before it is refused a while.
SELF_ID_FAILURE_LIMIT = env_int("SELF_ID_FAILURE_LIMIT", 20)

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # httpx logs every request's URL at INFO: a Slack or Teams webhook URL is a secret.
        "httpx": {"level": "WARNING"},
    },
}

# Single sign-on (OpenID Connect) from the environment: providers, claim → group mapping.
from config.sso_settings import *  # noqa: E402, F403
