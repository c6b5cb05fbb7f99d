"""Issue 12, item 10, on the chat socket: error frames keep their type, text that cannot be
stored is the client's error (never a server error it would retry forever), a password change
keeps its own browser's socket, a Redis outage gives a clear close code."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from helpdesk.chat.consumers import caps
from helpdesk.models import Message
from tests.chat.conftest import Socket, open_joined, run, session_key_for
from tests.services import free_port

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NUL, SURROGATE = "\x00", "\ud800"  # a lone surrogate arrives as the JSON escape "\ud800"


def test_an_unknown_frame_type_gets_an_error_frame_of_type_error(customer):
    key = session_key_for(customer)

    async def go():
        s = await Socket(key).open()
        await s.send(type="launch_missiles")
        frame = await s.recv()
        await s.close()
        return frame
    frame = run(go)
    assert frame["type"] == "error" and frame["code"] == "unknown_type"
    assert frame["frame_type"] == "launch_missiles"


def _bad_frames(reference: str, bad: str) -> list[tuple[dict, str]]:
    """Every text field of every frame type, each holding ``bad``, and the field named."""
    return [
        ({"type": "send", "conversation": reference, "client_id": "b1", "body": f"hi{bad}"},
         "body"),
        ({"type": "send", "conversation": reference, "client_id": f"c{bad}", "body": "hi"},
         "client_id"),
        ({"type": "send", "conversation": f"{reference}{bad}", "client_id": "b2", "body": "hi"},
         "conversation"),
        ({"type": "join", "conversation": f"{reference}{bad}", "last_seq": 0}, "conversation"),
        ({"type": "sync", "conversation": f"{bad}", "last_seq": 0}, "conversation"),
        ({"type": "typing", "conversation": f"HD-{bad}"}, "conversation"),
        ({"type": "read", "conversation": f"{reference}{bad}", "seq": 1}, "conversation"),
    ]


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize("joined", [True, False], ids=["joined", "not-joined"])
def test_text_that_cannot_be_stored_is_an_invalid_field_in_every_frame(customer, chat, bad,
                                                                       joined):
    key = session_key_for(customer)

    async def go():
        if joined:  # a joined socket's sends take the fast path on PostgreSQL
            (s,) = await open_joined(chat.reference, key)
        else:
            s = await Socket(key).open()
        answers = []
        for frame, _field in _bad_frames(chat.reference, bad):
            await s.send(**frame)
            answers.append((await s.recv_until("error"))[-1])
        await s.send(type="leave", conversation=f"{chat.reference}{bad}")
        left = await s.recv_until("left")
        await s.send(type="send", conversation=chat.reference, client_id="fine", body="fine")
        ack = (await s.recv_until("ack"))[-1]
        await s.close()
        return answers, left, ack

    answers, left, ack = run(go)
    expected = [("invalid_field", field) for _frame, field in _bad_frames(chat.reference, bad)]
    assert [(a["code"], a.get("field")) for a in answers] == expected
    assert answers[0]["client_id"] == "b1" and answers[0]["message"]
    assert left[-1]["type"] == "left"
    assert ack["type"] == "ack"  # the socket keeps working
    assert list(Message.objects.filter(conversation=chat).values_list("body", flat=True)) == [
        "My parcel is late", "fine"]


def test_a_caption_with_a_nul_posted_over_http_is_refused_as_the_clients_error(customer,
                                                                              chat):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    client = Client()
    client.force_login(customer)
    response = client.post(f"/chat/{chat.reference}/upload/", {
        "client_id": "u1", "caption": f"look{NUL}", "file": SimpleUploadedFile("a.png",
                                                                              out.getvalue())})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_text"
    assert not Message.objects.filter(conversation=chat, client_id="u1").exists()


async def _outputs_for(socket: Socket, seconds: float) -> list[dict]:
    """Everything the server sent ``socket`` within ``seconds`` (``receive_nothing`` waits
    without cancelling the application, as a timed-out ``receive_output`` would)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline, outputs = loop.time() + seconds, []
    while (left := deadline - loop.time()) > 0:
        if not await socket.comm.receive_nothing(timeout=left, interval=0.05):
            outputs.append(await socket.comm.receive_output(timeout=1))
    return outputs


def test_the_session_that_changed_its_password_keeps_its_socket_and_the_others_close(
        customer, chat):
    """update_session_auth_hash gives this browser's session a new key; its socket follows
    it (helpdesk.sessions). Another browser's session holds the old password: it closes."""
    password = "a-long-pass-phrase-1"
    customer.set_password(password)
    customer.save(update_fields=["password"])
    mine, other = Client(), Client()
    mine.force_login(customer)
    other.force_login(customer)
    my_key = mine.cookies["sessionid"].value
    other_key = other.cookies["sessionid"].value

    async def go():
        (me,) = await open_joined(chat.reference, my_key)
        them = await Socket(other_key).open()
        response = await sync_to_async(mine.post)(reverse("accounts:password_change"), {
            "old_password": password, "new_password1": "another-long-pass-phrase-2",
            "new_password2": "another-long-pass-phrase-2"})
        assert response.status_code == 302, response.content[:500]
        assert mine.cookies["sessionid"].value != my_key  # the session got a new key
        assert await them.closed_code(timeout=6) == 4401
        outputs = await _outputs_for(me, 2.5)  # past the wait for a new key: still open
        assert [o for o in outputs if o["type"] == "websocket.close"] == []
        await me.send(type="send", conversation=chat.reference, client_id="after", body="hi")
        ack = (await me.recv_until("ack"))[-1]
        await me.close()
        return ack
    assert run(go)["type"] == "ack"


def test_a_new_socket_while_redis_is_down_is_closed_with_1013_try_again_later(customer,
                                                                               settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    caps._client = None
    key = session_key_for(customer)

    async def go():
        s = Socket(key)
        connected, _ = await s.comm.connect(timeout=5)
        assert connected
        return await s.closed_code(timeout=10)
    try:
        assert run(go) == 1013
    finally:
        caps._client = None


def test_the_error_frame_json_never_carries_a_client_field_named_type(customer):
    """Whatever extra fields an error carries, ``type`` stays "error" (the fix is in one place:
    ``ChatConsumer._error``)."""
    key = session_key_for(customer)

    async def go():
        s = await Socket(key).open()
        await s.comm.send_to(text_data=json.dumps({"type": "x" * 100}))
        frame = await s.recv()
        await s.close()
        return frame
    frame = run(go)
    assert frame["type"] == "error" and frame["frame_type"] == "x" * 40
