"""The periodic check of chat sockets: each socket's own (``tick``) and many at once
(``tick_many``, run by the heartbeat timer of ``chat_runtime.Heartbeats``)."""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare

from helpdesk.access import visible_conversations, visible_in_memory, visible_messages_q
from helpdesk.chat.consumers.chat_auth import (
    CLOSE_UNAUTHENTICATED,
    Identity,
    remember_roles,
    role_close_code,
    session_user,
)
from helpdesk.chat.consumers.chat_db import deliver_upto
from helpdesk.models import Conversation, Message, Team
from helpdesk.selectors import latest_visible_seq
from helpdesk.services.assignment import agent_seen, presence_touch


@dataclass
class Tick:
    close_code: int | None = None
    rotating: bool = False  # 4401, but the user is active: its session may be getting a new key
    user: object = None
    lost: list[int] = field(default_factory=list)
    frames: list[dict] = field(default_factory=list)
    cursors: dict[int, int] = field(default_factory=dict)
    latest: dict[str, int] = field(default_factory=dict)


def tick(*, ident: Identity, cursors: dict[int, int]) -> Tick:
    """The periodic check: the session and role are still valid; every joined conversation is
    still visible; anything the channel layer dropped is delivered now; the heartbeat's
    latest sequence numbers."""
    result = Tick()
    fresh = session_user(ident.session_key, ident.user.pk)
    if fresh is None:
        result.close_code = CLOSE_UNAUTHENTICATED
        result.rotating = type(ident.user)._default_manager.filter(
            pk=ident.user.pk, is_active=True).exists()
        return result
    code = role_close_code(fresh, ident.as_agent)
    if code:
        result.close_code = code
        return result
    result.user = fresh
    ident.user = fresh
    if ident.as_agent:
        agent_seen(agent_id=fresh.pk)
    if not cursors:
        return result
    with translation.override(ident.language):
        visible = {
            c.pk: c for c in visible_conversations(user=fresh).filter(pk__in=list(cursors))
            .select_related("assignee")
        }
        for conv_id, cursor in cursors.items():
            conv = visible.get(conv_id)
            if conv is None:
                result.lost.append(conv_id)
                continue
            frames, result.cursors[conv_id] = deliver_upto(ident, conv, cursor)
            result.frames.extend(frames)
            result.latest[conv.reference] = latest_visible_seq(conversation=conv,
                                                               as_agent=ident.as_agent)
    return result


@dataclass
class Quiet:
    """A batched check found nothing to do but send the heartbeat."""
    user: object
    latest: dict[str, int]


@functools.cache
def _database_sessions(engine: str) -> bool:
    """Whether ``engine`` keeps sessions in the ``Session`` table (``tick_many`` reads it)."""
    from django.contrib.sessions.backends.db import SessionStore

    return issubclass(import_module(engine).SessionStore, SessionStore)


def _model_backends() -> set[str]:
    from django.contrib.auth.backends import ModelBackend
    from django.utils.module_loading import import_string

    return {path for path in settings.AUTHENTICATION_BACKENDS
            if issubclass(import_string(path), ModelBackend)}


_USER_COLUMNS = ("pk", "password", "is_active", "is_staff", "full_name", "email")


def _decoded_session(data: str) -> dict:
    """A session row's data, decoded (and its signature checked) once per distinct value:
    an idle socket's session does not change between checks. Callers only read it."""
    return _decode_session(data, settings.SECRET_KEY)


@functools.lru_cache(maxsize=20_000)
def _decode_session(data: str, _secret: str) -> dict:
    return import_module(settings.SESSION_ENGINE).SessionStore().decode(data)


def _auth_hash(password: str) -> str:
    """``get_session_auth_hash`` of a user with this password hash, computed once each."""
    return _session_auth_hash(password, settings.SECRET_KEY)


@functools.lru_cache(maxsize=20_000)
def _session_auth_hash(password: str, _secret: str) -> str:
    from django.contrib.auth import get_user_model

    return get_user_model()(password=password).get_session_auth_hash()


def tick_many(*, items: list[tuple[Identity, dict[int, int]]]) -> list[Quiet | None]:
    """The periodic check of many sockets in a few queries (not a few per socket).

    For each (identity, cursors) it returns ``Quiet`` when the socket's session is still that
    user's with the same password hash (what ``auth.get_user`` verifies), the user is active,
    a staff user still holds the agent or manager role, every joined conversation is still
    visible to them (``access.visible_in_memory``, the rule of ``visible_conversations``) and
    nothing was committed past a cursor; the caller then only sends the heartbeat. Anything
    else gets None: the caller runs that socket's own ``tick`` (which delivers, closes,
    reports lost access, or lets ``auth.get_user`` flush a stale session), so the outcome is
    the same as checking each socket on its own. Agents' presence is recorded for the quiet
    ones in one statement (``assignment.presence_touch``).

    Why not ``auth.get_user`` per socket, as ``tick`` does: it reads the session row and the
    user row of one socket per call, two queries (and a session decode and a password-hash
    HMAC) per idle socket and check: 10,000 idle sockets every ``CHAT_HEARTBEAT_SECONDS`` (40)
    would cost 500 queries a second, against the idle budget of 5 % of a core (decision 0023).
    This reads all the due sockets' sessions and users in one query each and checks the same
    things ``get_user`` checks (the backend is a model backend, the session's user id, the
    session's hash against the user's password hash in constant time, ``is_active``); it never
    decides alone that a socket fails: any doubt goes to ``tick``, that is to ``get_user``.
    """
    from django.contrib.auth import get_user_model

    results: list[Quiet | None] = [None] * len(items)
    if not _database_sessions(settings.SESSION_ENGINE):
        return results
    todo = [(n, ident, cursors) for n, (ident, cursors) in enumerate(items) if ident.session_key]
    if not todo:
        return results
    sessions = {
        key: _decoded_session(data) for key, data in Session.objects.filter(
            session_key__in={ident.session_key for _, ident, _ in todo},
            expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    }
    user_model = get_user_model()
    # The columns a socket's user depends on, not model instances: a socket whose user row
    # is unchanged keeps its user object; any change goes to the socket's own full check.
    rows = {row[0]: row for row in user_model._default_manager.filter(
        pk__in={ident.user.pk for _, ident, _ in todo}).values_list(*_USER_COLUMNS)}
    staff = {pk for pk, row in rows.items() if row[3]}
    roles: dict[int, set] = defaultdict(set)
    teams: dict[int, set] = defaultdict(set)
    if staff:
        for user_id, name in user_model.groups.through.objects.filter(
                user_id__in=staff).values_list("user_id", "group__name"):
            roles[user_id].add(name)
        for user_id, team_id in Team.members.through.objects.filter(
                user_id__in=staff).values_list("user_id", "team_id"):
            teams[user_id].add(team_id)
    conv_ids = {cid for _, _, cursors in todo for cid in cursors}
    latest_public = (Message.objects.filter(visible_messages_q(as_agent=False),
                                            conversation=OuterRef("pk"))
                     .order_by("-seq").values("seq")[:1])
    convs = {
        row[0]: row for row in Conversation.objects.filter(pk__in=conv_ids).annotate(
            latest=Subquery(latest_public)).values_list(
            "pk", "customer_id", "assignee_id", "team_id", "reference", "last_seq", "latest")
    } if conv_ids else {}
    backends = _model_backends()
    seen_agents: list[int] = []
    for n, ident, cursors in todo:
        data, row, user = sessions.get(ident.session_key), rows.get(ident.user.pk), ident.user
        if (data is None or row is None
                or row != tuple(getattr(user, c) for c in _USER_COLUMNS)
                or bool(user.is_staff) != ident.as_agent):
            continue
        backend = data.get(BACKEND_SESSION_KEY)
        if (backend not in backends or str(data.get(SESSION_KEY)) != str(user.pk)
                or not user.is_active):
            continue
        session_hash = data.get(HASH_SESSION_KEY)
        if not session_hash or not constant_time_compare(session_hash,
                                                         _auth_hash(user.password)):
            continue
        if user.is_staff:
            remember_roles(user, roles[user.pk])
            if role_close_code(user, ident.as_agent):
                continue
        latest = {}
        for cid, cursor in cursors.items():
            conv = convs.get(cid)
            if conv is None or conv[5] > cursor or not visible_in_memory(
                    user=user, customer_id=conv[1], assignee_id=conv[2], team_id=conv[3],
                    team_ids=teams[user.pk]):
                break
            latest[conv[4]] = conv[5] if ident.as_agent else (conv[6] or 0)
        else:
            if ident.as_agent:
                seen_agents.append(user.pk)
            results[n] = Quiet(user, latest)
    presence_touch(agent_ids=seen_agents)
    return results
