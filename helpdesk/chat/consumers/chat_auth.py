"""Who is on a chat socket: its identity, and the session and role checks every hop relies on.

``session_user`` is the one full check of a session (``django.contrib.auth.get_user``: the
session row, the user, the password hash and ``is_active``; then two-factor and, for staff,
the roles). ``chat_db.connection_open`` runs it when a socket opens and ``chat_tick.tick``
on a periodic check that found something to look at.
"""

import contextlib
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest

from accounts.audit import acting
from accounts.two_factor import session_satisfies
from helpdesk.access import is_support_staff

# Close codes (docs/protocol.md).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY_CONNECTIONS = 4429
CLOSE_TRY_AGAIN = 1013  # RFC 6455 "Try Again Later": Redis or the database unreachable


@dataclass
class Identity:
    user: object
    as_agent: bool
    language: str
    session_key: str
    remote_addr: str | None = None  # the client's, for the audit log


def audited(ident: Identity):
    """Changes an agent's frame causes (taking a waiting chat) are audited as theirs, from
    their address (accounts.audit); a customer's frame pays nothing for it."""
    if not ident.as_agent:
        return contextlib.nullcontext()
    return acting(user=ident.user, remote_addr=ident.remote_addr)


def session_user(session_key: str | None, user_id: int | None = None):
    """The user of ``session_key`` if it is a valid session (of ``user_id`` when given),
    else None.

    Reads the session afresh and lets ``django.contrib.auth.get_user`` verify the password
    hash and ``is_active``.
    """
    if not session_key:
        return None
    engine = import_module(settings.SESSION_ENGINE)
    request = HttpRequest()
    request.session = engine.SessionStore(session_key)
    user = auth.get_user(request)
    if not user.is_authenticated or (user_id is not None and user.pk != user_id):
        return None
    if not session_satisfies(user, request.session):  # staff who must use 2FA and did not
        return None
    if user.is_staff:
        remember_roles(user)
    return user


def remember_roles(user, names=None) -> None:
    """Answer ``user.has_role`` from one query (or the group ``names`` already read) until the
    next re-check.

    ``is_agent`` and ``is_manager`` each query the groups, and ``visible_conversations`` asks
    both for every frame of an agent. A socket re-reads its user (and so its roles) on every
    periodic check and at once on a role change (``user.recheck``), so the answer is never
    older than ``CHAT_HEARTBEAT_SECONDS``: the same bound as the session check.
    """
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
    user.has_role = names.__contains__  # shadows the method on this instance only


def role_close_code(user, as_agent: bool) -> int | None:
    """Staff must hold the agent or manager role; agents must stay staff."""
    if user.is_staff:
        return None if is_support_staff(user) else CLOSE_FORBIDDEN
    return CLOSE_FORBIDDEN if as_agent else None
