"""The chat's hot path on PostgreSQL: a text message from a socket that joined its conversation.

Everything else (the embedded SQLite default, attachments, a resend, a closed chat, a reply that
emails, any error) goes the general way (``chat_db.send`` through ``message_post``), which
is also what this path falls back to whenever its one statement does not return a row.

Why a second path (decisions 0014, 0018 and 0019): through the
general path a message cost about 3.5 ms of server CPU, more than half of it in handing the work
to a database thread and back (asgiref's hop, Django's cursor wrappers and client-side parameter
quoting, ``close_old_connections`` twice), all under the GIL the event loop needs too. Here the
event loop itself runs one statement on an asynchronous psycopg connection of a small per-loop
pool: the visibility check (``access.visible_conversations``, compiled by the ORM once per kind
of user), the rate limit (``selectors.recent_messages_of`` over ``selectors.rate_window``, the
queryset ``selectors.over_rate_limit`` counts, compiled once; an index), whether the message
would leave as an email (``messages.emailed_channels``: then the general path sends it, with its
outbox row), the row lock and the sequence number (``UPDATE ... RETURNING``) and the insert, in
one implicit transaction, committed before it returns (so the acknowledgement still follows the
commit, and a reused client id undoes the increment). The caller then broadcasts the message
with its frame, so receivers in the conversation send it without reading the database
(``ChatConsumer._event_now``). The rate limit used to be a Redis counter: its round trip cost a
quarter of the server's CPU per message.

Conversations whose state a message changes (an agent answering an unassigned waiting chat, a
customer answering a "waiting for customer" one) get that change through the services
afterwards, as ``chat_message_send`` does after ``message_post``.

Every rule in the statement comes from the core's own definition, so the two paths cannot
drift: tests/chat/test_chat_paths.py posts the same sequence through both and compares the rows
written and the frames each client receives.
"""

import asyncio
import logging
import threading
import weakref
from collections import deque
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import connections
from django.utils import timezone

from helpdesk import sla
from helpdesk.access import message_kind_visible, visible_conversations
from helpdesk.chat.consumers.chat_auth import Identity
from helpdesk.chat.consumers.chat_statements import compile_marked, shape_key
from helpdesk.chat.consumers.loops import per_loop
from helpdesk.models import CLOSED_STATUSES, AuthorRole, MessageKind
from helpdesk.selectors import rate_window, recent_messages_of
from helpdesk.services.messages import (
    MAX_BODY_LENGTH,
    emailed_channels,
    message_frame,
    text_storable,
)

logger = logging.getLogger(__name__)

POOL_WARM = 4   # opened at server start-up (never more than the pool's CHAT_FAST_POOL_SIZE)

# The live SLA's due time, the same SET clause as the general path's (helpdesk.sla.due_sql):
# its values are computed in Python before the statement (``sla.due_values_cached``).
_DUE_SQL, _DUE_NAMES = sla.due_sql("c", lambda name: "%s")
# Built from constants (no input reaches the SQL text; values are parameters).
_POST_SQL = """WITH u AS (
    UPDATE helpdesk_conversation c SET last_seq = c.last_seq + 1, updated_at = %s,
        first_response_at = CASE WHEN %s AND c.first_response_at IS NULL THEN %s
                                 ELSE c.first_response_at END, """ + _DUE_SQL + """
    WHERE c.id = %s AND c.id IN ({visible})
      AND (%s OR NOT (c.status = ANY(%s)))
      AND NOT (c.channel = ANY(%s))
      AND (SELECT count(*) FROM ({recent}) recent) < %s
    RETURNING c.last_seq, c.status, c.assignee_id)
INSERT INTO helpdesk_message (conversation_id, seq, author_id, author_role, kind, body,
                              client_id, event, created_at, read_at)
SELECT %s, u.last_seq, %s, %s, %s, %s, %s, '', %s, NULL FROM u
RETURNING id, seq, (SELECT status FROM u), (SELECT assignee_id FROM u)"""  # noqa: S608


@dataclass(frozen=True)
class Posted:
    id: int
    seq: int
    status: str
    assignee_id: int | None
    frame: dict
    public: bool  # a customer may see it (``access.message_kind_visible``)


def enabled(alias: str = "default") -> bool:
    # From the settings, not ``connections[alias]``: in the event loop that handle is local to
    # the calling task, so asking it on every connect built a DatabaseWrapper per socket.
    return settings.CHAT_FAST_PATH and "postgresql" in connections.settings[alias]["ENGINE"]


# --- the connection pool ----------------------------------------------------------------------

class _Pool:
    """A few ``AsyncConnection``s (autocommit) for one event loop. A connection that failed is
    discarded.

    Why not psycopg_pool's ``AsyncConnectionPool`` (3.3.3, the version pinned for Django's pool,
    decisions 0027 and 0028), checked for issue 13: it is first in, first out as this one must
    be (decision 0019): ``getconn`` queues a caller in the ``_waiting`` deque when no connection
    is idle, and a returned connection goes to ``_waiting.popleft()`` under the pool's lock,
    so a newcomer never overtakes a waiter (and a measurement of 64 waiters on 4 connections
    got them in arrival order with both pools). But:

    - it costs more CPU where the fast path is tight: borrowing, one ``SELECT``, returning, 64
      concurrent callers on 4 connections, 2026-12-07 on the shared 2-core machine (noisy,
      three alternating runs each): this pool 159-258 us of client CPU a borrow, psycopg_pool
      312-407 us (its lock taken twice, the reset and stats on every return); one caller at a
      time 113-203 against 177-192 us. The whole fast path costs about 520 us a message.
    - it belongs to one event loop and runs worker tasks there (three, plus its scheduler): a
      loop that ends first leaves them pending ("Task was destroyed but it is pending"), and
      its ``close()`` must be awaited on that loop. This pool is closed from any thread after
      its loop is gone (``close_all``: a test database cannot be dropped while a connection is
      open; every ``async_to_sync`` call in the tests runs a loop of its own).
    """

    def __init__(self, params: dict, size: int):
        self.params = params
        self.size = size
        self.idle: deque = deque()
        self.opened = 0
        self.waiters: deque[asyncio.Future] = deque()
        self.all: weakref.WeakSet = weakref.WeakSet()

    async def get(self) -> psycopg.AsyncConnection:
        """A connection; waiting callers are served first come, first served (``put`` hands a
        connection straight to the oldest waiter: a newcomer never overtakes them, which under
        load had left some sends waiting for hundreds of milliseconds)."""
        while True:
            if self.idle:
                return self.idle.pop()  # idle only while nobody waits (see put)
            if self.opened < self.size:
                self.opened += 1
                try:
                    conn = await psycopg.AsyncConnection.connect(autocommit=True, **self.params)
                except BaseException:
                    self.opened -= 1
                    raise
                self.all.add(conn)
                return conn
            waiter = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            try:
                conn = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                    self.put(waiter.result(), True)  # handed over as we were cancelled
                raise
            if conn is not None:
                return conn
            # None: a failed connection freed a slot; open one on the next turn.

    def put(self, conn, ok: bool) -> None:
        if ok and not conn.closed:
            handed = conn
        else:
            self.opened -= 1
            _finish(conn)
            handed = None
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(handed)
                return
        if handed is not None:
            self.idle.append(handed)

    def warm(self, n: int) -> None:
        """Open up to ``n`` connections in the background, so the first messages after a start
        do not wait for connections to open (tens of milliseconds each, under load)."""
        while self.opened < min(n, self.size):
            self.opened += 1
            asyncio.get_running_loop().create_task(self._open_idle())

    async def _open_idle(self) -> None:
        try:
            conn = await psycopg.AsyncConnection.connect(autocommit=True, **self.params)
        except Exception:
            self.opened -= 1
            logger.warning("chat fast path: opening a connection failed", exc_info=True)
            return
        self.all.add(conn)
        self.put(conn, True)

    def close(self) -> None:
        for conn in list(self.all):
            _finish(conn)
        self.idle.clear()
        self.opened = 0


def _finish(conn) -> None:
    try:
        conn.pgconn.finish()  # synchronous: works without the connection's event loop
    except Exception:  # noqa: S110 - closing a connection that is already gone
        pass


_all_pools: "weakref.WeakSet[_Pool]" = weakref.WeakSet()
_lock = threading.Lock()


def _params(alias: str) -> dict:
    params = connections[alias].get_connection_params()
    params.pop("context", None)         # Django's adapters: plain psycopg types suffice here
    params.pop("cursor_factory", None)  # server-side binding, prepared after a few uses
    params.pop("server_side_binding", None)
    # prepare_threshold stays Django's (DATABASE_PREPARED_STATEMENTS): None never prepares.
    return params


def _new_pool() -> _Pool:
    pool = _Pool(_params("default"), max(1, settings.CHAT_FAST_POOL_SIZE))
    with _lock:
        _all_pools.add(pool)
    return pool


_pool = per_loop(_new_pool)  # _pool(): the running event loop's pool


def warm() -> None:
    """Open this event loop's connections ahead of the first messages (server start-up)."""
    if enabled():
        _pool().warm(POOL_WARM)


def close_all() -> None:
    """Close every pool's connections (tests, before the test database is dropped)."""
    with _lock:
        pools = list(_all_pools)
    for pool in pools:
        pool.close()
    _pool.instances.clear()


# --- the statement ----------------------------------------------------------------------------

_visible: dict[tuple, object] = {}
_recent: dict[tuple, object] = {}


def _visible_sql(ident: Identity, conversation_id: int) -> tuple[str, list] | None:
    """``visible_conversations(user).filter(pk=conversation).values("pk")`` as SQL and its
    parameters for this user and conversation; None when the user may see nothing."""
    key = ("default", *shape_key(ident))
    entry = _visible.get(key)
    if entry is None:
        entry = _visible[key] = compile_marked(
            lambda user, m: visible_conversations(user=user).filter(pk=m["conversation"])
            .order_by().values("pk"), ident, "default")
    return entry.bind(conversation=conversation_id, user=ident.user.pk)


def _recent_sql(ident: Identity, since, limit: int) -> tuple[str, list]:
    """``selectors.recent_messages_of`` (the messages the rate limit counts) as SQL and its
    parameters, compiled once per limit (the limit is part of the SQL: ``LIMIT n``)."""
    entry = _recent.get(("default", limit))
    if entry is None:
        entry = _recent[("default", limit)] = compile_marked(
            lambda user, m: recent_messages_of(author_id=m["user"], since=m["since"],
                                               limit=limit),
            ident, "default", required=("user", "since"))
    return entry.bind(user=ident.user.pk, since=since)


async def post(*, ident: Identity, conversation_id: int, reference: str, body: str,
               client_id: str, internal: bool) -> Posted | None:
    """Post a text message in one statement; None when the general path must answer (nothing
    visible, a closed chat, a reply that emails, an empty or too long body, a reused client id,
    a database error, text it cannot store: the general path gives each its own error or
    acknowledgement)."""
    body = body.strip()
    if (not body or len(body) > MAX_BODY_LENGTH or not text_storable(body)
            or not text_storable(client_id)):
        return None
    bound = _visible_sql(ident, conversation_id)
    if bound is None:
        return None
    visible_sql, visible_params = bound
    as_agent = ident.as_agent
    kind = MessageKind.NOTE if internal else MessageKind.MESSAGE
    first = as_agent and not internal
    now = timezone.now()
    role = AuthorRole.AGENT if as_agent else AuthorRole.CUSTOMER
    due = sla.due_values_cached(author_role=role, kind=kind, now=now)
    if due is None:  # the schedule is not loaded yet: the general path loads it
        return None
    since, limit = rate_window(now=now)
    recent_sql, recent_params = _recent_sql(ident, since, limit)
    params = [now, first, now, *(due[name] for name in _DUE_NAMES), conversation_id,
              *visible_params,
              internal, [str(s) for s in CLOSED_STATUSES],
              emailed_channels(author_role=role, kind=kind), *recent_params, limit,
              conversation_id, ident.user.pk, str(role), str(kind), body, client_id, now]
    pool = _pool()
    conn = await pool.get()
    ok = False
    try:
        cur = await conn.execute(_POST_SQL.format(visible=visible_sql, recent=recent_sql),
                                 params)
        row = await cur.fetchone()
        ok = True
    except psycopg.errors.UniqueViolation:
        ok = True  # a resend: the statement rolled back; the general path finds the first one
        return None
    except psycopg.Error:
        logger.warning("chat fast path: statement failed; the general path answers",
                       exc_info=True)
        return None
    finally:
        pool.put(conn, ok)
    if row is None:
        return None
    message_id, seq, status, assignee_id = row
    frame = {"type": "message", **message_frame(
        id=message_id, seq=seq, reference=reference, author_role=str(role),
        author_name=ident.user.get_short_name(), kind=str(kind), event="", body=body,
        client_id=client_id, created_at=now, attachments=[])}
    return Posted(message_id, seq, status, assignee_id, frame,
                  message_kind_visible(kind=kind, as_agent=False))
