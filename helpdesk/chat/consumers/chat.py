"""The live chat socket, ``/ws/chat/`` (protocol: docs/protocol.md).

Design, for correctness first and then cost:

- Each socket keeps, per joined conversation, a *cursor*: the highest sequence number it has
  checked against the database. Every delivery reads "visible messages after the cursor up to
  the conversation's last_seq" and moves the cursor there, so messages reach the client exactly
  once and in order whatever the channel layer does: a duplicate hint costs nothing (its seq is
  not above the cursor), a dropped one is repaired by the next hint or the periodic tick.
- Joining adds the socket to the group first, then replays from the database: an event sent
  in between is queued and later skipped by the cursor.
- The socket is a plain ASGI application routed by Channels (origin check, URL router), not a
  Channels consumer with its own channel on the layer: events reach it from its process's hub
  (``helpdesk.chat.consumers.hub``), one channel-layer channel per process, by a method call
  (``on_event``, in ``chat_events``). What can be sent at once is sent at once (the next message of a joined
  conversation, whose frame travels with the event; typing; read receipts); anything that needs
  the database is queued on the socket and handled in order by one task at a time. Output goes
  through ``_out`` (``chat_output``), which never waits for a slow client: a send that cannot
  complete at once finishes in a task and later frames queue behind it, so one client that stops
  reading cannot stall the hub (decision 0016, for the measurements behind this).
- Database work goes through ``chat_db`` on a pool of ``CHAT_DB_THREADS`` threads
  (``chat_runtime._db``), except a text message from a joined socket on PostgreSQL, which
  ``chat_fast`` posts from the event loop in one statement. A socket runs one frame or queued
  event at a time (``self.lock``), so its cursors stay consistent and its frames keep their
  order; between sockets the database decides, as it does between processes.
- The periodic check runs from one timer per process (``chat_runtime.Heartbeats``): every
  second it checks the sockets that are due in one batched database hop
  (``chat_tick.tick_many``); only a socket with something to do (a gap to repair, lost access, a
  session to end) runs its own full ``_tick`` (``chat_tick.tick``).
"""

import asyncio
import json
import logging
import time
from collections import deque

from django.conf import settings

from helpdesk import realtime
from helpdesk.chat.consumers import chat_db, chat_fast, chat_tick
from helpdesk.chat.consumers.chat_auth import CLOSE_TRY_AGAIN, CLOSE_UNAUTHENTICATED, Identity
from helpdesk.chat.consumers.chat_db import FrameError
from helpdesk.chat.consumers.chat_events import HubEvents
from helpdesk.chat.consumers.chat_runtime import _db, db_threads_close, heartbeats
from helpdesk.chat.consumers.hub import hub
from helpdesk.models import Status

logger = logging.getLogger(__name__)

TYPING_INTERVAL = 2.0       # forward at most one typing frame per conversation per interval
VIEWING_INTERVAL = 2.0      # and one unchanged viewing frame (a change of state goes at once)
FRAME_BURST = 60            # frames of any kind per connection per FRAME_WINDOW (token bucket)
FRAME_WINDOW = 10.0
ROTATION_WAIT = 2.0         # how long a socket whose session vanished waits to hear its new key

__all__ = ["ChatConsumer", "db_threads_close"]


class ChatConsumer(HubEvents):
    """One chat socket: an ASGI application instance (see the module docstring); what it does
    with events from the hub is in ``chat_events.HubEvents``."""

    __slots__ = ("scope", "_send", "hub", "ident", "joined", "by_ref", "lock", "typing_sent",
                 "viewing_sent",
                 "tokens", "tokens_at", "pending", "tasks", "counted", "closed", "fast",
                 "events", "backlog", "rotation_deadline")

    @classmethod
    def as_asgi(cls):
        async def app(scope, receive, send):
            await cls(scope, send).run(receive)

        app.consumer_class = cls
        return app

    def __init__(self, scope, send):
        self.scope = scope
        self._send = send
        self.hub = None
        self.ident: Identity | None = None
        self.joined: dict[int, dict] = {}       # conversation id -> {"ref", "cursor", "status"}
        self.by_ref: dict[str, int] = {}
        self.lock = asyncio.Lock()
        self.typing_sent: dict[int, float] | None = None
        self.viewing_sent: dict[int, tuple[bool, float]] | None = None  # id -> (active, when)
        self.tokens = float(FRAME_BURST)
        self.tokens_at = time.monotonic()
        self.pending: set[str] | None = None     # debounced work scheduled
        self.tasks: set[asyncio.Task] | None = None
        self.counted = False
        self.closed = False
        self.fast = False
        self.events: deque | None = None         # events waiting for the lock, in order
        self.backlog: deque | None = None        # output waiting for a slow client
        self.rotation_deadline: float | None = None  # see _await_new_key

    async def run(self, receive) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        try:
            try:
                await self.connect()
            except Exception:
                # Redis (the socket cap, the channel layer) or the database cannot be reached:
                # a close code the client retries on later, not a crashed application.
                logger.warning("chat socket could not be set up; closing with %s",
                               CLOSE_TRY_AGAIN, exc_info=True)
                self._close(CLOSE_TRY_AGAIN)
            while True:
                message = await receive()
                kind = message["type"]
                if kind == "websocket.receive":
                    await self.receive(message.get("text"), message.get("bytes"))
                elif kind == "websocket.disconnect":
                    break
        finally:
            await self.disconnect()

    # --- lifecycle ------------------------------------------------------------------------

    async def connect(self) -> None:
        self.hub = hub()
        self.fast = chat_fast.enabled()
        await self._send({"type": "websocket.accept"})
        session_key = self.scope.get("session_key")  # consumers.session.SessionKeyMiddleware
        if not session_key:
            self._close(CLOSE_UNAUTHENTICATED)
            return
        ident, code = await _db(chat_db.connection_open)(session_key=session_key,
                                                         origin=self.hub.origin)
        if ident is None:
            self._close(code)
            return
        self.ident = ident
        ident.remote_addr = (self.scope.get("client") or (None,))[0]  # for the audit log
        self.counted = True
        await self.hub.join(realtime.user_group(ident.user.pk), self)
        if ident.as_agent:
            await self.hub.join(realtime.AGENTS_GROUP, self)
        self.push_json({
            "type": "hello", "user": {"id": ident.user.pk, "name": ident.user.get_short_name(),
                                      "role": "agent" if ident.as_agent else "customer"},
            "heartbeat": settings.CHAT_HEARTBEAT_SECONDS,
            "max_frame_bytes": settings.CHAT_MAX_FRAME_BYTES,
        })
        if ident.as_agent:
            self.push_json(await _db(chat_db.inbox)(ident=ident))
        heartbeats().add(self)

    async def disconnect(self) -> None:
        self.closed = True  # debounced work still scheduled finds the socket gone
        heartbeats().discard(self)
        if self.ident is None:
            return
        groups = [realtime.user_group(self.ident.user.pk), realtime.QUEUE_GROUP,
                  realtime.AGENTS_GROUP]
        groups += [realtime.conversation_group(cid) for cid in self.joined]
        for conv_id in list(self.viewing_sent or ()):
            self._viewing_publish(conv_id, active=False)  # gone: the others stop showing it
        for group in groups:
            self.hub.leave(group, self)
        if self.counted:
            self.counted = False
            await _db(chat_db.connection_close)(user_id=self.ident.user.pk,
                                                origin=self.hub.origin)

    # --- client frames ----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.ident is None or self.closed:
            return
        if text_data is None:
            self._error("binary_not_supported")
            return
        now = time.monotonic()
        tokens = min(float(FRAME_BURST),
                     self.tokens + (now - self.tokens_at) * FRAME_BURST / FRAME_WINDOW)
        self.tokens_at = now
        if tokens < 1:
            self.tokens = tokens
            self._error("rate_limited")
            return
        self.tokens = tokens - 1
        limit = settings.CHAT_MAX_FRAME_BYTES
        if len(text_data) * 4 > limit and len(text_data.encode("utf-8", "surrogatepass")) > limit:
            self._error("too_large")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            self._error("invalid_json")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            self._error("invalid_frame")
            return
        handler = self.FRAME_HANDLERS.get(frame["type"])
        if handler is None:
            self._error("unknown_type", frame_type=frame["type"][:40])
            return
        async with self.lock:
            try:
                await handler(self, frame)
            except FrameError as exc:
                self._error(exc.code, exc.message, **exc.extra)
            except Exception:
                logger.exception("chat frame %s failed", frame["type"])
                self._error("server_error", client_id=_str(frame.get("client_id")))

    async def on_ping(self, frame):
        self.push_json({"type": "pong", "conversations": {
            j["ref"]: j["cursor"] for j in self.joined.values()}})

    async def on_join(self, frame):
        last_seq = frame.get("last_seq", 0)
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            raise FrameError("invalid_field", field="last_seq")
        conv_id, ref = await _db(chat_db.authorize)(ident=self.ident,
                                                    reference=frame.get("conversation"))
        # Group first, then replay from the database: nothing committed in between is lost.
        await self.hub.join(realtime.conversation_group(conv_id), self)
        if not self.ident.as_agent:
            await self.hub.join(realtime.QUEUE_GROUP, self)
        frames, cursor = await _db(chat_db.replay)(ident=self.ident, conversation_id=conv_id,
                                                   after=last_seq)
        old = self.joined.get(conv_id)
        if old is not None and "gap" in old:
            old["gap"].cancel()  # a sync: the replay covers what it was waiting for
        self.joined[conv_id] = {"ref": ref, "cursor": cursor, "status": frames[0]["status"]}
        self.by_ref[ref] = conv_id
        self.push_json({"type": "joined", "conversation": ref, "last_seq": cursor})
        for f in frames:
            self.push_json(f)

    on_sync = on_join

    async def on_leave(self, frame):
        conv_id = self.by_ref.get(_str(frame.get("conversation")))
        if conv_id is not None:
            self._forget(conv_id)
        self.push_json({"type": "left", "conversation": frame.get("conversation")})

    def _forget(self, conv_id: int) -> dict | None:
        if self.viewing_sent and conv_id in self.viewing_sent:
            self._viewing_publish(conv_id, active=False)
            self.viewing_sent.pop(conv_id, None)
        joined = self.joined.pop(conv_id, None)
        if joined is not None:
            if "gap" in joined:
                joined["gap"].cancel()
            self.by_ref.pop(joined["ref"], None)
            self.hub.leave(realtime.conversation_group(conv_id), self)
            if not self.joined:
                self.hub.leave(realtime.QUEUE_GROUP, self)
        return joined

    async def on_send(self, frame):
        ref = frame.get("conversation")
        conv_id = self.by_ref.get(ref) if isinstance(ref, str) else None
        if conv_id is not None and self.fast and await self._send_fast(conv_id, ref, frame):
            return
        cursor = self.joined[conv_id]["cursor"] if conv_id in self.joined else None
        frames, ack, cursor, conv_id = await _db(chat_db.send)(
            ident=self.ident, reference=ref, body=frame.get("body"),
            client_id=frame.get("client_id"), internal=frame.get("internal", False),
            cursor=cursor,
        )
        joined = self.joined.get(conv_id)
        if joined is not None and cursor is not None:
            joined["cursor"] = max(joined["cursor"], cursor)
        if conv_id is not None and self.typing_sent:
            # The message ends this bout of typing: the next keystroke is announced at once.
            self.typing_sent.pop(conv_id, None)
        for f in frames:
            self.push_json(f)
        if joined is not None:
            self._flush_held(joined)  # frames that arrived early and now follow the cursor
        self.push_json(ack)

    async def _send_fast(self, conv_id: int, ref: str, frame: dict) -> bool:
        """``chat_fast``; False when the general path must answer (it gives every unusual case
        its own error or acknowledgement)."""
        body, client_id = frame.get("body"), frame.get("client_id")
        internal = frame.get("internal", False)
        if (not isinstance(body, str) or not isinstance(client_id, str)
                or not 1 <= len(client_id) <= 64 or not isinstance(internal, bool)
                or (internal and not self.ident.as_agent)):
            return False
        posted = await chat_fast.post(ident=self.ident, conversation_id=conv_id, reference=ref,
                                      body=body, client_id=client_id, internal=internal)
        if posted is None:
            return False
        if self.typing_sent:
            self.typing_sent.pop(conv_id, None)
        joined = self.joined.get(conv_id)
        if joined is not None and posted.seq > joined["cursor"]:
            # If others wrote in between, their frames are on their way: ours waits for them.
            self._offer(conv_id, joined, posted.seq,
                        json.dumps(posted.frame, separators=(",", ":")))
        event = {"type": "conversation.message", "conversation": conv_id, "seq": posted.seq,
                 "id": posted.id, "internal": not posted.public}
        if posted.public:
            event["frame"] = posted.frame
        group = realtime.conversation_group(conv_id)
        self.hub.deliver(group, event, skip=self)
        self.push_json({"type": "ack", "conversation": ref, "client_id": client_id,
                        "id": posted.id, "seq": posted.seq})
        self.hub.send_remote(group, event)
        if posted.public and (
                (self.ident.as_agent and posted.status == Status.WAITING
                 and posted.assignee_id is None)
                or (not self.ident.as_agent and posted.status == Status.PENDING)):
            await _db(chat_db.after_post)(ident=self.ident, conversation_id=conv_id)
        return True

    async def on_typing(self, frame):
        ref = frame.get("conversation")
        conv_id = self.by_ref.get(ref) if isinstance(ref, str) else None
        now = time.monotonic()
        sent = self.typing_sent or {}
        if conv_id is not None and now - sent.get(conv_id, 0) < TYPING_INTERVAL:
            return  # throttled: nothing to authorize, nothing sent
        joined = self.joined.get(conv_id)
        if joined is None or joined.get("verify"):
            # Not joined, or its access is in question: ask the database (as for every frame
            # about a conversation the socket does not hold verified).
            conv_id, ref = await _db(chat_db.authorize)(ident=self.ident, reference=ref)
        if self.typing_sent is None:
            self.typing_sent = {}
        self.typing_sent[conv_id] = now
        self.hub.publish(realtime.conversation_group(conv_id), {
            "type": "conversation.typing", "conversation": conv_id,
            "user_id": self.ident.user.pk, "name": self.ident.user.get_short_name(),
            "role": "agent" if self.ident.as_agent else "customer",
        }, skip=self)

    async def on_viewing(self, frame):
        """An agent has a joined conversation open (``active`` true, repeated while it stays
        open) or closed it (false). Forwarded to the conversation's other agents only; a
        customer may not send it and never receives one (``chat_events``)."""
        if not self.ident.as_agent:
            raise FrameError("forbidden")
        active = frame.get("active", True)
        if not isinstance(active, bool):
            raise FrameError("invalid_field", field="active")
        ref = frame.get("conversation")
        conv_id = self.by_ref.get(ref) if isinstance(ref, str) else None
        if conv_id is None:
            raise FrameError("not_found")  # join first: presence is about an open conversation
        now = time.monotonic()
        last = (self.viewing_sent or {}).get(conv_id)
        if last is not None and last[0] == active and now - last[1] < VIEWING_INTERVAL:
            return  # throttled: nothing to authorize, nothing sent
        if self.joined[conv_id].get("verify"):
            # Its access is in question: ask the database, as for typing.
            conv_id, ref = await _db(chat_db.authorize)(ident=self.ident, reference=ref)
        if self.viewing_sent is None:
            self.viewing_sent = {}
        if active:
            self.viewing_sent[conv_id] = (True, now)
        else:
            self.viewing_sent.pop(conv_id, None)
        self._viewing_publish(conv_id, active=active)

    def _viewing_publish(self, conv_id: int, *, active: bool) -> None:
        self.hub.publish(realtime.conversation_group(conv_id), {
            "type": "conversation.viewing", "conversation": conv_id,
            "user_id": self.ident.user.pk, "name": self.ident.user.get_short_name(),
            "active": active,
        }, skip=self)

    async def on_read(self, frame):
        await _db(chat_db.read)(ident=self.ident, reference=frame.get("conversation"),
                                seq=frame.get("seq"))

    FRAME_HANDLERS = {
        "ping": on_ping, "join": on_join, "sync": on_sync, "leave": on_leave, "send": on_send,
        "typing": on_typing, "read": on_read, "viewing": on_viewing,
    }

    # --- the periodic check -----------------------------------------------------------------

    async def _tick(self) -> None:
        if self.ident is None or self.closed:
            return
        async with self.lock:
            cursors = {cid: j["cursor"] for cid, j in self.joined.items()}
            checked_key = self.ident.session_key
            try:
                result = await _db(chat_tick.tick)(ident=self.ident, cursors=cursors)
            except Exception:
                logger.exception("chat tick failed")
                return
            if result.close_code and result.rotating and self._await_new_key(checked_key):
                return
            self.rotation_deadline = None
            if result.close_code:
                logger.info("closing chat socket of user %s: %s", self.ident.user.pk,
                            result.close_code)
                self._close(result.close_code)
                return
            for conv_id in result.lost:
                self._lost(conv_id)
            for f in result.frames:
                self.push_json(f)
            for conv_id, cursor in result.cursors.items():
                joined = self.joined.get(conv_id)
                if joined is not None:
                    joined["cursor"] = max(joined["cursor"], cursor)
                    self._flush_held(joined)
            self.push_json({"type": "heartbeat", "conversations": result.latest})


    def _await_new_key(self, checked_key: str) -> bool:
        """Whether to keep a socket whose session failed its check open a little longer: its
        user is active, so the session may be moving to a new key (``helpdesk.sessions``: a
        password change in this very browser), announced once its request is done. The socket
        re-checks with the new key when it hears of it, or once more after ``ROTATION_WAIT``."""
        if self.ident.session_key != checked_key:  # heard of it during this check
            self.spawn(self._tick())
            return True
        now = time.monotonic()
        if self.rotation_deadline is None:
            self.rotation_deadline = now + ROTATION_WAIT
            asyncio.get_running_loop().call_later(ROTATION_WAIT, self._recheck_if_open)
            return True
        return now < self.rotation_deadline

    def _recheck_if_open(self) -> None:
        if not self.closed:
            self.spawn(self._tick())


def _str(value) -> str | None:
    return value if isinstance(value, str) else None
