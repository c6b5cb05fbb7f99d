"""503 instead of 500 while the database cannot be reached (``handler500`` in helpdesk.urls).

Django sends every uncaught exception, from a view or from any middleware (the session and the
user are looked up in middleware), to the 500 handler with the exception still being handled.
When that exception says the database is unavailable, the page is a 503 with ``Retry-After``:
nothing is wrong with the request, and trying again later will work. The page is rendered
without the request (no session, user, messages or CSRF token: each of those is a database
read), in the language of the request's cookie or ``Accept-Language``. ``/healthz`` keeps its
JSON and names the part that is down. With DEBUG on, Django shows its technical page instead.
"""

import logging
import sqlite3
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.defaults import server_error as django_server_error

from helpdesk.healthz import healthz

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait. Long enough for a restarted PostgreSQL to accept again or a
# burst to drain; short enough that a person retrying by hand is not sent away for long.
RETRY_AFTER_SECONDS = 10

# SQLite reports a missing table or a syntax error as OperationalError too: there only these
# mean the file cannot be used right now (unreadable, gone with its folder, a full or failing
# disk, another writer past the busy timeout).
SQLITE_UNAVAILABLE = ("unable to open database file", "database is locked", "disk i/o error",
                      "attempt to write a readonly database", "database or disk is full")


try:  # psycopg's own, raised by code that talks to it directly (the chat's fast path)
    import psycopg

    _POSTGRES_UNAVAILABLE: tuple = (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # the embedded default needs no psycopg
    _POSTGRES_UNAVAILABLE = ()


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot serve requests right now.

    On PostgreSQL that is psycopg's OperationalError, wrapped by Django: the server refused or
    dropped the connection, has no connection slot left, is shutting down, or the pool had no
    connection free within ``DATABASE_POOL_TIMEOUT`` (``PoolTimeout`` is one); and a connection
    found closed (InterfaceError).
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, sqlite3.Error):
            message = str(exc).lower()
            return isinstance(exc, sqlite3.OperationalError) and any(
                text in message for text in SQLITE_UNAVAILABLE)
        cause = exc.__cause__
        if isinstance(exc, _POSTGRES_UNAVAILABLE):
            return True
        if isinstance(exc, (OperationalError, InterfaceError)) and not isinstance(
            cause, sqlite3.Error
        ):
            return True
        exc = cause or exc.__context__
    return False


def _healthz_path() -> str | None:
    try:
        return reverse("healthz")
    except NoReverseMatch:  # a URLconf without it (tests)
        return None


def server_error(request, *args, **kwargs):
    """Django's 500 page, or a 503 when the exception being handled is the database's."""
    if not database_unavailable(sys.exc_info()[1]):
        return django_server_error(request, *args, **kwargs)
    if request.path == _healthz_path():
        # Failed in middleware before the view ran: run the checks here, without a session.
        response = healthz(request)
    else:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
            response["Content-Language"] = language
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
