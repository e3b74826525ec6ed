"""Loaded with -p before pytest-django reads the settings: the test run's environment.

Tests run on the embedded defaults unless DATABASE_URL / REDIS_URL say otherwise;
they need a secret key that settings accept with DEBUG off.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use")
os.environ.setdefault("LOOPWRIGHT_LOCAL", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
