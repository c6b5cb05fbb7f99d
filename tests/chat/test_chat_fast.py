"""The chat's hot path on PostgreSQL (``helpdesk.chat.consumers.chat_fast``).

It must post exactly what the general path posts for every kind of user, hand every unusual
case back to the general path without leaving a trace (no sequence number used, no message),
and deliver from the broadcast only while the socket may still see the conversation.
"""

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from helpdesk.chat.consumers import chat_db, chat_fast
from helpdesk.models import Channel, Conversation, Message, Status, Team
from helpdesk.selectors import over_rate_limit
from helpdesk.services.conversations import conversation_open, conversation_transfer
from helpdesk.services.messages import message_payload
from tests.chat.conftest import make_agent, messages, open_joined, run, session_key_for
from tests.factories import CustomerFactory, ManagerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the fast path runs on PostgreSQL only"),
]


def _ident(user):
    ident, code = chat_db.connection_open(session_key=session_key_for(user), origin="test")
    assert code is None
    return ident


def _chat(customer, **extra):
    conv = conversation_open(customer=customer, channel=extra.pop("channel", "chat"),
                             topic="orders", description="My parcel is late", client_id="pre")
    if extra:
        Conversation.objects.filter(pk=conv.pk).update(**extra)
    conv.refresh_from_db()
    return conv


def _post(ident, conv, body="Hello", client_id="c1", internal=False):
    async def go():
        try:
            return await chat_fast.post(ident=ident, conversation_id=conv.pk,
                                        reference=conv.reference, body=body,
                                        client_id=client_id, internal=internal)
        finally:
            chat_fast.close_all()
    return async_to_sync(go)()


def test_customers_agents_and_managers_post_in_one_statement_what_the_services_would():
    customer = CustomerFactory(full_name="Ann Customer")
    agent = make_agent()
    team = Team.objects.create(name="Orders")
    team.members.add(agent)
    conv = _chat(customer, team=team, assignee=agent, status=Status.OPEN)
    posted = [
        _post(_ident(customer), conv, "Where is it?", "c1"),
        _post(_ident(agent), conv, "On its way", "a1"),
        _post(_ident(agent), conv, "carrier asked", "n1", internal=True),
        _post(_ident(ManagerFactory()), conv, "Manager here", "m1"),
    ]
    assert all(p is not None for p in posted), posted
    conv.refresh_from_db()
    assert [p.seq for p in posted] == list(range(conv.last_seq - 3, conv.last_seq + 1))
    assert conv.first_response_at is not None  # the agent's answer was the first response
    for p in posted:
        stored = Message.objects.select_related("author", "conversation").get(pk=p.id)
        assert p.frame == {"type": "message", **message_payload(stored, [])}
    assert Message.objects.get(pk=posted[2].id).kind == "note"


def test_unusual_cases_go_to_the_general_path_and_leave_no_trace(settings):
    settings.CHAT_RATE_LIMIT = 5  # three descriptions and "first" count: one more is allowed
    customer, other = CustomerFactory(), CustomerFactory()
    agent = make_agent()
    conv = _chat(customer)
    closed = _chat(customer, status=Status.RESOLVED)
    email = _chat(customer, channel=Channel.EMAIL)
    foreign = _chat(other)
    assert _post(_ident(customer), conv, "first", "c1") is not None
    before = {c.pk: Conversation.objects.get(pk=c.pk).last_seq
              for c in (conv, closed, email, foreign)}
    assert _post(_ident(customer), conv, "again", "c1") is None      # reused client id
    assert _post(_ident(customer), closed, "hello?", "c2") is None   # closed chat
    assert _post(_ident(agent), email, "Dear Ann", "a1") is None     # a reply that emails
    assert _post(_ident(customer), foreign, "mine?", "c3") is None   # not theirs
    assert _post(_ident(customer), conv, "   ", "c4") is None        # empty
    after = {c.pk: Conversation.objects.get(pk=c.pk).last_seq
             for c in (conv, closed, email, foreign)}
    assert after == before  # no sequence number was used up
    assert not Message.objects.filter(client_id__in=["c2", "a1", "c3", "c4"]).exists()
    # The rate limit (the user's messages in the window, any conversation) is in the statement.
    assert _post(_ident(customer), conv, "third", "c5") is not None
    assert _post(_ident(customer), conv, "fourth", "c6") is None
    assert over_rate_limit(author_id=customer.pk)
    assert not Message.objects.filter(client_id="c6").exists()


def test_an_agent_who_lost_the_conversation_gets_no_more_live_messages(customer):
    agent, other = make_agent(), make_agent(full_name="Other Agent")
    team, elsewhere = Team.objects.create(name="Orders"), Team.objects.create(name="Returns")
    team.members.add(agent)
    elsewhere.members.add(other)
    conv = _chat(customer, team=team, assignee=agent, status=Status.OPEN)
    ckey, akey = session_key_for(customer), session_key_for(agent)

    async def go():
        c, a = await open_joined(conv.reference, ckey, akey)
        await c.send(type="send", conversation=conv.reference, client_id="c1", body="one")
        await a.recv_until("message", body="one")
        from asgiref.sync import sync_to_async

        await sync_to_async(conversation_transfer)(
            conversation=await sync_to_async(Conversation.objects.get)(pk=conv.pk),
            by=agent, to_team=elsewhere)
        await c.send(type="send", conversation=conv.reference, client_id="c2",
                     body="after the transfer")
        await c.recv_until("ack")
        frames = await a.recv_until("error", timeout=5)
        assert frames[-1]["code"] == "not_found"
        assert "after the transfer" not in [m["body"] for m in messages(frames)]
        await a.close()
        await c.close()
    run(go)


def test_the_pool_stays_within_its_size_and_serves_waiting_senders_in_arrival_order(settings):
    """CHAT_FAST_POOL_SIZE bounds the connections a process opens to PostgreSQL, and a freed
    connection goes to the sender that has waited longest (not to whoever asks next)."""
    import asyncio

    settings.CHAT_FAST_POOL_SIZE = 2

    async def scenario():
        pool = chat_fast._pool()
        try:
            first, second = await pool.get(), await pool.get()
            served = []

            async def send(n):
                conn = await pool.get()
                served.append(n)
                await conn.execute("SELECT 1")
                await asyncio.sleep(0)
                pool.put(conn, True)

            waiting = [asyncio.get_running_loop().create_task(send(n)) for n in range(4)]
            await asyncio.sleep(0.05)
            assert served == [] and pool.opened == 2  # all four wait; no third connection
            pool.put(first, True)
            late = asyncio.get_running_loop().create_task(send(99))  # asks after the four
            pool.put(second, True)
            await asyncio.gather(*waiting, late)
            assert served == [0, 1, 2, 3, 99]
            assert pool.opened == 2
        finally:
            chat_fast.close_all()

    async_to_sync(scenario)()
