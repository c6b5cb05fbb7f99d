"""The chat socket through the real helpdesk.asgi application (origin and session checks run).

Each test proves one guarantee of docs/protocol.md.
"""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group

from accounts.choices import Role
from helpdesk import realtime
from helpdesk.models import Message, MessageKind
from helpdesk.services.conversations import note_add
from helpdesk.services.messages import message_post
from tests.chat.conftest import Socket, messages, open_joined, run, session_key_for
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_anonymous_socket_is_closed_with_4401():
    async def go():
        s = Socket("", headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")])
        connected, _ = await s.comm.connect(timeout=5)
        assert connected
        assert await s.closed_code() == 4401
    run(go)


def test_foreign_origin_is_refused(customer):
    key = session_key_for(customer)

    async def go():
        s = Socket(key, headers=[(b"origin", b"https://evil.example"), (b"host", b"testserver"),
                                 (b"cookie", f"sessionid={key}".encode())])
        connected, _ = await s.comm.connect(timeout=5)
        assert connected is False
    run(go)


def test_staff_without_agent_role_is_closed_with_4403():
    staff = UserFactory(is_staff=True)
    key = session_key_for(staff)

    async def go():
        s = Socket(key)
        await s.comm.connect(timeout=5)
        assert await s.closed_code() == 4403
    run(go)


def test_join_replays_history_then_send_is_acked_with_committed_id_and_seq(customer, chat):
    key = session_key_for(customer)

    async def go():
        s = await Socket(key).open()
        assert s.hello["user"]["role"] == "customer"
        await s.send(type="join", conversation=chat.reference, last_seq=0)
        frames = await s.recv_until("message")
        assert frames[0] == {"type": "joined", "conversation": chat.reference, "last_seq": 1}
        state = frames[1]
        assert state["type"] == "state" and state["status"] == "waiting"
        assert state["queue"]["position"] == 1
        assert messages(frames)[0]["body"] == "My parcel is late"
        await s.send(type="send", conversation=chat.reference, client_id="c-1", body="Hello?")
        frames = await s.recv_until("ack")
        ack = frames[-1]
        stored = await sync_to_async(Message.objects.get)(conversation=chat, client_id="c-1")
        assert ack == {"type": "ack", "conversation": chat.reference, "client_id": "c-1",
                       "id": stored.pk, "seq": 2}
        # The sender also receives its message in order, before the ack; never twice.
        assert [m["seq"] for m in messages(frames)] == [2]
        assert await s.nothing()
        await s.close()
    run(go)


def test_resending_a_client_id_returns_the_same_ack_and_no_second_message(customer, chat):
    key = session_key_for(customer)

    async def go():
        first = await Socket(key).open()
        await first.send(type="send", conversation=chat.reference, client_id="dup", body="Hi")
        ack1 = (await first.recv_until("ack"))[-1]
        await first.send(type="send", conversation=chat.reference, client_id="dup", body="Hi")
        ack2 = (await first.recv_until("ack"))[-1]
        await first.close()
        second = await Socket(key).open()
        await second.send(type="send", conversation=chat.reference, client_id="dup",
                          body="Hi (retry after reconnect)")
        ack3 = (await second.recv_until("ack"))[-1]
        await second.close()
        assert ack1 == ack2 == ack3
        count = await sync_to_async(Message.objects.filter(conversation=chat,
                                                           client_id="dup").count)()
        assert count == 1
    run(go)


def test_someone_elses_conversation_gets_not_found_and_the_socket_keeps_working(
        customer, chat, other_customer):
    key = session_key_for(other_customer)

    async def go():
        s = await Socket(key).open()
        await s.send(type="join", conversation=chat.reference, last_seq=0)
        assert (await s.recv())["code"] == "not_found"
        await s.send(type="send", conversation=chat.reference, client_id="x", body="hi")
        assert (await s.recv())["code"] == "not_found"
        await s.send(type="typing", conversation=chat.reference)
        assert (await s.recv())["code"] == "not_found"
        await s.send(type="read", conversation=chat.reference, seq=1)
        assert (await s.recv())["code"] == "not_found"
        await s.send(type="ping")
        assert (await s.recv())["type"] == "pong"
        await s.close()
    run(go)
    assert not Message.objects.filter(author=other_customer).exists()


def test_bad_frames_get_error_frames_and_harm_nothing_else(customer, chat, settings):
    settings.CHAT_MAX_FRAME_BYTES = 2000
    key = session_key_for(customer)

    async def go():
        s = await Socket(key).open()
        await s.comm.send_to(text_data="{not json")
        assert (await s.recv())["code"] == "invalid_json"
        await s.comm.send_to(text_data="[1, 2]")
        assert (await s.recv())["code"] == "invalid_frame"
        await s.send(type="launch_missiles")
        assert (await s.recv())["code"] == "unknown_type"
        await s.send(type="send", conversation=chat.reference, client_id="big", body="x" * 3000)
        assert (await s.recv())["code"] == "too_large"
        await s.comm.send_to(bytes_data=b"\x00\x01")
        assert (await s.recv())["code"] == "binary_not_supported"
        await s.send(type="join", conversation=chat.reference, last_seq="zero")
        assert (await s.recv())["code"] == "invalid_field"
        await s.send(type="send", conversation=chat.reference, client_id="", body="x")
        assert (await s.recv())["code"] == "invalid_field"
        await s.send(type="send", conversation=chat.reference, client_id="n1", body="   ")
        err = await s.recv()
        assert err["code"] == "empty" and err["client_id"] == "n1"
        await s.send(type="send", conversation=chat.reference, client_id="n2", internal=True,
                     body="I am not an agent")
        assert (await s.recv())["code"] == "forbidden"
        await s.send(type="send", conversation=chat.reference, client_id="ok", body="fine")
        assert (await s.recv_until("ack"))[-1]["seq"] == 2
        await s.close()
    run(go)
    assert list(Message.objects.filter(conversation=chat).values_list("body", flat=True)) == [
        "My parcel is late", "fine"]


def test_agent_and_customer_see_each_other_live_and_notes_never_reach_the_customer(
        customer, chat, agent):
    ckey, akey = session_key_for(customer), session_key_for(agent)

    async def go():
        c = await Socket(ckey).open()
        a = await Socket(akey).open()
        assert a.hello["user"]["role"] == "agent"
        assert (await a.recv())["type"] == "inbox"
        await c.send(type="join", conversation=chat.reference, last_seq=0)
        await c.recv_until("message", body="My parcel is late")
        await a.send(type="join", conversation=chat.reference, last_seq=0)
        await a.recv_until("joined")
        await a.send(type="send", conversation=chat.reference, client_id="n-1", internal=True,
                     body="Carrier asked: SECRET")
        await a.recv_until("ack")
        await a.send(type="send", conversation=chat.reference, client_id="r-1",
                     body="We are on it")
        await a.recv_until("ack")
        got = messages(await c.recv_until("message", body="We are on it"))
        assert all("SECRET" not in m["body"] for m in got)
        await c.send(type="send", conversation=chat.reference, client_id="c-2", body="Thanks")
        got = messages(await a.recv_until("message", body="Thanks"))
        assert [m["body"] for m in got][-1] == "Thanks"
        # A reconnecting customer replays from 0: still no note.
        await c.close()
        c2 = await Socket(ckey).open()
        await c2.send(type="join", conversation=chat.reference, last_seq=0)
        frames = await c2.recv_until("message", body="Thanks")
        assert all(m["kind"] != "note" for m in messages(frames))
        assert all("SECRET" not in json.dumps(f) for f in frames)
        await c2.close()
        await a.close()
    run(go)


def test_reconnect_with_last_seq_gets_every_missed_message_once_in_order(customer, chat, agent):
    ckey = session_key_for(customer)

    async def go():
        c = await Socket(ckey).open()
        await c.send(type="join", conversation=chat.reference, last_seq=0)
        frames = await c.recv_until("message")
        last = messages(frames)[-1]["seq"]
        await c.close()
        for i in range(5):
            await sync_to_async(message_post)(conversation=chat, author=agent,
                                              author_role="agent", body=f"m{i}")
        c = await Socket(ckey).open()
        await c.send(type="join", conversation=chat.reference, last_seq=last)
        frames = await c.recv_until("message", body="m4")
        got = messages(frames)
        # "assigned" event (the agent was present) and the five messages, each once, in order.
        seqs = [m["seq"] for m in got]
        assert seqs == sorted(set(seqs)) and seqs[0] == last + 1
        assert [m["body"] for m in got if m["kind"] == "message"] == [f"m{i}" for i in range(5)]
        assert await c.nothing()
        await c.close()
    run(go)


def test_duplicate_and_stale_hints_never_duplicate_a_message(customer, chat):
    key = session_key_for(customer)

    async def go():
        c = await Socket(key).open()
        await c.send(type="join", conversation=chat.reference, last_seq=0)
        await c.recv_until("message")
        posted = await sync_to_async(message_post)(conversation=chat, author=customer,
                                                   author_role="customer", body="once")
        got = messages(await c.recv_until("message", body="once"))
        assert len(got) == 1
        layer = get_channel_layer()
        hint = {"type": "conversation.message", "conversation": chat.pk,
                "seq": posted.message.seq, "id": posted.message.pk, "internal": False}
        await layer.group_send(realtime.conversation_group(chat.pk), hint)
        await layer.group_send(realtime.conversation_group(chat.pk), hint)
        assert await c.nothing(0.5)
        await c.close()
    run(go)


def _silently_posted(conversation, author, bodies, loss):
    """Messages committed whose hints the layer lost; their frames."""
    from helpdesk.services.messages import message_payload

    with loss.losing(type="conversation.message"):
        posted = [message_post(conversation=conversation, author=author,
                               author_role="customer", body=b).message for b in bodies]
    assert [e["seq"] for _g, e in loss.lost] == [p.seq for p in posted]
    return [(p.seq, {"type": "message", **message_payload(p, [])}) for p in posted]


def test_hints_arriving_out_of_order_are_delivered_in_order_once(customer, chat, lossy_layer):
    key = session_key_for(customer)

    async def go():
        c = await Socket(key).open()
        await c.send(type="join", conversation=chat.reference, last_seq=0)
        await c.recv_until("message")
        (s1, f1), (s2, f2), (s3, f3) = await sync_to_async(_silently_posted)(
            chat, customer, ["one", "two", "three"], lossy_layer)
        layer = get_channel_layer()
        group = realtime.conversation_group(chat.pk)
        for seq, frame in [(s3, f3), (s2, f2)]:  # the first one comes last
            await layer.group_send(group, {"type": "conversation.message", "group": group,
                                           "conversation": chat.pk, "seq": seq, "frame": frame})
        assert await c.nothing(0.1)  # held: "one" is missing
        await layer.group_send(group, {"type": "conversation.message", "group": group,
                                       "conversation": chat.pk, "seq": s1, "frame": f1})
        got = [await c.recv() for _ in range(3)]
        assert [f["body"] for f in got] == ["one", "two", "three"]
        assert await c.nothing(0.5)
        await c.close()
    run(go)


def test_a_gap_that_stays_open_is_read_from_the_database(customer, chat, lossy_layer):
    key = session_key_for(customer)

    async def go():
        c = await Socket(key).open()
        await c.send(type="join", conversation=chat.reference, last_seq=0)
        await c.recv_until("message")
        (_s1, _f1), (s2, f2) = await sync_to_async(_silently_posted)(
            chat, customer, ["lost", "arrived"], lossy_layer)
        group = realtime.conversation_group(chat.pk)
        await get_channel_layer().group_send(group, {
            "type": "conversation.message", "group": group, "conversation": chat.pk,
            "seq": s2, "frame": f2})
        got = [await c.recv(timeout=2) for _ in range(2)]  # after GAP_WAIT, not the heartbeat
        assert [f["body"] for f in got] == ["lost", "arrived"]
        assert await c.nothing(0.5)
        await c.close()
    run(go)


def test_a_dropped_hint_is_repaired_by_the_heartbeat_without_the_client(
        customer, chat, settings, lossy_layer):
    settings.CHAT_HEARTBEAT_SECONDS = 0.5
    key = session_key_for(customer)

    async def go():
        c = await Socket(key).open()
        await c.send(type="join", conversation=chat.reference, last_seq=0)
        await c.recv_until("message")
        with lossy_layer.losing(type="conversation.message"):
            await sync_to_async(message_post)(conversation=chat, author=customer,
                                              author_role="customer", body="lost hint")
            assert lossy_layer.lost_types() == ["conversation.message"]
            frames = await c.recv_until("heartbeat", timeout=3)
        assert [m["body"] for m in messages(frames)] == ["lost hint"]
        assert frames[-1]["conversations"] == {chat.reference: 2}
        await c.close()
    run(go)


def test_heartbeat_carries_the_latest_visible_seq_without_notes(customer, chat, agent, settings):
    settings.CHAT_HEARTBEAT_SECONDS = 0.5
    key = session_key_for(customer)

    async def go():
        c = await Socket(key).open()
        await c.send(type="join", conversation=chat.reference, last_seq=0)
        await c.recv_until("message")
        await sync_to_async(note_add)(conversation=chat, agent=agent, body="internal only")
        frames = await c.recv_until("heartbeat", timeout=3)
        assert messages(frames) == []
        hb = frames[-1]
        await c.close()
        return hb
    hb = run(go)
    chat.refresh_from_db()
    visible = Message.objects.filter(conversation=chat).exclude(kind=MessageKind.NOTE)
    assert hb["conversations"][chat.reference] == max(visible.values_list("seq", flat=True))
    assert hb["conversations"][chat.reference] < chat.last_seq


def test_logout_closes_the_sockets_of_that_session(customer, chat):
    from django.test import Client

    client = Client()
    client.force_login(customer)
    key = client.cookies["sessionid"].value

    async def go():
        c = await Socket(key).open()
        await sync_to_async(client.post)("/accounts/logout/")
        assert await c.closed_code(timeout=3) == 4401
    run(go)


def test_password_change_closes_sockets_at_once(customer, chat):
    key = session_key_for(customer)

    async def go():
        c = await Socket(key).open()

        def change():
            customer.set_password("another-long-pass-phrase-2")
            customer.save(update_fields=["password"])
        await sync_to_async(change)()
        assert await c.closed_code(timeout=3) == 4401
    run(go)


def test_deactivation_closes_within_the_heartbeat_even_without_the_broadcast(
        customer, chat, settings, lossy_layer):
    settings.CHAT_HEARTBEAT_SECONDS = 0.5
    key = session_key_for(customer)

    async def go():
        c = await Socket(key).open()
        customer.is_active = False
        with lossy_layer.losing(group=realtime.user_group(customer.pk)):
            await sync_to_async(customer.save)(update_fields=["is_active"])
            assert lossy_layer.lost_types() == ["user.recheck"]  # the hint was sent, and lost
            assert await c.closed_code(timeout=3) == 4401
    run(go)


def test_losing_the_agent_role_closes_the_agents_socket_with_4403(agent):
    key = session_key_for(agent)

    async def go():
        a = await Socket(key).open()
        await sync_to_async(lambda: agent.groups.remove(Group.objects.get(name=Role.AGENT)))()
        assert await a.closed_code(timeout=3) == 4403
    run(go)


def test_message_rate_limit_per_user_counts_every_socket_and_slides(customer, chat, settings):
    settings.CHAT_RATE_LIMIT = 4
    settings.CHAT_RATE_WINDOW_SECONDS = 2
    key = session_key_for(customer)

    async def go():
        a, b = await open_joined(chat.reference, key, key)
        codes = []
        # The chat's description is the customer's first message of the window.
        for i, s in enumerate([a, b, a, b, a]):
            await s.send(type="send", conversation=chat.reference, client_id=f"r{i}", body="x")
            frame = (await s.recv_until("ack", timeout=2) if i < 3 else
                     await s.recv_until("error", timeout=2))[-1]
            codes.append(frame.get("code", frame["type"]))
        await asyncio.sleep(2.1)  # the window slides past them
        await b.send(type="send", conversation=chat.reference, client_id="later", body="x")
        codes.append((await b.recv_until("ack", timeout=2))[-1]["type"])
        await a.close()
        await b.close()
        return codes
    assert run(go) == ["ack", "ack", "ack", "rate_limited", "rate_limited", "ack"]
    assert Message.objects.filter(conversation=chat, author=customer).count() == 5


def test_connection_cap_per_user(customer, settings):
    settings.CHAT_MAX_CONNECTIONS_PER_USER = 2
    key = session_key_for(customer)

    async def go():
        a = await Socket(key).open()
        b = await Socket(key).open()
        c = Socket(key)
        await c.comm.connect(timeout=5)
        assert await c.closed_code() == 4429
        await a.close()
        d = await Socket(key).open()  # a slot was freed
        await b.close()
        await d.close()
    run(go)


def test_typing_and_read_receipts_reach_the_other_side(customer, chat, agent):
    ckey, akey = session_key_for(customer), session_key_for(agent)

    async def go():
        c = await Socket(ckey).open()
        a = await Socket(akey).open()
        await c.send(type="join", conversation=chat.reference, last_seq=0)
        await c.recv_until("message", body="My parcel is late")
        await a.send(type="join", conversation=chat.reference, last_seq=0)
        await a.recv_until("joined")
        await a.send(type="typing", conversation=chat.reference)
        typing = (await c.recv_until("typing"))[-1]
        assert typing["role"] == "agent" and typing["name"] == "Boris"
        await a.send(type="read", conversation=chat.reference, seq=1)
        read = (await c.recv_until("read"))[-1]
        assert read == {"type": "read", "conversation": chat.reference, "role": "agent",
                        "seq": 1}
        await c.close()
        await a.close()
    run(go)
    assert Message.objects.get(conversation=chat, seq=1).read_at is not None


def test_unknown_customer_user_without_profile_still_only_sees_own(chat):
    stranger = CustomerFactory()
    key = session_key_for(stranger)

    async def go():
        s = await Socket(key).open()
        await s.send(type="join", conversation=chat.reference.lower(), last_seq=0)
        assert (await s.recv())["code"] == "not_found"
        await s.close()
    run(go)


def test_an_agent_removed_from_the_team_loses_its_conversations_at_once(customer, chat):
    from helpdesk.models import Conversation, Status, Team
    from tests.chat.conftest import make_agent

    agent = make_agent(full_name="Team Agent")
    team = Team.objects.create(name="Orders")
    team.members.add(agent)
    Conversation.objects.filter(pk=chat.pk).update(team=team, status=Status.OPEN, assignee=None)
    ckey, akey = session_key_for(customer), session_key_for(agent)

    async def go():
        c, a = await open_joined(chat.reference, ckey, akey)
        await sync_to_async(team.members.remove)(agent)
        frames = await a.recv_until("error", timeout=5)  # the recheck, not the heartbeat
        assert frames[-1]["code"] == "not_found"
        await c.send(type="send", conversation=chat.reference, client_id="c1", body="private")
        await c.recv_until("ack")
        frames = []
        while not await a.nothing(timeout=1):
            frames.append(await a.recv())
        assert "private" not in [m["body"] for m in messages(frames)]
        await a.close()
        await c.close()
    run(go)
