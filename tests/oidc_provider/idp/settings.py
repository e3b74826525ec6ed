"""A tiny OpenID Connect provider (django-oauth-toolkit) for Loopwright's single sign-on tests.

Never a production identity provider: its own SQLite file and RSA key come from the
environment the test fixture sets (IDP_DATA_DIR holds both), DEBUG off, no static files.
"""

import os
from pathlib import Path

DATA_DIR = Path(os.environ["IDP_DATA_DIR"])

SECRET_KEY = "test-identity-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "idp.urls"
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "idp",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "idp.sqlite3",
        "OPTIONS": {"timeout": 20},
    }
}
# Loopwright runs on the same host (127.0.0.1, another port): cookies ignore ports, so
# the provider's own names keep the two sessions apart.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
LOGIN_URL = "/login/"
# Fast password hashing: test users only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": (DATA_DIR / "oidc.key").read_text(),
    "OAUTH2_VALIDATOR_CLASS": "idp.validators.GroupsValidator",
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Your name, username and groups",
        "email": "Your email address",
    },
}
