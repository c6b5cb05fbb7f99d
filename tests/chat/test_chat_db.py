"""The batched periodic check of chat sockets (``helpdesk.chat.consumers.chat_tick.tick_many``).

The consumer tests prove what a client sees (heartbeats, repairs, closes); these prove what
the batch decides on its own: it answers "quiet" only when the per-socket check would have
found nothing to do, and it costs the same few queries for any number of sockets.
"""

import pytest

from helpdesk.chat.consumers import chat_db, chat_statements, chat_tick
from helpdesk.services.conversations import chat_message_send, conversation_open, note_add
from tests.chat.conftest import make_agent, session_key_for
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _ident(user):
    ident, code = chat_db.connection_open(session_key=session_key_for(user), origin="test")
    assert code is None
    return ident


def _chat(customer):
    conv = conversation_open(customer=customer, channel="chat", topic="orders",
                             description="My parcel is late", client_id="pre")
    conv.refresh_from_db()
    return conv


def test_quiet_customer_sockets_are_checked_in_three_queries_however_many(
        django_assert_num_queries):
    items, chats = [], []
    for customer in CustomerFactory.create_batch(6):
        conv = _chat(customer)
        chats.append(conv)
        items.append((_ident(customer), {conv.pk: conv.last_seq}))
    with django_assert_num_queries(3):  # sessions, users, conversations with latest seq
        results = chat_tick.tick_many(items=items)
    assert [r.latest for r in results] == [{c.reference: c.last_seq} for c in chats]


def test_the_heartbeat_seq_of_a_customer_skips_internal_notes():
    customer, agent = CustomerFactory(), make_agent()
    conv = _chat(customer)
    note_add(conversation=conv, agent=agent, body="carrier asked", client_id="n1")
    conv.refresh_from_db()
    (result,) = chat_tick.tick_many(items=[(_ident(customer), {conv.pk: conv.last_seq})])
    assert result.latest == {conv.reference: conv.last_seq - 1}


def test_a_message_past_the_cursor_leaves_the_socket_to_its_own_check():
    customer, agent = CustomerFactory(), make_agent()
    conv = _chat(customer)
    cursor = conv.last_seq
    chat_message_send(conversation=conv, user=agent, as_agent=True, body="Hello",
                      client_id="a1")
    (result,) = chat_tick.tick_many(items=[(_ident(customer), {conv.pk: cursor})])
    assert result is None  # the socket's tick delivers it before the heartbeat


def test_a_changed_password_or_a_foreign_conversation_is_never_quiet():
    customer, other = CustomerFactory(), CustomerFactory()
    conv, foreign = _chat(customer), _chat(other)
    ident = _ident(customer)
    (result,) = chat_tick.tick_many(items=[(ident, {foreign.pk: foreign.last_seq})])
    assert result is None
    customer.set_password("another-long-pass-phrase-2")
    customer.save(update_fields=["password"])
    (result,) = chat_tick.tick_many(items=[(ident, {conv.pk: conv.last_seq})])
    assert result is None
    # ... and the per-socket check that follows closes it.
    assert chat_tick.tick(ident=ident, cursors={conv.pk: conv.last_seq}).close_code == 4401


def test_a_changed_user_row_goes_to_the_sockets_own_check_which_reloads_the_user():
    customer = CustomerFactory(full_name="Ann Old")
    conv = _chat(customer)
    ident = _ident(customer)
    assert chat_tick.tick_many(items=[(ident, {conv.pk: conv.last_seq})])[0] is not None
    type(customer).objects.filter(pk=customer.pk).update(full_name="Ann New")
    (result,) = chat_tick.tick_many(items=[(ident, {conv.pk: conv.last_seq})])
    assert result is None and ident.user.full_name == "Ann Old"
    assert chat_tick.tick(ident=ident, cursors={conv.pk: conv.last_seq}).close_code is None
    assert ident.user.full_name == "Ann New"
    assert chat_tick.tick_many(items=[(ident, {conv.pk: conv.last_seq})])[0] is not None


def test_quiet_agents_are_checked_in_the_batch_with_notes_in_their_latest_seq(
        django_assert_num_queries):
    from django.utils import timezone

    from helpdesk.models import AgentPresence

    customer, agent = CustomerFactory(), make_agent()
    conv = _chat(customer)
    note_add(conversation=conv, agent=agent, body="carrier asked", client_id="n1")
    conv.refresh_from_db()
    ident = _ident(agent)
    AgentPresence.objects.filter(user=agent).update(last_seen_at=timezone.now()
                                                    - timezone.timedelta(minutes=5))
    # sessions, users, roles, teams, conversations, presence (one update: the agent has a row)
    with django_assert_num_queries(6):
        (result,) = chat_tick.tick_many(items=[(ident, {conv.pk: conv.last_seq})])
    assert result.latest == {conv.reference: conv.last_seq}  # agents see the note
    assert ident.user.is_agent  # roles answered from the batch
    seen = AgentPresence.objects.get(user=agent).last_seen_at
    assert timezone.now() - seen < timezone.timedelta(seconds=30)


def test_presence_is_written_by_one_function_for_one_agent_or_many(django_assert_num_queries):
    """``assignment.presence_touch``, which the socket's open and check (``agent_seen``) and the
    batched check all call: one update when every agent has a row, a row made for any without."""
    from datetime import timedelta

    from django.utils import timezone

    from helpdesk.models import AgentPresence
    from helpdesk.services.assignment import agent_seen, presence_touch

    known, new = make_agent(), make_agent(full_name="New")
    AgentPresence.objects.filter(user=new).delete()
    AgentPresence.objects.update_or_create(user=known, defaults={
        "last_seen_at": timezone.now() - timedelta(minutes=5)})
    now = timezone.now()
    presence_touch(agent_ids=[known.pk, new.pk], now=now)
    assert dict(AgentPresence.objects.filter(user__in=[known, new]).values_list(
        "user_id", "last_seen_at")) == {known.pk: now, new.pk: now}
    later = now + timedelta(seconds=1)
    with django_assert_num_queries(1):
        presence_touch(agent_ids=[known.pk, new.pk], now=later)
    with django_assert_num_queries(0):
        presence_touch(agent_ids=[])
    agent_seen(agent_id=known.pk, now=later + timedelta(seconds=1))
    assert AgentPresence.objects.get(user=known).last_seen_at == later + timedelta(seconds=1)
    assert AgentPresence.objects.get(user=new).last_seen_at == later


def test_an_agent_who_lost_the_role_or_the_conversation_is_left_to_their_own_check():
    from django.contrib.auth.models import Group

    from accounts.choices import Role
    from helpdesk.models import Conversation, Team

    customer, agent, other = CustomerFactory(), make_agent(), make_agent(full_name="Other")
    conv = _chat(customer)
    team = Team.objects.create(name="Returns")
    Conversation.objects.filter(pk=conv.pk).update(team=team, assignee=other)
    conv.refresh_from_db()
    (result,) = chat_tick.tick_many(items=[(_ident(agent), {conv.pk: conv.last_seq})])
    assert result is None  # no longer visible: the own check reports it lost
    ident = _ident(agent)
    agent.groups.remove(Group.objects.get(name=Role.AGENT))
    (result,) = chat_tick.tick_many(items=[(ident, {})])
    assert result is None  # the own check closes it with 4403
    assert chat_tick.tick(ident=ident, cursors={}).close_code == 4403


# --- the delivery statement, compiled once per thread and shape (chat_statements.delivery_rows) ------

def _fresh_rows(ident, conv, cursor):
    return list(chat_statements.delivery_queryset(ident.user, ident.as_agent, conv.pk, cursor))


def test_the_compiled_delivery_statement_answers_as_the_orm_for_every_kind_of_user(manager):
    from helpdesk.models import Team

    team = Team.objects.create(name="Returns")
    member, outsider = make_agent(full_name="Team Member"), make_agent(full_name="Other Agent")
    team.members.add(member)
    first, second = CustomerFactory.create_batch(2)
    chats = [_chat(first), _chat(second)]
    chats[1].team = team
    chats[1].save(update_fields=["team"])
    for n, conv in enumerate(chats):
        chat_message_send(conversation=conv, user=conv.customer, as_agent=False,
                          body=f"message {n}", client_id=f"c{n}")
        note_add(conversation=conv, agent=member, body="a note", client_id=f"n{n}")
    idents = [_ident(u) for u in (first, second, member, outsider, manager)]
    for ident in idents:  # each kind of user twice: the second call runs the cached statement
        for conv in chats:
            for cursor in (0, 1):
                assert chat_statements.delivery_rows(ident, conv.pk, cursor) == _fresh_rows(
                    ident, conv, cursor)
    # What the statement decides, spelled out: a customer gets their own chat without notes,
    # nothing of another's; an agent outside the chat's team nothing of it; a manager all.
    kinds = lambda ident, conv: [r[8] for r in chat_statements.delivery_rows(ident, conv.pk, 0)]  # noqa: E731
    assert kinds(idents[0], chats[0]) == ["message", "message"]
    assert kinds(idents[0], chats[1]) == []
    assert kinds(idents[3], chats[1]) == []
    assert kinds(idents[2], chats[1]) == ["message", "message", "note"]
    assert kinds(idents[4], chats[0]) == ["message", "message", "note"]


def test_delivery_frames_match_the_message_payload(customer):
    from helpdesk.models import Message
    from helpdesk.services.messages import message_payload

    conv = _chat(customer)
    chat_message_send(conversation=conv, user=customer, as_agent=False, body="Any news?",
                      client_id="c1")
    frames, cursor, allowed = chat_db.deliver(ident=_ident(customer), conversation_id=conv.pk,
                                              cursor=0)
    expected = [{"type": "message", **message_payload(m)}
                for m in Message.objects.filter(conversation=conv).order_by("seq")]
    assert (frames, cursor, allowed) == (expected, 2, True)


def test_a_resent_client_id_neither_posts_nor_uses_a_sequence_number(customer):
    conv = _chat(customer)
    sent = chat_message_send(conversation=conv, user=customer, as_agent=False, body="One",
                             client_id="c1")
    again = chat_message_send(conversation=conv, user=customer, as_agent=False, body="One",
                              client_id="c1")
    after = chat_message_send(conversation=conv, user=customer, as_agent=False, body="Two",
                              client_id="c2")
    conv.refresh_from_db()
    assert (sent.created, again.created) == (True, False)
    assert (again.message.pk, again.message.seq) == (sent.message.pk, sent.message.seq)
    assert (sent.message.seq, after.message.seq, conv.last_seq) == (2, 3, 3)


def test_the_rate_limit_counts_on_its_index_without_a_join_or_a_sort():
    """The rate limit's queryset (counted by the general path, compiled into the fast path's
    statement) must stay a plain range on ``message_author_recent``: the model's default
    ordering would join every recent message's conversation and sort them, per message."""
    from django.utils import timezone

    from helpdesk.selectors import recent_messages_of

    sql = str(recent_messages_of(author_id=1, since=timezone.now(), limit=5).query)
    assert "JOIN" not in sql and "ORDER BY" not in sql
