"""The production settings plus the bench's floor endpoint (bench/urls.py); never deployed.

Only ROOT_URLCONF differs, so the floor endpoint runs behind exactly the same middleware,
sessions and authentication as the endpoints it is the floor for.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
