"""The chat sockets' shared machinery in one server process: the pool of database threads
that runs their hops (``_db``) and the one timer that runs their periodic checks
(``Heartbeats``). Why each exists: the docstring of ``helpdesk.chat.consumers.chat``."""

import asyncio
import functools
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections

from helpdesk.chat.consumers import caps, chat_fast, chat_tick
from helpdesk.chat.consumers.hub import hub
from helpdesk.chat.consumers.loops import per_loop

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=settings.CHAT_DB_THREADS,
                                           thread_name_prefix="chat-db")
        return _executor


HEALTH_CHECK_INTERVAL = 5.0  # seconds between CONN_HEALTH_CHECKS probes of a chat thread's connection


def _hop(fn, args, kwargs):
    """Run ``fn`` on a chat database thread, with the bookkeeping Channels'
    ``database_sync_to_async`` does around a hop: connections past ``CONN_MAX_AGE``, in the wrong
    autocommit state or broken in an earlier hop are closed before and after.

    On PostgreSQL with Django's connection pool (the default, ``DATABASE_POOL_MAX_SIZE``) a hop
    borrows a pooled connection and gives it back at the end (``CONN_MAX_AGE`` is 0), and the
    pool checks it when lent: 60-120 us more per hop than a kept connection (decisions 0027
    and 0028). Without the pool (``CONN_MAX_AGE`` > 0) a
    thread keeps its connection, and the health check (``CONN_HEALTH_CHECKS``: a ``SELECT 1``
    before the first query of a hop) is done at most every ``HEALTH_CHECK_INTERVAL`` seconds
    per connection, not once per frame; a connection the server dropped within the interval
    fails one hop (``server_error``: the client resends with the same client id) and is
    replaced on the next (decision 0011)."""
    close_old_connections()
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.health_check_done:
            if now - getattr(conn, "chat_checked_at", 0.0) < HEALTH_CHECK_INTERVAL:
                conn.health_check_done = True
            else:
                conn.chat_checked_at = now  # this hop's first query runs the check
    try:
        return fn(*args, **kwargs)
    finally:
        close_old_connections()


def _db(fn):
    """``fn`` as a coroutine run on the chat's database threads (see helpdesk.chat.consumers.chat).

    Plain ``run_in_executor``, not asgiref's ``SyncToAsync``: that one copies the socket task's
    context into the thread and back, so every context-local object the hop touches (Django's
    cache handle with its own Redis connection pool, the active translation) was created again
    for each socket and kept for the socket's life: about 50 KB and one Redis connection per
    idle socket (78 -> 28 KB per idle socket without it, decision 0020). A chat thread keeps
    its own.
    """
    async def call(*args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(
            _pool(), functools.partial(_hop, fn, args, kwargs))

    return call


def db_threads_close() -> None:
    """Close every chat database thread's connection and stop the pool (tests, shutdown).

    A thread may hold a connection (CONN_MAX_AGE without the pool, or one borrowed mid-hop); a
    test database cannot be dropped while one is open. One task per thread, held at a barrier so each lands on a
    different thread, closes them. The fast path's connections (``chat_fast``) are closed too.
    """
    global _executor
    chat_fast.close_all()
    with _executor_lock:
        pool, _executor = _executor, None
    if pool is None:
        return
    size = pool._max_workers
    barrier = threading.Barrier(size)

    def close():
        connections.close_all()
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass

    for future in [pool.submit(close) for _ in range(size)]:
        future.result()
    pool.shutdown(wait=True)


class Heartbeats:
    """One timer for the periodic check of every chat socket of an event loop.

    Sockets sit in one-second slots of a timing wheel; each is due once per
    ``CHAT_HEARTBEAT_SECONDS`` (with jitter, so a reconnect storm does not stay in step).
    The timer task exists only while sockets are registered.
    """

    BATCH = 500

    def __init__(self):
        self.slots: dict[int, set] = {}
        self.slot_of: dict[object, int] = {}
        self.task: asyncio.Task | None = None
        self.alive_at = time.monotonic()

    @staticmethod
    def _step() -> float:
        return min(1.0, float(settings.CHAT_HEARTBEAT_SECONDS) / 5)

    def add(self, consumer) -> None:
        interval = float(settings.CHAT_HEARTBEAT_SECONDS)
        due = time.monotonic() + interval * random.uniform(0.8, 1.0)  # noqa: S311
        slot = int(due / self._step())
        self.slots.setdefault(slot, set()).add(consumer)
        self.slot_of[consumer] = slot
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, consumer) -> None:
        slot = self.slot_of.pop(consumer, None)
        if slot is not None:
            members = self.slots.get(slot)
            if members is not None:
                members.discard(consumer)
                if not members:
                    del self.slots[slot]

    async def _run(self) -> None:
        try:
            while self.slot_of:
                step = self._step()
                await asyncio.sleep(step - time.monotonic() % step)
                now = int(time.monotonic() / step)
                due: list = []
                for slot in [k for k in self.slots if k <= now]:
                    for consumer in self.slots.pop(slot):
                        self.slot_of.pop(consumer, None)
                        due.append(consumer)
                for start in range(0, len(due), self.BATCH):
                    await self._check(due[start:start + self.BATCH])
                await self._keep_alive()
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("chat heartbeat timer failed")
        finally:
            self.task = None
            if self.slot_of:  # a failure above: keep the remaining sockets checked
                self.task = asyncio.get_running_loop().create_task(self._run())

    async def _keep_alive(self) -> None:
        """Keep this process's sockets counted towards their users' caps (``caps``)."""
        if time.monotonic() - self.alive_at < caps.KEEP_ALIVE_SECONDS:
            return
        self.alive_at = time.monotonic()
        try:
            await _db(caps.keep_alive)(origin=hub().origin)
        except Exception:
            logger.warning("chat: refreshing this process's socket count failed", exc_info=True)

    async def _check(self, consumers: list) -> None:
        live = [c for c in consumers if c.ident is not None and not c.closed]
        for c in live:
            self.add(c)  # next round first: a failing check must not drop a socket
        items = [(c.ident, {cid: j["cursor"] for cid, j in c.joined.items()}) for c in live]
        try:
            results = await _db(chat_tick.tick_many)(items=items)
        except Exception:
            logger.exception("chat batched check failed")
            results = [None] * len(live)
        for c, result in zip(live, results, strict=True):
            if c.closed:
                continue
            if result is None:
                c.spawn(c._tick())
            else:
                # Through the socket's event path: after anything it still has queued.
                c.on_event({"type": "chat.heartbeat", "conversations": result.latest})


heartbeats = per_loop(Heartbeats)  # heartbeats(): the timer of the running event loop
