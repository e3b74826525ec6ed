"""A lost database connection answers 503 "try again", not 500 "our bug".

PostgreSQL restarting, a failover, a proxy or the server cutting connections: the
request that held one fails with OperationalError or InterfaceError, wherever it was
(the session's read in a middleware, the autosave's write in the view). Nothing was
written (the statement or its transaction did not complete), so trying again is
right. This is Django's handler500 (config/urls.py), which runs for every uncaught
exception, in middleware too (a view decorator would miss the session read): for a
connection error it closes the broken connection, so that the next request opens a
fresh one, and answers 503 with Retry-After. The scorecard's script keeps the text
and retries any 5xx (static/js/scorecard.js); a person on a page sees "try again".
"""

import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

CONNECTION_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 2


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 with Retry-After for a lost connection, else Django's own 500."""
    error = sys.exc_info()[1]
    if not isinstance(error, CONNECTION_ERRORS):
        return defaults.server_error(request)
    close_broken_connections()
    # No request context: the context processors would query the database again.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def close_broken_connections() -> None:
    """Close every connection that errored, so that the next query reconnects."""
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
