"""The chat against real uvicorn processes with real websocket clients (the `websockets` library).

Data must be committed for the server process to see it: transactional tests throughout.
"""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from helpdesk.models import Message
from tests.chat.conftest import session_key_for
from tests.conftest import AsgiServer, call_failed
from tests.factories import ManagerFactory
from tests.services import PrivateRedis, redis_server_available, redis_url, require

pytestmark = [pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FAST = {"CHAT_HEARTBEAT_SECONDS": "1", "CELERY_TASK_ALWAYS_EAGER": "true",
        "HELPDESK_INPROCESS_BEAT": "false"}


class Client:
    def __init__(self, server, session_key):
        self.server, self.key = server, session_key
        self.ws = None

    async def open(self):
        self.ws = await connect(
            f"{self.server.ws_url}/ws/chat/", compression=None, open_timeout=10,
            additional_headers={"Origin": self.server.url,
                                "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.key}"})
        hello = await self.recv()
        assert hello["type"] == "hello"
        return self

    async def send(self, **frame):
        await self.ws.send(json.dumps(frame))

    async def recv(self, timeout=10):
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def until(self, pred, timeout=15):
        seen = []
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            frame = await self.recv(timeout=max(0.05, end - loop.time()))
            seen.append(frame)
            if pred(frame):
                return seen

    async def join(self, ref, last_seq=0):
        await self.send(type="join", conversation=ref, last_seq=last_seq)
        return await self.until(lambda f: f["type"] == "joined")

    async def close(self):
        await self.ws.close()


def msgs(frames):
    return [f for f in frames if f["type"] == "message"]


@pytest.fixture
def servers(request, transactional_db, django_db_serialized_rollback):
    """Start ``servers(n, **env)``; every server is stopped (and its log shown on failure)."""
    started = []

    def start(n=1, **env):
        new = [AsgiServer(extra_env={**FAST, **env}).start() for _ in range(n)]
        started.extend(new)
        return new

    yield start
    for s in started:
        s.stop()
        if call_failed(request):
            print(f"--- {s.log_path} ---\n{s.log()[-5000:]}")  # noqa: T201


def test_resume_after_a_dropped_connection_while_the_agent_kept_writing(servers, customer,
                                                                        chat, agent):
    (server,) = servers(1)
    ckey, akey = session_key_for(customer), session_key_for(agent)

    async def go():
        c = await Client(server, ckey).open()
        frames = await c.join(chat.reference)
        frames += await c.until(lambda f: f["type"] == "message" and f["seq"] >= 1)
        last = max(m["seq"] for m in msgs(frames))
        c.ws.transport.abort()  # the network drops: no closing handshake
        a = await Client(server, akey).open()
        await a.join(chat.reference)
        for i in range(15):
            await a.send(type="send", conversation=chat.reference, client_id=f"a{i}",
                         body=f"update {i}")
        await a.until(lambda f: f["type"] == "ack" and f["client_id"] == "a14")
        c = await Client(server, ckey).open()
        frames = await c.join(chat.reference, last_seq=last)
        frames += await c.until(lambda f: f["type"] == "message" and f["body"] == "update 14")
        bodies = [m["body"] for m in msgs(frames) if m["kind"] == "message"]
        assert bodies == [f"update {i}" for i in range(15)]
        seqs = [m["seq"] for m in msgs(frames)]
        assert seqs == list(range(last + 1, seqs[-1] + 1))  # every one, once, in order
        await c.send(type="send", conversation=chat.reference, client_id="c-back", body="back")
        got = await a.until(lambda f: f["type"] == "message" and f["body"] == "back")
        assert len([m for m in msgs(got) if m["body"] == "back"]) == 1
        await a.close()
        await c.close()
    async_to_sync(go)()


def test_many_concurrent_senders_keep_the_sequence_gap_free(servers, customer, chat):
    (server,) = servers(1, CHAT_RATE_LIMIT="1000")
    # Three tabs of the customer and three managers (who see every conversation; agents other
    # than the assignee would rightly be refused once the first reply claims the chat).
    managers = [ManagerFactory(full_name=f"Manager {i}") for i in range(3)]
    keys = [session_key_for(customer) for _ in range(3)] + [session_key_for(m)
                                                            for m in managers]
    per_sender = 15

    async def sender(i, key):
        c = await Client(server, key).open()
        acks = []
        for k in range(per_sender):
            await c.send(type="send", conversation=chat.reference, client_id=f"s{i}-{k}",
                         body=f"{i}/{k}")
        while len(acks) < per_sender:
            f = await c.recv(timeout=30)
            if f["type"] == "ack":
                acks.append(f)
            assert f["type"] != "error", f
        await c.close()
        return acks

    async def go():
        listener = await Client(server, keys[0]).open()
        await listener.join(chat.reference)
        results = await asyncio.gather(*(sender(i, k) for i, k in enumerate(keys)))
        acks = [a for r in results for a in r]
        total = max(a["seq"] for a in acks)
        frames = await listener.until(
            lambda f: f["type"] == "message" and f["seq"] >= total, timeout=60)
        await listener.close()
        return acks, frames, total

    acks, frames, total = async_to_sync(go)()
    stored = list(Message.objects.filter(conversation=chat).order_by("seq")
                  .values_list("seq", flat=True))
    assert stored == list(range(1, len(stored) + 1))  # gap-free in commit order
    ack_seqs = [a["seq"] for a in acks]
    assert len(ack_seqs) == len(set(ack_seqs)) == len(keys) * per_sender
    assert set(ack_seqs) <= set(stored)  # (the rest: the description and "assigned")
    seqs = [m["seq"] for m in msgs(frames)]
    assert seqs == stored[: len(seqs)] and seqs[-1] >= max(ack_seqs)  # once each, in order


def test_resending_a_client_id_after_reconnecting_gives_the_same_ack(servers, customer, chat):
    (server,) = servers(1)
    key = session_key_for(customer)

    async def go():
        c = await Client(server, key).open()
        await c.send(type="send", conversation=chat.reference, client_id="once", body="hi")
        first = (await c.until(lambda f: f["type"] == "ack"))[-1]
        c.ws.transport.abort()
        c = await Client(server, key).open()
        await c.send(type="send", conversation=chat.reference, client_id="once", body="hi")
        second = (await c.until(lambda f: f["type"] == "ack"))[-1]
        await c.close()
        return first, second

    first, second = async_to_sync(go)()
    assert first == second
    assert Message.objects.filter(conversation=chat, client_id="once").count() == 1


def test_customer_and_agent_on_two_processes_over_redis(servers, customer, chat, agent):
    url = redis_url()
    require(bool(url), "Redis is needed for two ASGI processes to share a channel layer")
    url = url.rsplit("/", 1)[0] + "/13"
    a_server, c_server = servers(2, REDIS_URL=url)
    ckey, akey = session_key_for(customer), session_key_for(agent)

    async def go():
        c = await Client(c_server, ckey).open()
        a = await Client(a_server, akey).open()
        await c.join(chat.reference)
        await a.join(chat.reference)
        await a.send(type="send", conversation=chat.reference, client_id="x1", body="hello")
        got = await c.until(lambda f: f["type"] == "message" and f["body"] == "hello", 10)
        assert got[-1]["author_role"] == "agent"
        await c.send(type="typing", conversation=chat.reference)
        await a.until(lambda f: f["type"] == "typing" and f["role"] == "customer", 10)
        await c.send(type="send", conversation=chat.reference, client_id="y1", body="hi back")
        await a.until(lambda f: f["type"] == "message" and f["body"] == "hi back", 10)
        await a.close()
        await c.close()
    async_to_sync(go)()


def test_redis_restarted_mid_chat_is_repaired_without_the_user(servers, customer, chat, agent):
    require(redis_server_available(), "redis-server is needed to restart Redis mid-chat")
    redis = PrivateRedis()
    redis.start()
    try:
        a_server, c_server = servers(2, REDIS_URL=redis.url)
        ckey, akey = session_key_for(customer), session_key_for(agent)

        async def go():
            c = await Client(c_server, ckey).open()
            a = await Client(a_server, akey).open()
            await c.join(chat.reference)
            await a.join(chat.reference)
            await a.send(type="send", conversation=chat.reference, client_id="b1",
                         body="before")
            got = await c.until(lambda f: f["type"] == "message" and f["body"] == "before")
            last = got[-1]["seq"]
            await asyncio.to_thread(redis.stop)
            await asyncio.to_thread(redis.start)  # empty: every group membership is gone
            # The agent's client resends with the same client id until acked (the protocol).
            ack = None
            for _attempt in range(20):
                try:
                    await a.send(type="send", conversation=chat.reference, client_id="b2",
                                 body="after restart")
                    ack = (await a.until(lambda f: f["type"] == "ack", 5))[-1]
                    break
                except (ConnectionClosed, TimeoutError):
                    await asyncio.sleep(0.5)
                    try:
                        a = await Client(a_server, akey).open()
                    except (OSError, ConnectionClosed, TimeoutError):
                        pass
            assert ack is not None
            # The customer does nothing; their client reconnects with last_seq if closed.
            seen = []
            for _attempt in range(20):
                try:
                    seen += msgs(await c.until(
                        lambda f: f["type"] == "message" and f["body"] == "after restart", 10))
                    break
                except (ConnectionClosed, TimeoutError):
                    await asyncio.sleep(0.5)
                    last = max([last] + [m["seq"] for m in seen])
                    try:
                        c = await Client(c_server, ckey).open()
                        await c.send(type="join", conversation=chat.reference, last_seq=last)
                    except (OSError, ConnectionClosed, TimeoutError):
                        pass
            assert [m["body"] for m in seen].count("after restart") == 1
            await a.close()
            await c.close()
        async_to_sync(go)()
    finally:
        redis.stop()
