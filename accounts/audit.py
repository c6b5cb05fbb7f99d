"""Who is acting, from where: the audit log's actor, and explicit audit entries.

Entries are django-auditlog's ``LogEntry`` rows. Changes to the models staff change are
recorded by auditlog's model signals (registered in ``helpdesk.audit``); this module says who
made them and from which address, and records the events that are not a row change (an
export, an admin action, a sign-in to a second factor).

Only staff are audited: a change made while no staff member is acting (a customer's own
request, a Celery task, the chat's assignment run) leaves no entry.

Why not auditlog's own ``AuditlogMiddleware`` and ``set_actor``: the middleware takes the
address from ``X-Forwarded-For``, which any client can send (behind our proxy uvicorn's
``--proxy-headers`` has already put the real one in ``REMOTE_ADDR``); both connect a signal
receiver per request, and ``set_actor`` leaves its context variable set afterwards, so on the
chat's pooled database threads the next caller would inherit the last agent as its actor.
"""

from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import capfirst

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Source:
    """A request (its user is read only when an entry is written) or a known user."""

    request: object = None
    user: object = None
    remote_addr: str | None = None

    def actor(self):
        user = self.user if self.request is None else getattr(self.request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
            return None
        return user

    def address(self) -> str | None:
        if self.request is not None:
            return remote_addr_of(self.request)
        return self.remote_addr


_source: ContextVar[_Source | None] = ContextVar("audit_source", default=None)


def remote_addr_of(request) -> str | None:
    """The client's address as the server saw it (uvicorn's --proxy-headers sets it from a
    trusted proxy's header; a header a client sends itself is never read)."""
    return (request.META.get("REMOTE_ADDR") or "").strip() or None


@contextlib.contextmanager
def acting(*, user, remote_addr: str | None = None):
    """Changes made inside are recorded as ``user``'s from ``remote_addr`` (if ``user`` is
    staff). For work outside a request: the chat socket, a management command."""
    token = _source.set(_Source(user=user, remote_addr=remote_addr))
    try:
        yield
    finally:
        _source.reset(token)


@contextlib.contextmanager
def request_acting(request):
    """Changes made while serving ``request`` are recorded as its user's, if staff."""
    token = _source.set(_Source(request=request))
    try:
        yield
    finally:
        _source.reset(token)


def current_actor():
    """The staff member acting now, or None (nobody is audited then)."""
    source = _source.get()
    return source.actor() if source is not None else None


def current_remote_addr() -> str | None:
    source = _source.get()
    return source.address() if source is not None else None


class AuditMiddleware:
    """Attribute every audited change made during a request to its signed-in staff member and
    the client's address. The user is read only if something is recorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_acting(request):
            return self.get_response(request)


def audit_record(*, actor=None, action: str, target: models.Model | None = None,
                 model: type[models.Model] | None = None, details: dict | None = None,
                 request=None, kind: str = "access"):
    """Write one audit entry for an event that is not a row change (an export, an admin
    action, a second factor set up or reset, an erasure).

    ``action`` names the event ("report.export", "admin.action", ...); ``target`` is the object
    it concerns or ``model`` the kind of objects; ``details`` what else a reader needs (kept as
    JSON). ``actor`` and the address default to those of the request or the acting context.
    ``kind`` is auditlog's action: "access" (read, export), "update", "delete", "create".
    Returns the entry, or None when nobody is acting (nothing to attribute).
    """
    from auditlog.models import LogEntry

    source = _Source(request=request) if request is not None else _source.get()
    if actor is None and source is not None:
        actor = source.actor()
    if actor is None or not getattr(actor, "is_authenticated", False):
        logger.info("audit %s not recorded: nobody is acting", action)
        return None
    model = type(target) if target is not None else model
    if model is None:
        raise ValueError("audit_record needs a target or a model")
    verbose = capfirst(model._meta.verbose_name)
    if target is not None:
        # A number, never the object's text: a customer's name or address in the log would
        # outlive the erasure of their account.
        object_pk, object_repr = str(target.pk), f"{verbose} #{target.pk}"
    else:
        object_pk, object_repr = "", str(capfirst(model._meta.verbose_name_plural))
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_pk=object_pk,
        object_id=target.pk if target is not None and isinstance(target.pk, int) else None,
        object_repr=object_repr,
        action=getattr(LogEntry.Action, kind.upper()),
        changes={},
        actor=actor,
        actor_email=getattr(actor, "email", None),
        remote_addr=source.address() if source is not None else None,
        additional_data={"event": action, **(details or {})},
    )
