"""The per-user socket cap across server processes (``helpdesk.chat.consumers.caps``)."""

import pytest

from helpdesk.chat.consumers import caps
from tests.services import PrivateRedis, redis_server_available, redis_url, require


@pytest.fixture
def redis_caps(settings):
    url = redis_url(db=14)
    require(bool(url), "Redis is needed to count sockets across processes")
    settings.REDIS_URL = url
    settings.CHAT_MAX_CONNECTIONS_PER_USER = 3
    caps._client = None
    client = caps._redis()
    client.flushdb()
    caps._held.clear()
    yield client
    client.flushdb()
    caps._client = None
    caps._held.clear()


@pytest.fixture
def restartable_redis(settings):
    """A redis-server of the test's own, which it may restart (losing everything)."""
    require(redis_server_available(), "redis-server is not installed")
    server = PrivateRedis()
    server.start()
    settings.REDIS_URL = server.url
    settings.CHAT_MAX_CONNECTIONS_PER_USER = 3
    caps._client = None
    caps._held.clear()
    yield server
    server.stop()
    caps._client = None
    caps._held.clear()


@pytest.fixture
def memory_caps(settings):
    settings.REDIS_URL = ""
    settings.CHAT_MAX_CONNECTIONS_PER_USER = 3
    caps._memory.clear()
    yield
    caps._memory.clear()


def test_the_cap_counts_every_process_and_a_closed_socket_frees_a_slot(redis_caps):
    assert caps.acquire(user_id=7, origin="web-1")
    assert caps.acquire(user_id=7, origin="web-2")
    assert caps.acquire(user_id=7, origin="web-2")
    assert not caps.acquire(user_id=7, origin="web-1")  # 3 open on two processes
    assert caps.acquire(user_id=8, origin="web-1")      # another user is not affected
    caps.release(user_id=7, origin="web-2")
    assert caps.acquire(user_id=7, origin="web-1")


def test_sockets_of_a_process_that_died_stop_counting(redis_caps):
    for _ in range(3):
        assert caps.acquire(user_id=7, origin="crashed")
    assert not caps.acquire(user_id=7, origin="web-1")
    # The crashed process no longer refreshes its key: it expires (ALIVE_SECONDS).
    redis_caps.delete(caps._alive_key("crashed"))
    assert caps.acquire(user_id=7, origin="web-1")
    assert redis_caps.hkeys(caps._user_key(7)) == [b"web-1"]


def test_a_live_process_keeps_its_sockets_counted(redis_caps):
    for _ in range(3):
        assert caps.acquire(user_id=7, origin="web-2")
    redis_caps.expire(caps._alive_key("web-2"), 1)
    caps.keep_alive(origin="web-2")  # the heartbeat timer's refresh
    assert redis_caps.ttl(caps._alive_key("web-2")) > 1
    assert not caps.acquire(user_id=7, origin="web-1")


def test_one_process_without_redis_counts_in_memory(memory_caps):
    for _ in range(3):
        assert caps.acquire(user_id=7, origin="only")
    assert not caps.acquire(user_id=7, origin="only")
    caps.release(user_id=7, origin="only")
    assert caps.acquire(user_id=7, origin="only")


def test_after_a_redis_restart_the_sockets_already_open_count_again(restartable_redis):
    for _ in range(2):
        assert caps.acquire(user_id=7, origin="web-1")
    assert caps.acquire(user_id=7, origin="web-2")
    assert caps.acquire(user_id=8, origin="web-1")
    restartable_redis.stop()
    restartable_redis.start()  # empty: every count and alive key is gone
    # web-1 refreshes on its timer; web-2 opens its next socket: each counts its own again.
    caps.keep_alive(origin="web-1")
    assert not caps.acquire(user_id=7, origin="web-2")  # 2 + 1 open: the cap is 3
    assert caps.acquire(user_id=8, origin="web-2")
    caps.release(user_id=7, origin="web-1")
    assert caps.acquire(user_id=7, origin="web-2")


def test_a_process_counts_its_own_sockets_again_on_its_next_socket_after_a_restart(
        restartable_redis):
    for _ in range(3):
        assert caps.acquire(user_id=7, origin="web-1")
    restartable_redis.stop()
    restartable_redis.start()
    assert not caps.acquire(user_id=7, origin="web-1")  # before any timer ran


def test_a_release_that_never_reached_redis_is_repaired_on_the_next_call(redis_caps):
    import redis

    from tests.services import free_port

    for _ in range(3):
        assert caps.acquire(user_id=7, origin="web-1")
    reachable = caps._client
    caps._client = redis.Redis(port=free_port(), socket_connect_timeout=0.5)  # a network cut
    try:
        caps.release(user_id=7, origin="web-1")  # logged, not raised
    finally:
        caps._client = reachable
    # Redis still counts three for web-1; web-1 knows it holds two and says so first.
    assert caps.acquire(user_id=7, origin="web-1")
    assert not caps.acquire(user_id=7, origin="web-2")


def test_while_redis_is_down_a_new_socket_is_refused_with_an_error_not_counted(
        restartable_redis):
    import redis

    restartable_redis.stop()
    with pytest.raises(redis.RedisError):
        caps.acquire(user_id=7, origin="web-1")
    assert caps._held["web-1"].held == {}
