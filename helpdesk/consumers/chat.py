"""The live chat socket, ``/ws/chat/`` (protocol: docs/protocol.md).

Design, for correctness first and then cost:

- Each socket keeps, per joined conversation, a *cursor*: the highest sequence number it has
  checked against the database. Every delivery reads "visible messages after the cursor up to
  the conversation's last_seq" and moves the cursor there, so messages reach the client exactly
  once and in order whatever the channel layer does: a duplicate hint costs nothing (its seq is
  not above the cursor), a dropped one is repaired by the next hint or the periodic tick.
- Joining adds the socket to the group first, then replays from the database: an event sent
  in between is queued and later skipped by the cursor.
- Channel-layer events are hints carrying ids; what is shown is loaded from the database and
  filtered by ``selectors.messages_visible_to`` (customers never get internal notes).
- Database work goes through ``chat_db``: one hop per frame or event, run on a pool of
  ``CHAT_DB_THREADS`` threads (each with its own database connection), not on the single
  thread that ``database_sync_to_async`` shares with all of a process's sockets: a chat
  commits every message, and one thread serialises those commits (each waits for the disk),
  which capped a process at a few dozen messages a second (docs/performance.md, "Live
  chat"). A socket still runs one hop at a time (``self.lock``), so its own frames keep their
  order; between sockets the database decides, as it does between processes.
  ``dispatch`` is overridden so Channels' per-message ``aclose_old_connections`` (a
  second hop for every frame) is not paid: each hop already closes stale connections before
  and after it runs (``DatabaseSyncToAsync.thread_handler``).
- A lock serialises the periodic tick with frame and event handling (cursors are shared).
- The periodic check runs from one timer per process (``Heartbeats``), not one task per
  socket: every second it checks the sockets that are due, customers in one batched database
  hop (``chat_db.tick_many``: a few queries for hundreds of sockets), and only a socket with
  something to do (a gap to repair, lost access, a session to end, an agent) runs its own
  full ``_tick``. With 10,000 open sockets a check per socket cost a core.
"""

import asyncio
import json
import logging
import time

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from helpdesk import realtime
from helpdesk.consumers import chat_db, chat_fast
from helpdesk.consumers.chat_db import FrameError
from helpdesk.consumers.chat_runtime import _db, db_threads_close, heartbeats
from helpdesk.models import Status

logger = logging.getLogger(__name__)

TYPING_INTERVAL = 2.0       # forward at most one typing frame per conversation per interval
FRAME_BURST = 60            # frames of any kind per connection per FRAME_WINDOW
FRAME_WINDOW = 10.0
DEBOUNCE = 0.3              # coalesce queue / inbox recomputation

__all__ = ["ChatConsumer", "db_threads_close"]


class ChatConsumer(AsyncWebsocketConsumer):
    ident: chat_db.Identity | None = None
    closed = False

    async def dispatch(self, message):
        # Channels' AsyncConsumer.dispatch awaits aclose_old_connections() first for every
        # message; see the module docstring for why skipping it is safe here.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- lifecycle ------------------------------------------------------------------------

    async def connect(self):
        self.ident = None
        self.joined: dict[int, dict] = {}       # conversation id -> {"ref", "cursor"}
        self.by_ref: dict[str, int] = {}
        self.lock = asyncio.Lock()
        self.typing_sent: dict[int, float] = {}
        self.frame_times: list[float] = []
        self.pending: set[str] = set()
        self.tasks: set[asyncio.Task] = set()
        self.counted = False
        self.closed = False
        self.fast = chat_fast.enabled()
        await self.accept()
        session_key = self.scope.get("session_key")  # consumers.session.SessionKeyMiddleware
        if not session_key:
            await self.close(code=chat_db.CLOSE_UNAUTHENTICATED)
            return
        ident, code = await _db(chat_db.connection_open)(session_key=session_key)
        if ident is None:
            await self.close(code=code)
            return
        self.ident = ident
        self.counted = True
        await self.channel_layer.group_add(realtime.user_group(ident.user.pk), self.channel_name)
        if ident.as_agent:
            await self.channel_layer.group_add(realtime.AGENTS_GROUP, self.channel_name)
        await self.send_json({
            "type": "hello", "user": {"id": ident.user.pk, "name": ident.user.get_short_name(),
                                      "role": "agent" if ident.as_agent else "customer"},
            "heartbeat": settings.CHAT_HEARTBEAT_SECONDS,
            "max_frame_bytes": settings.CHAT_MAX_FRAME_BYTES,
        })
        if ident.as_agent:
            await self.send_json(await _db(chat_db.inbox)(ident=ident))
        heartbeats().add(self)

    async def disconnect(self, code):
        self.closed = True  # debounced sends still scheduled find the socket gone
        heartbeats().discard(self)
        # Spawned work (a heartbeat, a check) is short and finds the socket closed; it is not
        # cancelled, which could leave its coroutine never awaited.
        if self.ident is None:
            return
        groups = [realtime.user_group(self.ident.user.pk), realtime.QUEUE_GROUP]
        groups += [realtime.conversation_group(cid) for cid in self.joined]
        if self.ident.as_agent:
            groups.append(realtime.AGENTS_GROUP)
        for group in groups:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # a layer outage must not keep the socket from closing
                logger.debug("group_discard failed", exc_info=True)
        if self.counted:
            await _db(chat_db.connection_close)(user_id=self.ident.user.pk)
            self.counted = False

    async def send_json(self, content: dict) -> None:
        if self.closed:
            return
        try:
            await self.send(text_data=json.dumps(content, separators=(",", ":")))
        except (RuntimeError, OSError):
            # The client left while this socket was busy (Channels delivers the disconnect
            # only after the current handler): uvicorn raises ClientDisconnected (an OSError)
            # or, once it has sent the close, RuntimeError.
            logger.debug("chat socket gone before a send", exc_info=True)
            self.closed = True

    async def _error(self, code: str, message: str = "", **extra) -> None:
        await self.send_json({"type": "error", "code": code, "message": message,
                              **{k: v for k, v in extra.items() if v is not None}})

    async def _close(self, code: int) -> None:
        self.closed = True
        await self.close(code=code)

    # --- client frames ----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.ident is None or self.closed:
            return
        if bytes_data is not None:
            await self._error("binary_not_supported")
            return
        now = time.monotonic()
        self.frame_times = [t for t in self.frame_times if now - t < FRAME_WINDOW]
        if len(self.frame_times) >= FRAME_BURST:
            await self._error("rate_limited")
            return
        self.frame_times.append(now)
        if len(text_data.encode("utf-8", "surrogatepass")) > settings.CHAT_MAX_FRAME_BYTES:
            await self._error("too_large")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self._error("invalid_json")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self._error("invalid_frame")
            return
        handler = self.FRAME_HANDLERS.get(frame["type"])
        if handler is None:
            await self._error("unknown_type", type=frame["type"][:40])
            return
        async with self.lock:
            try:
                await handler(self, frame)
            except FrameError as exc:
                await self._error(exc.code, exc.message, **exc.extra)
            except Exception:
                logger.exception("chat frame %s failed", frame["type"])
                await self._error("server_error", client_id=_str(frame.get("client_id")))

    async def on_ping(self, frame):
        await self.send_json({"type": "pong", "conversations": {
            j["ref"]: j["cursor"] for j in self.joined.values()}})

    async def on_join(self, frame):
        last_seq = frame.get("last_seq", 0)
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            raise FrameError("invalid_field", field="last_seq")
        conv_id, ref = await _db(chat_db.authorize)(ident=self.ident,
                                                    reference=frame.get("conversation"))
        # Group first, then replay from the database: nothing committed in between is lost.
        await self.channel_layer.group_add(realtime.conversation_group(conv_id),
                                           self.channel_name)
        if not self.ident.as_agent:
            await self.channel_layer.group_add(realtime.QUEUE_GROUP, self.channel_name)
        frames, cursor = await _db(chat_db.replay)(ident=self.ident, conversation_id=conv_id,
                                                   after=last_seq)
        self.joined[conv_id] = {"ref": ref, "cursor": cursor}
        self.by_ref[ref] = conv_id
        await self.send_json({"type": "joined", "conversation": ref, "last_seq": cursor})
        for f in frames:
            await self.send_json(f)

    on_sync = on_join

    async def on_leave(self, frame):
        conv_id = self.by_ref.pop(_str(frame.get("conversation")), None)
        if conv_id is not None:
            self.joined.pop(conv_id, None)
            await self.channel_layer.group_discard(realtime.conversation_group(conv_id),
                                                   self.channel_name)
        await self.send_json({"type": "left", "conversation": frame.get("conversation")})

    async def on_send(self, frame):
        ref = frame.get("conversation")
        conv_id = self.by_ref.get(ref) if isinstance(ref, str) else None
        rate_checked = False
        if conv_id is not None and self.fast:
            done, rate_checked = await self._send_fast(conv_id, ref, frame)
            if done:
                return
        cursor = self.joined[conv_id]["cursor"] if conv_id in self.joined else None
        frames, ack, cursor, conv_id = await _db(chat_db.send)(
            ident=self.ident, reference=ref, body=frame.get("body"),
            client_id=frame.get("client_id"), internal=frame.get("internal", False),
            cursor=cursor, rate_checked=rate_checked,
        )
        if conv_id in self.joined and cursor is not None:
            self.joined[conv_id]["cursor"] = cursor
        if conv_id is not None:
            # The message ends this bout of typing: the next keystroke is announced at once.
            self.typing_sent.pop(conv_id, None)
        for f in frames:
            await self.send_json(f)
        await self.send_json(ack)

    async def _send_fast(self, conv_id: int, ref: str, frame: dict) -> tuple[bool, bool]:
        """``chat_fast``: (answered, rate limit already counted). Not answered: the general
        path answers (and gives every unusual case its own error or acknowledgement)."""
        body, client_id = frame.get("body"), frame.get("client_id")
        internal = frame.get("internal", False)
        if (not isinstance(body, str) or not isinstance(client_id, str)
                or not 1 <= len(client_id) <= 64 or not isinstance(internal, bool)
                or (internal and not self.ident.as_agent)):
            return False, False
        limited = await chat_fast.rate_limited(self.ident.user.pk)
        if limited is None:
            return False, False
        if limited:
            raise FrameError("rate_limited", client_id=client_id, conversation=ref)
        posted = await chat_fast.post(ident=self.ident, conversation_id=conv_id, reference=ref,
                                      body=body, client_id=client_id, internal=internal)
        if posted is None:
            return False, True
        event = {"type": "conversation.message", "conversation": conv_id, "seq": posted.seq,
                 "id": posted.id, "internal": internal}
        if not internal:
            event["frame"] = posted.frame
        await realtime.asend(realtime.conversation_group(conv_id), event)
        self.typing_sent.pop(conv_id, None)
        joined = self.joined.get(conv_id)
        if joined is not None and posted.seq == joined["cursor"] + 1:
            joined["cursor"] = posted.seq
            await self.send_json(posted.frame)
        elif joined is not None and posted.seq > joined["cursor"]:
            await self._deliver(conv_id)  # others wrote in between: the gap, in order
        await self.send_json({"type": "ack", "conversation": ref, "client_id": client_id,
                              "id": posted.id, "seq": posted.seq})
        if not internal and (
                (self.ident.as_agent and posted.status == Status.WAITING
                 and posted.assignee_id is None)
                or (not self.ident.as_agent and posted.status == Status.PENDING)):
            await _db(chat_db.after_post)(ident=self.ident, conversation_id=conv_id)
        return True, True

    async def on_typing(self, frame):
        ref = frame.get("conversation")
        conv_id = self.by_ref.get(ref) if isinstance(ref, str) else None
        now = time.monotonic()
        if conv_id is not None and now - self.typing_sent.get(conv_id, 0) < TYPING_INTERVAL:
            return  # throttled: nothing to authorize, nothing sent
        conv_id, ref = await _db(chat_db.authorize)(ident=self.ident, reference=ref)
        self.typing_sent[conv_id] = now
        await realtime.asend(realtime.conversation_group(conv_id), {
            "type": "conversation.typing", "conversation": conv_id,
            "user_id": self.ident.user.pk, "name": self.ident.user.get_short_name(),
            "role": "agent" if self.ident.as_agent else "customer",
        })

    async def on_read(self, frame):
        await _db(chat_db.read)(ident=self.ident, reference=frame.get("conversation"),
                                seq=frame.get("seq"))

    FRAME_HANDLERS = {
        "ping": on_ping, "join": on_join, "sync": on_sync, "leave": on_leave, "send": on_send,
        "typing": on_typing, "read": on_read,
    }

    # --- channel-layer events (hints) ---------------------------------------------------------

    async def conversation_message(self, event):
        async with self.lock:
            joined = self.joined.get(event.get("conversation"))
            if joined is None or self.ident is None:
                return
            seq = event.get("seq", 0)
            if seq <= joined["cursor"]:
                return  # already delivered (replay, our own send, or a duplicate hint)
            hidden = event.get("internal") and not self.ident.as_agent
            if seq == joined["cursor"] + 1 and not joined.get("verify"):
                # The next message, committed (events are sent after the commit), in a
                # conversation this socket may still see (a change of access marks it
                # "verify" first): no database read needed.
                if hidden:
                    joined["cursor"] = seq  # a note: nothing for a customer
                    return
                if event.get("frame") is not None:
                    joined["cursor"] = seq
                    await self.send_json(event["frame"])
                    return
            if hidden:
                return  # nothing for a customer; the cursor moves past it on the next delivery
            await self._deliver(event["conversation"])

    async def _deliver(self, conv_id: int) -> None:
        joined = self.joined[conv_id]
        verify = joined.get("verify")
        frames, cursor, allowed = await _db(chat_db.deliver)(
            ident=self.ident, conversation_id=conv_id, cursor=joined["cursor"])
        if not allowed:
            await self._lost(conv_id)
            return
        joined["cursor"] = cursor
        _verified(joined, verify)
        for f in frames:
            await self.send_json(f)

    async def _lost(self, conv_id: int) -> None:
        joined = self.joined.pop(conv_id, None)
        if joined is None:
            return
        self.by_ref.pop(joined["ref"], None)
        await self.channel_layer.group_discard(realtime.conversation_group(conv_id),
                                               self.channel_name)
        await self._error("not_found", conversation=joined["ref"])

    async def conversation_typing(self, event):
        joined = self.joined.get(event.get("conversation"))
        if joined is None or self.ident is None or event.get("user_id") == self.ident.user.pk:
            return
        await self.send_json({"type": "typing", "conversation": joined["ref"],
                              "role": event.get("role"), "name": event.get("name", "")})

    async def conversation_read(self, event):
        joined = self.joined.get(event.get("conversation"))
        if joined is None or self.ident is None or event.get("user_id") == self.ident.user.pk:
            return
        await self.send_json({"type": "read", "conversation": joined["ref"],
                              "role": event.get("role"), "seq": event.get("seq")})

    async def conversation_state(self, event):
        conv_id = event.get("conversation")
        if conv_id in self.joined:
            # Its assignee or team may have changed: deliveries read (and re-authorize) from the
            # database until the state below confirms the socket may still see it.
            joined = self.joined[conv_id]
            joined["verify"] = joined.get("verify", 0) + 1
            self._debounce(f"state:{conv_id}", self._send_state, conv_id)

    async def queue_changed(self, event):
        if self.ident is None or self.ident.as_agent:
            return
        for conv_id in list(self.joined):
            self._debounce(f"state:{conv_id}", self._send_state, conv_id)

    async def inbox_changed(self, event):
        if self.ident is not None and self.ident.as_agent:
            self._debounce("inbox", self._send_inbox)

    async def user_recheck(self, event):
        await self._tick()

    async def user_session_ended(self, event):
        if self.ident is not None and event.get("session_key") == self.ident.session_key:
            await self._close(chat_db.CLOSE_UNAUTHENTICATED)

    def _debounce(self, key: str, fn, *args) -> None:
        if key in self.pending:
            return
        self.pending.add(key)

        async def later():
            await asyncio.sleep(DEBOUNCE)
            self.pending.discard(key)
            if self.closed:
                return
            try:
                await fn(*args)
            except Exception:
                if not self.closed:  # else the client left while we were sending
                    logger.exception("chat %s failed", key)

        asyncio.create_task(later())  # noqa: RUF006 - short-lived; errors are logged

    async def _send_state(self, conv_id: int) -> None:
        async with self.lock:
            if conv_id not in self.joined:
                return
            verify = self.joined[conv_id].get("verify")
            frame = await _db(chat_db.state)(ident=self.ident, conversation_id=conv_id)
            if frame is None:
                await self._lost(conv_id)
                return
            _verified(self.joined[conv_id], verify)
            await self.send_json(frame)

    async def _send_inbox(self) -> None:
        await self.send_json(await _db(chat_db.inbox)(ident=self.ident))

    # --- the periodic check -------------------------------------------------------------------

    def spawn(self, coro) -> None:
        """Run ``coro`` for this socket in the background; errors logged."""
        task = asyncio.get_running_loop().create_task(self._guarded(coro))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _guarded(self, coro) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            pass
        except Exception:
            if not self.closed:  # else the client left while we were sending
                logger.exception("chat background work failed")

    async def _tick(self) -> None:
        if self.ident is None or self.closed:
            return
        async with self.lock:
            cursors = {cid: j["cursor"] for cid, j in self.joined.items()}
            try:
                result = await _db(chat_db.tick)(ident=self.ident, cursors=cursors)
            except Exception:
                logger.exception("chat tick failed")
                return
            if result.close_code:
                logger.info("closing chat socket of user %s: %s", self.ident.user.pk,
                            result.close_code)
                await self._close(result.close_code)
                return
            for conv_id in result.lost:
                await self._lost(conv_id)
            for conv_id, cursor in result.cursors.items():
                if conv_id in self.joined:
                    self.joined[conv_id]["cursor"] = cursor
            for f in result.frames:
                await self.send_json(f)
            await self.send_json({"type": "heartbeat", "conversations": result.latest})


def _verified(joined: dict, verify) -> None:
    """Access was confirmed by a read that began when ``joined["verify"]`` was ``verify``: clear
    it unless another change of access arrived since (that one still needs its own check)."""
    if joined.get("verify") == verify:
        joined.pop("verify", None)


def _str(value) -> str | None:
    return value if isinstance(value, str) else None
