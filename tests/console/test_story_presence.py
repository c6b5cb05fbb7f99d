"""Collision detection over /ws/chat/: the ``viewing`` frame (helpdesk/chat/consumers/chat.py,
chat_events.py). An agent who has a conversation open is announced to the other agents in it,
never to the customer; leaving or closing the socket says so; repeats are throttled."""

import pytest

from helpdesk.services.conversations import conversation_open
from tests.chat.conftest import Socket, open_joined, run, session_key_for
from tests.factories import AgentFactory, CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True, scope="module")
def _chat_db_threads_closed(django_db_setup, django_db_blocker):
    """The consumers' database threads keep connections open; close them at the end."""
    yield
    from helpdesk.chat.consumers.chat import db_threads_close

    with django_db_blocker.unblock():
        db_threads_close()


@pytest.fixture
def people():
    customer = CustomerFactory(full_name="Ann Customer")
    olga = AgentFactory(full_name="Olga Agent")
    boris = AgentFactory(full_name="Boris Agent")
    chat = conversation_open(customer=customer, channel="chat", topic="orders",
                             description="My parcel is late")
    return customer, olga, boris, chat


def test_an_agent_viewing_is_announced_to_other_agents_and_never_to_the_customer(people):
    customer, olga, boris, chat = people
    keys = [session_key_for(u) for u in (customer, olga, boris)]

    async def go():
        c, o, b = await open_joined(chat.reference, *keys)
        await c.recv_until("message", body="My parcel is late")
        await b.recv_until("message", body="My parcel is late")
        await o.send(type="viewing", conversation=chat.reference, active=True)
        viewing = (await b.recv_until("viewing"))[-1]
        assert viewing == {"type": "viewing", "conversation": chat.reference,
                           "user": olga.pk, "name": "Olga", "active": True}
        # Olga types: Boris learns who (the user id lets the console merge both lines).
        await o.send(type="typing", conversation=chat.reference)
        typing = (await b.recv_until("typing"))[-1]
        assert typing["name"] == "Olga" and typing["user"] == olga.pk
        customer_typing = (await c.recv_until("typing"))[-1]
        assert "user" not in customer_typing  # no staff ids for customers
        # Leaving says so.
        await o.send(type="leave", conversation=chat.reference)
        gone = (await b.recv_until("viewing"))[-1]
        assert gone["active"] is False and gone["user"] == olga.pk
        assert await c.nothing()  # the customer heard of none of it
        await o.close()
        await b.close()
        await c.close()
    run(go)


def test_closing_the_console_ends_the_viewing(people):
    customer, olga, boris, chat = people
    okey, bkey = session_key_for(olga), session_key_for(boris)

    async def go():
        o, b = await open_joined(chat.reference, okey, bkey)
        await o.send(type="viewing", conversation=chat.reference)
        assert (await b.recv_until("viewing"))[-1]["active"] is True
        await o.close()
        gone = (await b.recv_until("viewing"))[-1]
        assert gone == {"type": "viewing", "conversation": chat.reference, "user": olga.pk,
                        "name": "Olga", "active": False}
        await b.close()
    run(go)


def test_a_customer_may_not_send_viewing_and_repeats_are_throttled(people):
    customer, olga, boris, chat = people
    other = conversation_open(customer=customer, channel="web", topic="orders",
                              description="Another one")
    keys = [session_key_for(u) for u in (customer, olga, boris)]

    async def go():
        c, o, b = await open_joined(chat.reference, *keys)
        await c.send(type="viewing", conversation=chat.reference)
        assert (await c.recv_until("error"))[-1]["code"] == "forbidden"
        await b.recv_until("message", body="My parcel is late")
        for _ in range(5):
            await o.send(type="viewing", conversation=chat.reference)
        assert len([f for f in await b.recv_until("viewing") if f["type"] == "viewing"]) == 1
        assert await b.nothing(0.5)  # the four repeats within 2 s went nowhere
        await o.send(type="viewing", conversation=chat.reference, active="yes")
        assert (await o.recv_until("error"))[-1]["field"] == "active"
        # Presence is about a conversation the socket joined.
        await o.send(type="viewing", conversation=other.reference)
        assert (await o.recv_until("error"))[-1]["code"] == "not_found"
        for s in (c, o, b):
            await s.close()
    run(go)


def test_an_agent_of_another_team_cannot_announce_presence(people):
    customer, olga, boris, chat = people
    from helpdesk.models import Team

    chat.team = Team.objects.create(name="Payments")
    chat.save(update_fields=["team"])
    chat.team.members.add(boris)
    okey = session_key_for(olga)

    async def go():
        o = await Socket(okey).open()
        await o.send(type="join", conversation=chat.reference, last_seq=0)
        assert (await o.recv_until("error"))[-1]["code"] == "not_found"
        await o.send(type="viewing", conversation=chat.reference)
        assert (await o.recv_until("error"))[-1]["code"] == "not_found"
        await o.close()
    run(go)
