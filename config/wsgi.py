"""WSGI entry point: gunicorn imports it in its master before forking (config/gunicorn.conf.py)."""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import the URLconf, and with it every view, once in the master: a freshly forked
# worker then answers its first request as fast as its hundredth.
import_module(settings.ROOT_URLCONF)
# Forked workers must not share a database connection: the master keeps none.
connections.close_all()
