"""Fixtures for the live chat tests: users with sessions, conversations, socket helpers."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from accounts.choices import Role
from accounts.models import AgentStatus, MembershipTier
from helpdesk.asgi import application
from helpdesk.services.assignment import agent_seen
from helpdesk.services.conversations import conversation_open
from tests.e2e.conftest import browser, page_factory  # noqa: F401 - Chromium for test_browser
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory

ORIGIN = (b"origin", b"http://testserver")
HOST = (b"host", b"testserver")  # what a browser on http://testserver sends with that origin


def session_key_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def headers_for(session_key: str) -> list[tuple[bytes, bytes]]:
    return [ORIGIN, HOST,
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode())]


def run(coro_fn, *args, **kwargs):
    """Run an async scenario from a sync (transactional) test."""
    return async_to_sync(coro_fn)(*args, **kwargs)


class Socket:
    """A chat socket through the real ASGI application, with JSON helpers."""

    def __init__(self, session_key: str, headers=None):
        self.comm = WebsocketCommunicator(application, "/ws/chat/",
                                          headers=headers or headers_for(session_key))
        self.hello = None

    async def open(self, expect_hello=True):
        connected, code = await self.comm.connect(timeout=5)
        assert connected, code
        if expect_hello:
            self.hello = await self.recv()
            assert self.hello["type"] == "hello", self.hello
        return self

    async def send(self, **frame):
        await self.comm.send_to(text_data=json.dumps(frame))

    async def recv(self, timeout=5):
        return json.loads(await self.comm.receive_from(timeout=timeout))

    async def recv_until(self, type_, timeout=5, **match):
        """Frames up to and including the first of ``type_`` matching ``match``."""
        seen = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            frame = await self.recv(timeout=max(0.05, deadline - loop.time()))
            seen.append(frame)
            if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
                return seen

    async def nothing(self, timeout=0.3) -> bool:
        return await self.comm.receive_nothing(timeout=timeout)

    async def closed_code(self, timeout=5):
        """Read until the server closes; return the close code."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            out = await self.comm.receive_output(timeout=max(0.05, deadline - loop.time()))
            if out["type"] == "websocket.close":
                return out.get("code")

    async def close(self):
        await self.comm.disconnect()


async def open_joined(reference: str, *session_keys: str) -> list["Socket"]:
    """One socket per session key, each joined to ``reference`` (its replay not read)."""
    sockets = [await Socket(key).open() for key in session_keys]
    for s in sockets:
        await s.send(type="join", conversation=reference, last_seq=0)
        await s.recv_until("joined")
    return sockets


def messages(frames):
    return [f for f in frames if f["type"] == "message"]


@pytest.fixture(autouse=True, scope="session")
def _chat_db_threads_closed(django_db_setup, django_db_blocker):
    """The consumers' database threads keep connections open; close them before the test
    database is dropped."""
    yield
    from helpdesk.chat.consumers.chat import db_threads_close

    with django_db_blocker.unblock():
        db_threads_close()


@pytest.fixture
def lossy_layer(settings):
    """The configured channel layer (in-memory, or Redis pub/sub on the services run), made
    to lose the events a test names: ``with lossy_layer.losing(type=..., group=...):``.
    Everything runs its real path; the event is lost in the layer's ``group_send``, where a
    full channel or a broken Redis connection loses it in production. ``lossy_layer.lost``
    holds what was lost, so a test can check that the loss it is about happened."""
    from tests.chat import lossy_layer as lossy

    layer = settings.CHANNEL_LAYERS["default"]
    settings.CHANNEL_LAYERS = {"default": {**layer, "BACKEND": lossy.LOSSY[layer["BACKEND"]]}}
    lossy.LOSS = lossy.Loss()
    yield lossy.LOSS
    lossy.LOSS = lossy.Loss()


@pytest.fixture
def customer(db):
    return CustomerFactory(full_name="Ann Customer")


@pytest.fixture
def premium_customer(db):
    return CustomerFactory(full_name="Pat Premium", profile__tier=MembershipTier.PREMIUM)


@pytest.fixture
def other_customer(db):
    return CustomerFactory(full_name="Olga Other")


def make_agent(status=AgentStatus.ONLINE, present=True, full_name="Agent Smith", **profile):
    agent = AgentFactory(full_name=full_name, **{f"agent_profile__{k}": v for k, v in
                                                 {"status": status, **profile}.items()})
    if present:
        agent_seen(agent_id=agent.pk)
    return agent


@pytest.fixture
def agent(db):
    return make_agent(full_name="Boris Agent")


@pytest.fixture
def manager(db):
    return ManagerFactory(full_name="Mila Manager")


@pytest.fixture
def chat(customer):
    """A waiting chat of ``customer`` (no agent online yet unless a test made one)."""
    return conversation_open(customer=customer, channel="chat", topic="orders",
                             description="My parcel is late", client_id="pre-1")


__all__ = ["HOST", "ORIGIN", "Role", "Socket", "headers_for", "make_agent", "messages", "open_joined", "run",
           "session_key_for"]
