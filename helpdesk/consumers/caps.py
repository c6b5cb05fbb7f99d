"""The per-user cap on open chat sockets (``CHAT_MAX_CONNECTIONS_PER_USER``; close code 4429).

Counted per server process. In Redis, a hash per user maps each process (its hub's ``origin``)
to the number of that user's sockets it holds, and each process keeps an *alive* key that expires
``ALIVE_SECONDS`` after it last refreshed it (``keep_alive``, from the heartbeat timer). A
user's total counts only the processes that are alive, so the sockets of a process that crashed
or was killed stop counting within a minute. (A single counter per user, as before, kept them
until its hour-long expiry, and every restart of a server added its users' sockets again: a user
with a few tabs was refused after a few deploys.) On the embedded default, with one process and
no Redis, the count is kept in memory.

These functions are synchronous: they run on the chat's database threads, next to the session
check of ``chat_db.connection_open``.
"""

import threading

from django.conf import settings

ALIVE_SECONDS = 60
KEEP_ALIVE_SECONDS = 20
USER_KEY_SECONDS = 86400   # an idle user's hash goes away on its own

_client = None
_client_lock = threading.Lock()
_memory: dict[int, dict[str, int]] = {}
_memory_lock = threading.Lock()


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


def _alive_key(origin: str) -> str:
    return f"helpdesk:chat:process:{origin}"


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
    key = _user_key(user_id)
    pipe = client.pipeline()
    pipe.set(_alive_key(origin), 1, ex=ALIVE_SECONDS)
    pipe.hincrby(key, origin, 1)
    pipe.expire(key, USER_KEY_SECONDS)
    pipe.hgetall(key)
    counts = {k.decode(): int(v) for k, v in pipe.execute()[-1].items()}
    others = [o for o in counts if o != origin]
    if others:
        alive = client.mget([_alive_key(o) for o in others])
        dead = [o for o, flag in zip(others, alive, strict=True) if flag is None]
        if dead:
            client.hdel(key, *dead)
            for o in dead:
                counts.pop(o)
    if sum(max(0, n) for n in counts.values()) > cap:
        client.hincrby(key, origin, -1)
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
    key = _user_key(user_id)
    if client.hincrby(key, origin, -1) <= 0:
        client.hdel(key, origin)


def keep_alive(*, origin: str) -> None:
    """Process ``origin`` still holds its sockets (every ``KEEP_ALIVE_SECONDS``)."""
    client = _redis()
    if client is not None:
        client.set(_alive_key(origin), 1, ex=ALIVE_SECONDS)
