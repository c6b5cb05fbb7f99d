"""helpdesk.asgi: websockets pass the origin check and session authentication; start-up refuses
an unsafe production configuration."""

import json
import os
import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings

from accounts.services import customer_create
from helpdesk.asgi import application
from helpdesk.chat.consumers.ping import CLOSE_UNAUTHENTICATED
from tests.services import REPO, free_port

ORIGIN = (b"origin", b"http://127.0.0.1:8000")

# serialized_rollback: a transactional test flushes the database; this restores the roles
# (groups) that a data migration created, which customer_create needs.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def customer():
    return customer_create(email="ann@example.com", password="a-long-pass-phrase-1",
                           full_name="Ann Customer")


@pytest.fixture
def session_cookie(client, customer):
    client.force_login(customer)
    name = settings.SESSION_COOKIE_NAME
    return (b"cookie", f"{name}={client.cookies[name].value}".encode())


def connect(headers):
    """Open /ws/ping/ through the real application; return (communicator, connected, code)."""

    async def go():
        communicator = WebsocketCommunicator(application, "/ws/ping/", headers=headers)
        connected, code = await communicator.connect(timeout=5)
        return communicator, connected, code

    return async_to_sync(go)()


def test_a_foreign_origin_is_refused(session_cookie):
    communicator, connected, _ = connect([(b"origin", b"https://evil.example"), session_cookie])
    assert connected is False


def test_a_missing_origin_is_refused(session_cookie):
    communicator, connected, _ = connect([session_cookie])
    assert connected is False


def _origin_accepted(origin: bytes | None, host: bytes | None = b"testserver",
                     scheme: str = "ws", extra=()) -> bool:
    """Whether a handshake with these headers passes the origin check (it then reaches the
    ping route, which closes an anonymous socket with 4401 after accepting it)."""
    headers = [(b"origin", origin)] if origin is not None else []
    headers += [(b"host", host)] if host is not None else []

    async def go():
        communicator = WebsocketCommunicator(application, "/ws/ping/",
                                             headers=[*headers, *extra])
        communicator.scope["scheme"] = scheme
        connected, code = await communicator.connect(timeout=5)
        return connected or code == CLOSE_UNAUTHENTICATED

    return async_to_sync(go)()


def test_the_origin_must_match_the_host_in_scheme_and_port_as_for_a_csrf_checked_post():
    assert _origin_accepted(b"http://testserver")
    assert not _origin_accepted(b"https://testserver")        # another scheme
    assert not _origin_accepted(b"http://testserver:8443")    # another port
    assert not _origin_accepted(b"http://testserver.evil.example")
    assert not _origin_accepted(b"null")
    assert _origin_accepted(b"https://testserver", scheme="wss")
    assert not _origin_accepted(b"http://testserver", scheme="wss")  # a page over plain http
    assert not _origin_accepted(b"http://evil.example", host=b"evil.example")  # not allowed


def test_behind_a_tls_proxy_the_forwarded_scheme_counts(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    forwarded = [(b"x-forwarded-proto", b"https")]
    assert _origin_accepted(b"https://testserver", extra=forwarded)
    assert not _origin_accepted(b"http://testserver", extra=forwarded)


def test_trusted_origins_and_the_site_url_are_accepted_whatever_the_host(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com", "https://*.example.org"]
    settings.SITE_URL = "https://help.example.net"
    assert _origin_accepted(b"https://app.example.com", host=b"internal:8000")
    assert _origin_accepted(b"https://eu.example.org", host=None)
    assert _origin_accepted(b"https://help.example.net", host=None)
    assert not _origin_accepted(b"http://app.example.com", host=b"internal:8000")
    assert not _origin_accepted(b"https://app.example.com:444", host=None)


def test_a_connection_without_a_session_is_closed_as_unauthenticated():
    communicator, connected, code = connect([ORIGIN])
    assert connected is False
    assert code == CLOSE_UNAUTHENTICATED == 4401


def test_a_forged_session_cookie_is_closed_as_unauthenticated(customer):
    name = settings.SESSION_COOKIE_NAME
    communicator, connected, code = connect([ORIGIN, (b"cookie", f"{name}=forged".encode())])
    assert connected is False
    assert code == 4401


def test_a_logged_out_session_is_closed_as_unauthenticated(client, session_cookie):
    client.logout()
    communicator, connected, code = connect([ORIGIN, session_cookie])
    assert connected is False
    assert code == 4401


def test_a_signed_in_customer_pings_and_gets_pong(session_cookie):
    async def go():
        communicator = WebsocketCommunicator(application, "/ws/ping/",
                                             headers=[ORIGIN, session_cookie])
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        await communicator.send_to(text_data=json.dumps({"type": "ping"}))
        reply = json.loads(await communicator.receive_from(timeout=5))
        await communicator.disconnect()
        return reply

    assert async_to_sync(go)() == {"type": "pong", "user": "Ann"}


def test_invalid_json_gets_an_error_frame_and_the_socket_stays_usable(session_cookie):
    async def go():
        communicator = WebsocketCommunicator(application, "/ws/ping/",
                                             headers=[ORIGIN, session_cookie])
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        await communicator.send_to(text_data="{not json")
        first = json.loads(await communicator.receive_from(timeout=5))
        await communicator.send_to(text_data=json.dumps(["ping"]))
        second = json.loads(await communicator.receive_from(timeout=5))
        await communicator.send_to(text_data=json.dumps({"type": "ping"}))
        third = json.loads(await communicator.receive_from(timeout=5))
        await communicator.disconnect()
        return first, second, third

    first, second, third = async_to_sync(go)()
    assert first == {"type": "error", "code": "invalid_json"}
    assert second == {"type": "error", "code": "unknown_type"}
    assert third["type"] == "pong"


def test_an_unknown_websocket_path_is_not_served(session_cookie):
    async def go():
        communicator = WebsocketCommunicator(application, "/ws/nowhere/",
                                             headers=[ORIGIN, session_cookie])
        try:
            return await communicator.connect(timeout=1)
        except ValueError as exc:  # URLRouter: "No route found for path"
            return exc

    result = async_to_sync(go)()
    assert isinstance(result, ValueError) or result[0] is False


@pytest.mark.e2e
def test_a_real_server_answers_ping_over_a_real_websocket(asgi_server, session_cookie):
    from websockets.sync.client import connect as ws_connect

    with ws_connect(f"{asgi_server.ws_url}/ws/ping/", origin=asgi_server.url,
                    additional_headers={"Cookie": session_cookie[1].decode()},
                    open_timeout=10) as socket:
        socket.send(json.dumps({"type": "ping"}))
        assert json.loads(socket.recv(timeout=10)) == {"type": "pong", "user": "Ann"}


@pytest.mark.e2e
def test_the_server_refuses_to_start_with_debug_off_and_no_secret_key(tmp_path):
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "false",
           "HELPDESK_READ_DOT_ENV": "false", "HELPDESK_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--lifespan", "on"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "helpdesk.E001" in result.stderr
    assert "helpdesk.E003" in result.stderr
