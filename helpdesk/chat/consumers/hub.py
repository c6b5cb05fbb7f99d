"""One fan-out point per server process (event loop) for the chat sockets.

Channels' usual design gives every socket its own channel-layer channel, its own subscription to
each group it joins and its own task waiting on the layer; every event then costs a queue, a
task switch and a dispatch per socket. Measured on this machine (decision 0016) that machinery alone cost more CPU per message than the whole budget of the
latency target, and ~10 KB per idle socket. Here a process has **one** channel on the layer
(channels-redis in production, the in-memory layer on the embedded default). The hub subscribes
that channel to a group once, while any of its sockets needs the group, and hands each event
to its member sockets by a plain method call (``ChatConsumer.on_event``), which sends what it
can at once and queues the rest on the socket in order.

An event a socket of this process publishes (``publish``) reaches the other sockets of this
process at once, without the round trip through Redis, and goes out on the layer for the other
processes, tagged with this hub's ``origin`` so that its echo is skipped here. The layer stays
a hint: an event it loses is repaired from the database by the sockets' cursors and periodic
checks (docs/protocol.md), so a failed subscription or publish is logged and retried, never
fatal to a socket.

Events are dicts with a ``type`` and the ``group`` they were sent to (``helpdesk.realtime``
adds it): the hub needs it to find the members.
"""

import asyncio
import logging
import uuid
from collections import deque

from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers, get_channel_layer

from helpdesk.chat.consumers.loops import per_loop
from helpdesk.realtime import QUEUE_GROUP

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0    # unsubscribe from groups no socket has needed for this long
RETRY_SECONDS = 2.0     # retry a failed subscription (Redis down) this often
QUEUE_DEBOUNCE = 0.3    # coalesce queue changes into one recomputation per process
PUBLISHERS = 4          # layer connections publishing in parallel (send_remote)
MAX_OUTGOING = 10_000   # events waiting to be published before new ones are dropped (hints)


class Hub:
    """The chat's fan-out for one event loop (see the module docstring)."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.origin = uuid.uuid4().hex
        self.channel: str | None = None
        self.members: dict[str, set] = {}
        self.subscriptions: dict[str, asyncio.Task] = {}
        self._channel_task: asyncio.Task | None = None
        self._receiver: asyncio.Task | None = None
        self._sweeper: asyncio.Task | None = None
        self._queue_pending = False
        self.outgoing: deque = deque()
        self.publishing = 0
        self._publish_layers: list = []

    # --- membership -----------------------------------------------------------------------

    async def join(self, group: str, sock) -> None:
        """Add ``sock`` to ``group``; return once this process is subscribed to it (so an
        event committed after this returns reaches ``sock``), or once subscribing failed
        (logged; retried on the next join and by the sweeper: the layer is only a hint)."""
        members = self.members.get(group)
        if members is None:
            members = self.members[group] = set()
        members.add(sock)
        if self.layer is None:
            return
        task = self.subscriptions.get(group)
        if task is None or (task.done() and (task.cancelled() or task.exception())):
            task = self.subscriptions[group] = asyncio.get_running_loop().create_task(
                self._subscribe(group))
        if not task.done():
            await asyncio.shield(task)
        self._ensure_sweeper()

    def leave(self, group: str, sock) -> None:
        """Remove ``sock`` from ``group``; the subscription goes later (``_sweep``)."""
        members = self.members.get(group)
        if members is not None:
            members.discard(sock)
            if not members:
                del self.members[group]

    async def _subscribe(self, group: str) -> None:
        try:
            await self._ensure_channel()
            await self.layer.group_add(group, self.channel)
        except Exception:
            logger.warning("chat hub: subscribing to %s failed", group, exc_info=True)
            raise

    async def _ensure_channel(self) -> None:
        task = self._channel_task
        if task is None or (task.done() and (task.cancelled() or task.exception())):
            task = self._channel_task = asyncio.get_running_loop().create_task(
                self._open_channel())
        await asyncio.shield(task)

    async def _open_channel(self) -> None:
        self.channel = await self.layer.new_channel(prefix="chathub.")
        self._receiver = asyncio.get_running_loop().create_task(self._receive())

    def _ensure_sweeper(self) -> None:
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())

    async def _sweep(self) -> None:
        """Drop subscriptions nobody needs; retry those that failed; stop when idle."""
        while self.subscriptions:
            await asyncio.sleep(RETRY_SECONDS)
            for group, task in list(self.subscriptions.items()):
                if not task.done():
                    continue
                failed = task.cancelled() or task.exception() is not None
                if group not in self.members:
                    if getattr(task, "idle_since", None) is None:
                        task.idle_since = asyncio.get_running_loop().time()
                    elif asyncio.get_running_loop().time() - task.idle_since > SWEEP_SECONDS:
                        del self.subscriptions[group]
                        if not failed:
                            await self._unsubscribe(group)
                    continue
                task.idle_since = None
                if failed:
                    self.subscriptions[group] = asyncio.get_running_loop().create_task(
                        self._subscribe(group))

    async def _unsubscribe(self, group: str) -> None:
        try:
            await self.layer.group_discard(group, self.channel)
        except Exception:
            logger.debug("chat hub: unsubscribing from %s failed", group, exc_info=True)
        if group in self.members and group not in self.subscriptions:
            # Someone joined while we were leaving: subscribe again.
            self.subscriptions[group] = asyncio.get_running_loop().create_task(
                self._subscribe(group))

    # --- events ---------------------------------------------------------------------------

    async def _receive(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("chat hub: receiving from the channel layer failed",
                               exc_info=True)
                await asyncio.sleep(1)
                continue
            if event.get("origin") != self.origin:
                self.dispatch(event)

    def dispatch(self, event: dict, skip=None) -> None:
        """Hand ``event`` to the sockets of its group in this process (but ``skip``)."""
        kind = event.get("type")
        if kind == "queue.changed":
            self._queue_changed()
            return
        members = self.members.get(event.get("group"))
        if not members:
            return
        for sock in list(members):
            if sock is skip:
                continue
            try:
                sock.on_event(event)
            except Exception:
                logger.exception("chat event %s failed", kind)

    def deliver(self, group: str, event: dict, skip=None) -> None:
        """The local half of ``publish``: this process's sockets in ``group``, at once."""
        event["group"] = group
        self.dispatch(event, skip)

    def send_remote(self, group: str, event: dict) -> None:
        """The other half: the other processes, through the channel layer (this hub skips the
        echo). Queued, never awaited by the sender: ``PUBLISHERS`` tasks publish in parallel,
        each on its own layer connection (channels-redis publishes one message at a time per
        connection, each a round trip, which under load held every sender of the process in
        one queue). Failures are logged: the layer is only a hint, and receivers put frames
        back in order by their sequence numbers."""
        if self.layer is None:
            return
        if len(self.outgoing) >= MAX_OUTGOING:
            logger.warning("chat hub: %d events waiting to be published; dropping one",
                           len(self.outgoing))
            return
        event = {k: v for k, v in event.items() if k != "text"}
        event["group"], event["origin"] = group, self.origin
        self.outgoing.append((group, event))
        if self.publishing < PUBLISHERS:
            self.publishing += 1
            asyncio.get_running_loop().create_task(self._publish())

    async def _publish(self) -> None:
        layer = self._publish_layers.pop() if self._publish_layers else self._new_publisher()
        try:
            while self.outgoing:
                group, event = self.outgoing.popleft()
                try:
                    await layer.group_send(group, event)
                except Exception:
                    logger.warning("broadcast to %s failed", group, exc_info=True)
        finally:
            self.publishing -= 1
            self._publish_layers.append(layer)

    def _new_publisher(self):
        """Another connection to the layer for publishing, where another instance of the layer
        reaches the same groups (channels-redis); the in-memory layer has only itself."""
        if type(self.layer).__module__.startswith("channels_redis"):
            return channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        return self.layer

    def publish(self, group: str, event: dict, skip=None) -> None:
        """Send ``event`` to ``group``: this process's sockets (but ``skip``, the sender, which
        answers itself) at once, the other processes through the channel layer."""
        self.deliver(group, event, skip)
        self.send_remote(group, event)

    def _queue_changed(self) -> None:
        """Someone joined or left the queue: once per process (debounced), tell the customer
        sockets (the members of ``QUEUE_GROUP``); those with a waiting chat re-read its state."""
        if self._queue_pending or not self.members.get(QUEUE_GROUP):
            return
        self._queue_pending = True
        asyncio.get_running_loop().call_later(QUEUE_DEBOUNCE, self._queue_fire)

    def _queue_fire(self) -> None:
        self._queue_pending = False
        for sock in list(self.members.get(QUEUE_GROUP, ())):
            try:
                sock.queue_changed()
            except Exception:
                logger.exception("chat queue update failed")


hub = per_loop(Hub)  # hub(): the hub of the running event loop


__all__ = ["Hub", "hub"]
