"""What a chat socket does with the events its process's hub hands it (``ChatConsumer``'s
half that faces the channel layer; the socket itself: ``helpdesk.chat.consumers.chat``).

Events are hints (docs/protocol.md): each names a conversation and, for a message, its ``seq``.
A socket sends what needs no database read at once (the next message, whose frame travels with
the event; typing; read receipts); a message that arrived before the ones it follows is held
(``GAP_WAIT``) and then the gap is read from the database; anything else is queued on the socket
and handled in order, one at a time, under the socket's lock.
"""

import asyncio
import json
from collections import deque

from helpdesk.chat.consumers import chat_db
from helpdesk.chat.consumers.chat_auth import CLOSE_UNAUTHENTICATED
from helpdesk.chat.consumers.chat_output import MAX_BACKLOG, SocketOutput
from helpdesk.chat.consumers.chat_runtime import _db
from helpdesk.models import Status

DEBOUNCE = 0.3              # coalesce state / inbox recomputation
GAP_WAIT = 0.25             # how long a frame that arrived early waits for the ones before it
MAX_HELD = 200              # frames held per conversation while waiting for a gap to fill
SKIP = ""                   # a held "frame" for a note: the customer's cursor just moves past it


class HubEvents(SocketOutput):
    """Mixed into ``ChatConsumer``, whose state it uses (``joined``, ``lock``, ``events``...)."""

    __slots__ = ()

    def on_event(self, event: dict) -> None:
        """An event of a group this socket is in (called by the hub; never waits)."""
        if self.closed or self.ident is None:
            return
        if self.events is None and not self.lock.locked() and self._event_now(event):
            return
        if self.events is None:
            self.events = deque([event])
            self.spawn(self._drain_events())
        elif len(self.events) < MAX_BACKLOG:
            self.events.append(event)
        # else: dropped; events are hints, the periodic check repairs from the database

    async def _drain_events(self) -> None:
        try:
            async with self.lock:
                while self.events:
                    event = self.events.popleft()
                    if not self._event_now(event):
                        await self._deliver(event["conversation"])
        finally:
            self.events = None

    def _event_now(self, event: dict) -> bool:
        """Handle ``event`` without waiting, if it needs no database read; False when it does
        (then nothing was changed: the caller queues it for ``_deliver``)."""
        kind = event.get("type")
        if kind == "conversation.message":
            conv_id = event.get("conversation")
            joined = self.joined.get(conv_id)
            if joined is None or event.get("seq", 0) <= joined["cursor"]:
                return True  # not joined, or already delivered (replay, our own, a duplicate)
            if joined.get("verify"):
                return False  # access in question: read (and re-authorize) from the database
            if event.get("internal") and not self.ident.as_agent:
                text = SKIP  # a note: nothing for a customer, but its number is used
            elif event.get("frame") is not None:
                text = event.get("text")
                if text is None:  # serialised once for all the sockets of this process
                    text = event["text"] = json.dumps(event["frame"], separators=(",", ":"))
            else:
                return False  # a note for an agent, an event, an attachment: the database
            # Committed (events are sent after the commit), in a conversation this socket may
            # still see (a change of access marks it "verify" first): no database read.
            self._offer(conv_id, joined, event["seq"], text)
            return True
        if kind == "chat.gap":
            joined = self.joined.get(event.get("conversation"))
            if joined is not None:
                joined.pop("gap", None)
                if joined.get("held"):
                    return False  # still missing: read the gap from the database
            return True
        joined = self.joined.get(event.get("conversation"))
        if kind in ("conversation.typing", "conversation.read"):
            if joined is not None and event.get("user_id") != self.ident.user.pk:
                frame = {"type": kind.split(".")[1], "conversation": joined["ref"],
                         "role": event.get("role")}
                frame.update({"name": event.get("name", "")} if kind.endswith("typing")
                             else {"seq": event.get("seq")})
                if self.ident.as_agent and kind.endswith("typing"):
                    frame["user"] = event.get("user_id")  # the console's "who is here" list
                self.push_json(frame)
        elif kind == "conversation.viewing":
            # Collision detection is for staff: a customer's socket never hears of it.
            if (joined is not None and self.ident.as_agent
                    and event.get("user_id") != self.ident.user.pk):
                self.push_json({"type": "viewing", "conversation": joined["ref"],
                                "user": event.get("user_id"), "name": event.get("name", ""),
                                "active": bool(event.get("active"))})
        elif kind == "conversation.state":
            if joined is not None:
                # Its assignee or team may have changed: deliveries read (and re-authorize)
                # from the database until the state read confirms the socket may still see it.
                joined["verify"] = joined.get("verify", 0) + 1
                self._debounce(f"state:{event['conversation']}", self._send_state,
                               event["conversation"])
        elif kind == "inbox.changed":
            if self.ident.as_agent:
                self._debounce("inbox", self._send_inbox)
        elif kind == "user.recheck":
            self.spawn(self._tick())
        elif kind == "user.session_ended":
            if event.get("session_key") == self.ident.session_key:
                self._close(CLOSE_UNAUTHENTICATED)
        elif kind == "user.session_rotated":
            # This browser's session got a new key and stays signed in (helpdesk.sessions):
            # check that one from now on.
            if event.get("old") == self.ident.session_key and event.get("new"):
                self.ident.session_key = event["new"]
                self.spawn(self._tick())
        elif kind == "chat.heartbeat":
            self.push_json({"type": "heartbeat", "conversations": event["conversations"]})
        return True

    def _offer(self, conv_id: int, joined: dict, seq: int, text: str) -> None:
        """The frame (or ``SKIP``) of committed message ``seq`` (> the cursor): sent now if it
        is the next one, else held until the ones before it arrive (``GAP_WAIT``; then the gap
        is read from the database). Frames from several senders and processes arrive in any
        order; the client still gets them once each, in order."""
        if seq == joined["cursor"] + 1:
            joined["cursor"] = seq
            if text:
                self.push_text(text)
            self._flush_held(joined)
            return
        held = joined.get("held")
        if held is None:
            held = joined["held"] = {}
        if len(held) < MAX_HELD:
            held[seq] = text
        if "gap" not in joined:
            joined["gap"] = asyncio.get_running_loop().call_later(
                GAP_WAIT, self.on_event, {"type": "chat.gap", "conversation": conv_id})

    def _flush_held(self, joined: dict) -> None:
        """Send the held frames that now follow the cursor; drop those it has passed."""
        held = joined.get("held")
        if not held:
            return
        while joined["cursor"] + 1 in held:
            joined["cursor"] += 1
            text = held.pop(joined["cursor"])
            if text:
                self.push_text(text)
        for seq in [seq for seq in held if seq <= joined["cursor"]]:
            del held[seq]
        if not held:
            del joined["held"]
            gap = joined.pop("gap", None)
            if gap is not None:
                gap.cancel()

    def queue_changed(self) -> None:
        """The queue moved (from the hub): a waiting chat's place and estimate may have too."""
        if self.closed or self.ident is None or self.ident.as_agent:
            return
        for conv_id, joined in list(self.joined.items()):
            if joined.get("status") == Status.WAITING:
                self._debounce(f"state:{conv_id}", self._send_state, conv_id)

    async def _deliver(self, conv_id: int) -> None:
        joined = self.joined.get(conv_id)
        if joined is None:
            return
        verify = joined.get("verify")
        frames, cursor, allowed = await _db(chat_db.deliver)(
            ident=self.ident, conversation_id=conv_id, cursor=joined["cursor"])
        if not allowed:
            self._lost(conv_id)
            return
        joined["cursor"] = max(joined["cursor"], cursor)
        _verified(joined, verify)
        for f in frames:
            self.push_json(f)
        self._flush_held(joined)

    def _lost(self, conv_id: int) -> None:
        joined = self._forget(conv_id)
        if joined is not None:
            self._error("not_found", conversation=joined["ref"])

    def _debounce(self, key: str, fn, *args) -> None:
        if self.pending is None:
            self.pending = set()
        if key in self.pending:
            return
        self.pending.add(key)

        async def later():
            await asyncio.sleep(DEBOUNCE)
            self.pending.discard(key)
            if not self.closed:
                await fn(*args)

        self.spawn(later())

    async def _send_state(self, conv_id: int) -> None:
        async with self.lock:
            joined = self.joined.get(conv_id)
            if joined is None:
                return
            verify = joined.get("verify")
            frame = await _db(chat_db.state)(ident=self.ident, conversation_id=conv_id)
            if frame is None:
                self._lost(conv_id)
                return
            joined["status"] = frame["status"]
            _verified(joined, verify)
            self.push_json(frame)

    async def _send_inbox(self) -> None:
        self.push_json(await _db(chat_db.inbox)(ident=self.ident))


def _verified(joined: dict, verify) -> None:
    """Access was confirmed by a read that began when ``joined["verify"]`` was ``verify``: clear
    it unless another change of access arrived since (that one still needs its own check)."""
    if joined.get("verify") == verify:
        joined.pop("verify", None)
