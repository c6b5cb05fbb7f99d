"""The per-user cap on open chat sockets (``CHAT_MAX_CONNECTIONS_PER_USER``; close code 4429).

Counted per server process. In Redis, a hash per user maps each process's *slot* to the number
of that user's sockets it holds, and each slot has an *alive* key that expires
``ALIVE_SECONDS`` after the process last refreshed it (``keep_alive``, from the heartbeat
timer). A user's total counts only the slots that are alive, so the sockets of a process that
crashed or was killed stop counting within a minute. (A single counter per user, as before,
kept them until its hour-long expiry, and every restart of a server added its users' sockets
again: a user with a few tabs was refused after a few deploys.) On the embedded default, with
one process and no Redis, the count is kept in memory.

Each process also keeps its own sockets' counts in memory (``_held``): they are the truth
about what it holds, and Redis is repaired from them. After Redis restarted, lost its data,
or failed a call (a release that did not reach it), the process moves its counts to a new
slot (``_repair``: written whole, the old slot's alive key deleted, so whatever Redis still
holds under it stops counting) on its next ``acquire`` or ``keep_alive``, within
``KEEP_ALIVE_SECONDS``. A restart is recognised by Redis's ``run_id`` or by the slot's alive
key being gone.

These functions are synchronous: they run on the chat's database threads, next to the session
check of ``chat_db.connection_open``. ``acquire`` raises ``redis.RedisError`` when Redis cannot
be reached (the socket is then refused with 1013, docs/protocol.md); ``release`` and
``keep_alive`` never raise for it.
"""

import logging
import threading
import uuid

from django.conf import settings

logger = logging.getLogger(__name__)

ALIVE_SECONDS = 60
KEEP_ALIVE_SECONDS = 20
USER_KEY_SECONDS = 86400   # an idle user's hash goes away on its own

_client = None
_client_lock = threading.Lock()
_memory: dict[int, dict[str, int]] = {}
_memory_lock = threading.Lock()


class _Process:
    """What one process (a hub ``origin``) holds: its sockets per user, the Redis slot they are
    counted under, and whether Redis may disagree with them."""

    def __init__(self, origin: str):
        self.origin = origin
        self.held: dict[int, int] = {}
        self.slot = origin
        self.run_id: str | None = None
        self.in_doubt = False


_held: dict[str, _Process] = {}
_held_lock = threading.Lock()  # guards _held and every _Process; Redis calls happen under it


def _redis():
    """A client for ``REDIS_URL`` shared by the process's threads, or None (embedded default)."""
    global _client
    if not settings.REDIS_URL:
        return None
    with _client_lock:
        if _client is None:
            import redis

            _client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2,
                                           socket_timeout=3)
        return _client


def _user_key(user_id: int) -> str:
    return f"helpdesk:chat:sockets:{user_id}"


def _alive_key(slot: str) -> str:
    return f"helpdesk:chat:process:{slot}"


def _process(origin: str) -> _Process:
    found = _held.get(origin)
    if found is None:
        found = _held[origin] = _Process(origin)
    return found


def _repair(client, proc: _Process, run_id: str | None) -> None:
    """Count ``proc``'s sockets again, whole, under a new slot (module docstring)."""
    old = proc.slot
    proc.slot = f"{proc.origin}.{uuid.uuid4().hex[:8]}"
    pipe = client.pipeline(transaction=False)
    pipe.set(_alive_key(proc.slot), 1, ex=ALIVE_SECONDS)
    for user_id, count in proc.held.items():
        key = _user_key(user_id)
        pipe.hset(key, proc.slot, count)
        pipe.hdel(key, old)
        pipe.expire(key, USER_KEY_SECONDS)
    pipe.delete(_alive_key(old))
    pipe.execute()
    proc.run_id, proc.in_doubt = run_id, False
    logger.info("chat socket counts of process %s re-registered in Redis (%d users)",
                proc.origin, len(proc.held))


def _ensure_counted(client, proc: _Process) -> None:
    """Refresh ``proc``'s alive key; re-register its sockets if Redis lost or may have
    missed them."""
    pipe = client.pipeline(transaction=False)
    pipe.set(_alive_key(proc.slot), 1, ex=ALIVE_SECONDS, get=True)
    pipe.info("server")
    was_alive, info = pipe.execute()
    run_id = info.get("run_id")
    restarted = proc.run_id is not None and run_id != proc.run_id
    if proc.in_doubt or (proc.held and (restarted or was_alive is None)):
        _repair(client, proc, run_id)
    else:
        proc.run_id, proc.in_doubt = run_id, False


def acquire(*, user_id: int, origin: str) -> bool:
    """Count a new socket of ``user_id`` held by process ``origin``; False (and nothing
    counted) when the user already has ``CHAT_MAX_CONNECTIONS_PER_USER`` open sockets."""
    cap = settings.CHAT_MAX_CONNECTIONS_PER_USER
    client = _redis()
    if client is None:
        with _memory_lock:
            counts = _memory.setdefault(user_id, {})
            if sum(counts.values()) >= cap:
                return False
            counts[origin] = counts.get(origin, 0) + 1
            return True
    with _held_lock:
        proc = _process(origin)
        try:
            allowed = _acquire(client, proc, user_id, cap)
        except Exception:
            proc.in_doubt = True  # the increment may have landed without its decrement
            raise
        if allowed:
            proc.held[user_id] = proc.held.get(user_id, 0) + 1
        return allowed


def _acquire(client, proc: _Process, user_id: int, cap: int, repaired: bool = False) -> bool:
    key = _user_key(user_id)
    pipe = client.pipeline()
    pipe.set(_alive_key(proc.slot), 1, ex=ALIVE_SECONDS, get=True)
    pipe.hincrby(key, proc.slot, 1)
    pipe.expire(key, USER_KEY_SECONDS)
    pipe.hgetall(key)
    was_alive, _n, _e, raw = pipe.execute()
    if not repaired and (proc.in_doubt or (proc.held and was_alive is None)):
        # Redis lost this process's sockets (a restart) or may count them wrong: count them
        # again before deciding (the increment above goes with the old slot).
        _repair(client, proc, proc.run_id)
        return _acquire(client, proc, user_id, cap, repaired=True)
    counts = {k.decode(): int(v) for k, v in raw.items()}
    others = [s for s in counts if s != proc.slot]
    if others:
        alive = client.mget([_alive_key(s) for s in others])
        dead = [s for s, flag in zip(others, alive, strict=True) if flag is None]
        if dead:
            client.hdel(key, *dead)
            for s in dead:
                counts.pop(s)
    if sum(max(0, n) for n in counts.values()) > cap:
        client.hincrby(key, proc.slot, -1)
        return False
    return True


def release(*, user_id: int, origin: str) -> None:
    """The socket counted by ``acquire`` closed."""
    client = _redis()
    if client is None:
        with _memory_lock:
            counts = _memory.get(user_id, {})
            counts[origin] = counts.get(origin, 0) - 1
            if counts[origin] <= 0:
                counts.pop(origin)
            if not counts:
                _memory.pop(user_id, None)
        return
    with _held_lock:
        proc = _process(origin)
        left = proc.held.get(user_id, 0) - 1
        if left > 0:
            proc.held[user_id] = left
        else:
            proc.held.pop(user_id, None)
        try:
            key = _user_key(user_id)
            if client.hincrby(key, proc.slot, -1) <= 0:
                client.hdel(key, proc.slot)
        except Exception:
            proc.in_doubt = True  # repaired on the next acquire or keep_alive
            logger.warning("chat: releasing a socket in Redis failed", exc_info=True)


def keep_alive(*, origin: str) -> None:
    """Process ``origin`` still holds its sockets (every ``KEEP_ALIVE_SECONDS``): refresh its
    alive key, and re-register its sockets if Redis lost them."""
    client = _redis()
    if client is None:
        return
    with _held_lock:
        proc = _process(origin)
        try:
            _ensure_counted(client, proc)
        except Exception:
            proc.in_doubt = True
            logger.warning("chat: refreshing this process's socket count failed",
                           exc_info=True)
