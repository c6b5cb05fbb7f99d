"""The per-user socket cap across server processes (``helpdesk.consumers.caps``)."""

import pytest

from helpdesk.consumers import caps
from tests.services import redis_url, require


@pytest.fixture
def redis_caps(settings):
    url = redis_url(db=14)
    require(bool(url), "Redis is needed to count sockets across processes")
    settings.REDIS_URL = url
    settings.CHAT_MAX_CONNECTIONS_PER_USER = 3
    caps._client = None
    client = caps._redis()
    client.flushdb()
    yield client
    client.flushdb()
    caps._client = None


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
