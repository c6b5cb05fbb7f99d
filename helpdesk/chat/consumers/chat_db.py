"""The database side of the chat socket: one synchronous function per round trip.

The consumer (``helpdesk.chat.consumers.chat``) calls each of these through
``database_sync_to_async`` exactly once per frame or event that needs the database, so a frame
costs one hop to the database thread, not several. Every function that touches a conversation
authorizes through ``helpdesk.access`` again: a socket never keeps a permission it lost.
"""

import contextlib
import copy
import functools
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.models import Session
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare

from accounts.audit import acting
from accounts.two_factor import session_satisfies
from helpdesk.access import NotFound, access_conversation, visible_conversations, visible_in_memory
from helpdesk.chat.consumers import caps
from helpdesk.chat.selectors import read_marks
from helpdesk.chat.services import conversation_read
from helpdesk.models import (
    AgentPresence,
    Attachment,
    Conversation,
    Message,
    MessageKind,
    Status,
    Team,
)
from helpdesk.selectors import inbox_counts, latest_visible_seq, messages_visible_to
from helpdesk.services import conversations as conv_services
from helpdesk.services import messages as msg_services
from helpdesk.services.assignment import agent_seen
from helpdesk.services.queue import queue_info

# Close codes (docs/protocol.md).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY_CONNECTIONS = 4429
CLOSE_TRY_AGAIN = 1013  # RFC 6455 "Try Again Later": Redis or the database unreachable



class FrameError(Exception):
    """A frame that cannot be served; becomes an ``error`` frame, harming nothing else."""

    def __init__(self, code: str, message: str = "", **extra):
        super().__init__(code)
        self.code = code
        self.message = message
        self.extra = extra


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
        _remember_roles(user)
    return user


def _remember_roles(user) -> None:
    """Answer ``user.has_role`` from one query until the next re-check.

    ``is_agent`` and ``is_manager`` each query the groups, and ``visible_conversations`` asks
    both for every frame of an agent. A socket re-reads its user (and so its roles) on every
    periodic check and at once on a role change (``user.recheck``), so the answer is never
    older than ``CHAT_HEARTBEAT_SECONDS``: the same bound as the session check.
    """
    names = set(user.groups.values_list("name", flat=True))
    user.has_role = names.__contains__  # shadows the method on this instance only


def role_close_code(user, as_agent: bool) -> int | None:
    """Staff must hold the agent or manager role; agents must stay staff."""
    if user.is_staff:
        return None if (user.is_agent or user.is_manager) else CLOSE_FORBIDDEN
    return CLOSE_FORBIDDEN if as_agent else None


def connection_open(*, session_key: str | None,
                    origin: str) -> tuple[Identity | None, int | None]:
    """Authenticate a new socket by its session and count it against the per-user cap
    (``caps``; ``origin`` names the server process that holds it)."""
    fresh = session_user(session_key)
    if fresh is None:
        return None, CLOSE_UNAUTHENTICATED
    as_agent = bool(fresh.is_staff)
    code = role_close_code(fresh, as_agent)
    if code:
        return None, code
    if not caps.acquire(user_id=fresh.pk, origin=origin):
        return None, CLOSE_TOO_MANY_CONNECTIONS
    if as_agent:
        agent_seen(agent_id=fresh.pk)
    return Identity(fresh, as_agent, fresh.language, session_key or ""), None


def connection_close(*, user_id: int, origin: str) -> None:
    caps.release(user_id=user_id, origin=origin)


def _state(ident: Identity, conv: Conversation) -> dict:
    info = queue_info(conversation=conv)
    return {
        "type": "state",
        "conversation": conv.reference,
        "status": conv.status,
        "status_display": conv.get_status_display(),
        "assignee": conv.assignee.get_short_name() if conv.assignee_id else "",
        "topic": conv.topic,
        "priority": conv.priority,
        "queue": info.as_dict() if info else None,
        "read": read_marks(conversation=conv),
        "rated": hasattr(conv, "rating") if conv.status in (Status.RESOLVED, Status.CLOSED)
        else False,
    }


def _access(ident: Identity, reference) -> Conversation:
    if not isinstance(reference, str) or not reference or not msg_services.text_storable(
            reference):
        raise FrameError("invalid_field", field="conversation")
    try:
        return access_conversation(user=ident.user, reference=reference)
    except NotFound:
        raise FrameError("not_found", conversation=reference) from None


def _fresh(ident: Identity, conversation_id: int) -> Conversation | None:
    """The conversation if the user may still see it (re-authorization), else None."""
    return (visible_conversations(user=ident.user).filter(pk=conversation_id)
            .select_related("assignee", "customer").first())


def _deliver(ident: Identity, conv: Conversation, cursor: int) -> tuple[list[dict], int]:
    """Frames for every visible message after ``cursor`` up to the conversation's last_seq,
    and the new cursor. ``conv`` was read in this hop, so messages up to its last_seq are
    committed: the cursor may safely move there (notes a customer skips included)."""
    upto = conv.last_seq
    if upto <= cursor:
        return [], cursor
    frames = [
        {"type": "message", **msg_services.message_payload(m, list(m.attachments.all()))}
        for m in messages_visible_to(conversation=conv, as_agent=ident.as_agent,
                                     after_seq=cursor, upto_seq=upto)
    ]
    return frames, upto


def authorize(*, ident: Identity, reference) -> tuple[int, str]:
    """The id and reference of a conversation the user may see; FrameError otherwise."""
    conv = _access(ident, reference)
    return conv.pk, conv.reference


def replay(*, ident: Identity, conversation_id: int, after: int) -> tuple[list[dict], int]:
    """The join replay: ``state``, then every visible message after ``after``."""
    with translation.override(ident.language):
        conv = _fresh(ident, conversation_id)
        if conv is None:
            raise FrameError("not_found")
        frames, cursor = _deliver(ident, conv, max(0, after))
        return [_state(ident, conv), *frames], cursor


_DELIVERY_COLUMNS = ("pk", "seq", "conversation__last_seq", "conversation__reference",
                     "author_role", "author_id", "author__full_name", "author__email", "kind",
                     "event", "body", "client_id", "created_at", "has_attachments",
                     "author__erased_at")


def _row_frames(rows: list[tuple], upto: int) -> list[dict]:
    """Message frames from ``_DELIVERY_COLUMNS`` rows with ``seq <= upto``; attachments are
    loaded (one query) only for the messages that have some."""
    from django.contrib.auth import get_user_model

    short_name = get_user_model().get_short_name
    rows = [r for r in rows if r[1] <= upto]
    files: dict[int, list] = {}
    with_files = [r[0] for r in rows if r[13]]
    if with_files:
        for a in Attachment.objects.filter(message_id__in=with_files).order_by("pk"):
            files.setdefault(a.message_id, []).append(a)
    return [
        {"type": "message", **msg_services.message_frame(
            id=pk, seq=seq, reference=reference, author_role=role,
            # the User's own rule, applied to the columns it reads
            author_name=short_name(SimpleNamespace(full_name=full_name, email=email,
                                                   erased_at=erased_at))
            if author_id is not None else "",
            kind=kind, event=event, body=body, client_id=client_id, created_at=created_at,
            attachments=files.get(pk, []))}
        for (pk, seq, _last, reference, role, author_id, full_name, email, kind, event, body,
             client_id, created_at, _files, erased_at) in rows
    ]


def _delivery_queryset(user, as_agent: bool, conversation_id: int, cursor: int):
    return (
        messages_visible_to(conversation=conversation_id, as_agent=as_agent, after_seq=cursor)
        .filter(conversation__in=visible_conversations(user=user).values("pk"))
        .select_related(None).prefetch_related(None)
        .annotate(has_attachments=Exists(Attachment.objects.filter(message=OuterRef("pk"))))
        .values_list(*_DELIVERY_COLUMNS)
    )


# Stand-ins for the inputs of a statement while it is compiled once (in the range of every
# integer column and positive, so no lookup on an unsigned column drops them).
_MARKS = {2_000_000_011: "conversation", 2_000_000_013: "cursor", 2_000_000_017: "user"}
_statements = threading.local()


def shape_key(ident: Identity) -> tuple:
    """What ``visible_conversations`` and ``messages_visible_to`` branch on: agent or customer,
    and the user's active, staff and role flags. Statements are compiled once per shape."""
    user = ident.user
    key = (ident.as_agent, user.is_active, user.is_staff)
    if user.is_staff:
        key += (user.is_manager, user.is_agent)
    return key


@dataclass
class Marked:
    """An ORM statement compiled once with stand-in values, whose parameter positions are
    filled per call (``bind``); ``sql`` is None when the user may see nothing at all."""
    sql: str | None
    slots: list
    template: list
    compiler: object

    def bind(self, **values) -> tuple[str, list] | None:
        if self.sql is None:
            return None
        return self.sql, [values[slot] if slot else p
                          for slot, p in zip(self.slots, self.template, strict=True)]


def compile_marked(build, ident: Identity, alias: str, required=("conversation",)) -> Marked:
    """Compile ``build(stand_in_user, marks)`` (a queryset) for users of ``ident``'s shape.

    ``marks`` maps "conversation", "cursor" and "user" to stand-in integers; the statement is
    compiled for a copy of the user with the stand-in id, and the stand-ins' positions among
    the parameters become the slots ``bind`` fills.
    """
    marks = {v: k for k, v in _MARKS.items()}
    stand_in = copy.copy(ident.user)
    stand_in.pk = marks["user"]
    compiler = build(stand_in, marks).query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # the user may see nothing at all
        return Marked(None, [], [], compiler)
    slots = [_MARKS.get(p) if isinstance(p, int) else None for p in params]
    if not set(required) <= set(slots):
        raise RuntimeError("compiled chat statement: a parameter was not found")
    return Marked(sql, slots, list(params), compiler)


def _delivery_rows(ident: Identity, conversation_id: int, cursor: int) -> list[tuple]:
    """The rows of ``_delivery_queryset``, its SQL compiled once per thread and shape.

    Compiling the ORM statement cost about a quarter of the chat's CPU per message. Its shape
    depends only on ``shape_key``; the values (conversation, cursor, user) are parameters.
    Django's converters still run on the rows. tests/chat/test_chat_db.py checks the result
    against a freshly compiled statement for each kind of user.
    """
    key = (connection.alias, *shape_key(ident))
    cache = _statements.__dict__.setdefault("delivery", {})
    entry = cache.get(key)
    if entry is None:
        entry = cache[key] = compile_marked(
            lambda user, m: _delivery_queryset(user, ident.as_agent, m["conversation"],
                                               m["cursor"]),
            ident, connection.alias, required=("conversation", "cursor"))
    bound = entry.bind(conversation=conversation_id, cursor=cursor, user=ident.user.pk)
    if bound is None:
        return []
    with connection.cursor() as cur:
        cur.execute(*bound)
        rows = cur.fetchall()
    return list(entry.compiler.results_iter([rows], tuple_expected=True))


def deliver(*, ident: Identity, conversation_id: int, cursor: int) -> tuple[list[dict], int, bool]:
    """Live delivery after a hint: (frames, new cursor, still allowed).

    One query in the usual case: the visible messages after ``cursor``, restricted to a
    conversation the user may still see (re-authorization), with the conversation joined.
    Its ``last_seq`` comes from the same statement, so every message up to it is committed
    and was read: the cursor may move there. Only when that finds nothing (no access, or
    nothing new) does the conversation get read on its own. Rows are plain tuples of the
    columns a frame shows (no model instances).
    """
    with translation.override(ident.language):
        rows = _delivery_rows(ident, conversation_id, cursor)
        if rows:
            upto = rows[0][2]
            return _row_frames(rows, upto), max(cursor, upto), True
        conv = _fresh(ident, conversation_id)
        if conv is None:
            return [], cursor, False
        frames, cursor = _deliver(ident, conv, cursor)
        return frames, cursor, True


def state(*, ident: Identity, conversation_id: int) -> dict | None:
    with translation.override(ident.language):
        conv = _fresh(ident, conversation_id)
        return _state(ident, conv) if conv is not None else None


def rate_limited(user_id: int) -> bool:
    """True when ``user_id`` already has ``CHAT_RATE_LIMIT`` messages in the last
    ``CHAT_RATE_WINDOW_SECONDS``, from any socket or process: counted from the stored messages
    (an index on author and time), the same rule ``chat_fast`` checks inside its statement. Two
    sends racing at the limit may both pass; the per-socket frame budget bounds the rest."""
    since = timezone.now() - timedelta(seconds=settings.CHAT_RATE_WINDOW_SECONDS)
    limit = settings.CHAT_RATE_LIMIT
    recent = Message.objects.filter(author_id=user_id, created_at__gte=since).values("pk")
    return len(recent[:limit]) >= limit


# ``message_post``'s codes for text it cannot store, and the frame field each is about.
_INVALID_FIELDS = {"invalid_text": "body", "invalid_client_id": "client_id"}


def send(*, ident: Identity, reference, body, client_id, internal: bool,
         cursor: int | None) -> tuple[list[dict], dict, int | None, int]:
    """Post a message; return (message frames up to it, ack, new cursor, conversation id).

    The ack is built after ``message_post`` returned, i.e. after the commit. When the socket
    has joined the conversation (``cursor`` not None) the frames fill the gap up to the new
    message so the sender sees the conversation in order.
    """
    if (not isinstance(client_id, str) or not 1 <= len(client_id) <= 64
            or not msg_services.text_storable(client_id)):
        raise FrameError("invalid_field", field="client_id")
    if not isinstance(body, str):
        raise FrameError("invalid_field", field="body", client_id=client_id)
    if internal and not ident.as_agent:
        raise FrameError("forbidden", client_id=client_id)
    with translation.override(ident.language), audited(ident):
        conv = _access(ident, reference)
        if rate_limited(ident.user.pk):
            raise FrameError("rate_limited", client_id=client_id, conversation=conv.reference)
        try:
            posted = conv_services.chat_message_send(
                conversation=conv, user=ident.user, as_agent=ident.as_agent, body=body,
                client_id=client_id, internal=bool(internal),
            )
        except ValidationError as exc:
            code = exc.code if getattr(exc, "code", None) else "invalid"
            field = _INVALID_FIELDS.get(code)
            if field:  # text the service refused to store (docs/protocol.md: invalid_field)
                code = "invalid_field"
            raise FrameError(code, " ".join(exc.messages), client_id=client_id,
                             conversation=conv.reference, field=field) from None
        message = posted.message
        ack = {"type": "ack", "conversation": conv.reference, "client_id": client_id,
               "id": message.pk, "seq": message.seq}
        frames: list[dict] = []
        if cursor is not None and posted.created and message.seq == cursor + 1:
            # Nothing in between: the frame is the message just written (no attachments yet).
            frames = [{"type": "message", **msg_services.message_payload(message, [])}]
            cursor = message.seq
        elif cursor is not None and message.seq > cursor:
            upto = message.seq
            frames = [
                {"type": "message", **msg_services.message_payload(m, list(m.attachments.all()))}
                for m in messages_visible_to(conversation=conv, as_agent=ident.as_agent,
                                             after_seq=cursor, upto_seq=upto)
            ]
            cursor = upto
        return frames, ack, cursor, conv.pk


def after_post(*, ident: Identity, conversation_id: int) -> None:
    """``chat_message_followup`` for a message ``chat_fast`` posted (it read the status in its
    statement; this reads the conversation again under the services' own rules)."""
    conv = _fresh(ident, conversation_id)
    if conv is not None:
        with audited(ident):
            conv_services.chat_message_followup(conversation=conv, user=ident.user,
                                                as_agent=ident.as_agent)


def read(*, ident: Identity, reference, seq) -> None:
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise FrameError("invalid_field", field="seq")
    conv = _access(ident, reference)
    conversation_read(conversation=conv, user=ident.user,
                                    as_agent=ident.as_agent, seq=seq)


def inbox(*, ident: Identity) -> dict:
    return {"type": "inbox", "counts": inbox_counts(user=ident.user)}


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
            frames, result.cursors[conv_id] = _deliver(ident, conv, cursor)
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
    ones in one statement.
    """
    from collections import defaultdict

    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
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
    latest_public = (Message.objects.filter(conversation=OuterRef("pk"))
                     .exclude(kind=MessageKind.NOTE).order_by("-seq").values("seq")[:1])
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
            user.has_role = roles[user.pk].__contains__  # as _remember_roles does
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
    if seen_agents:
        now = timezone.now()
        present = set(AgentPresence.objects.filter(user_id__in=seen_agents)
                      .values_list("user_id", flat=True))
        AgentPresence.objects.filter(user_id__in=present).update(last_seen_at=now)
        for user_id in set(seen_agents) - present:
            agent_seen(agent_id=user_id, now=now)
    return results
