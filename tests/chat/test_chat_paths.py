"""The chat's two paths post the same thing: a differential test on PostgreSQL.

The same sequence (customer messages, an internal note, an agent's reply that takes the waiting
chat, a resend, read receipts, a burst past the rate limit, a reconnect that resumes from a
cursor, an agent's reply that leaves by email) is posted once with the fast path
(``CHAT_FAST_PATH``, ``helpdesk.chat.consumers.chat_fast``) and once through the general ORM
path only. The rows written (messages, read receipts, the conversations' counters and
timestamps, outbox rows) and every frame each client receives must be the same, once ids,
references and times are replaced by what they stand for. Attachments are uploaded over HTTP,
not through the socket, so they take no chat path and are not part of the sequence.
"""

import re
from datetime import time

import pytest
from channels.db import database_sync_to_async
from django.db import connection

from accounts.models import AgentStatus
from helpdesk import sla
from helpdesk.chat.consumers import chat_fast
from helpdesk.chat.models import ReadReceipt
from helpdesk.mail.models import OutboundEmail
from helpdesk.models import BusinessHours, Conversation, Message
from helpdesk.services.conversations import conversation_open
from tests.chat.conftest import Socket, make_agent, run, session_key_for
from tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the fast path runs on PostgreSQL only"),
]

QUIET = 0.7  # longer than the sockets' debounce (0.3 s) and a database hop on a loaded machine
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


async def _drain(sock: Socket) -> list[dict]:
    """The frames ``sock`` receives until it has been quiet for ``QUIET``."""
    frames: list[dict] = []
    while not await sock.comm.receive_nothing(timeout=QUIET):
        frames.append(await sock.recv())
    return frames


# Frames a socket re-reads after events (debounced, 0.3 s): whether two events of one change
# (the chat's state and the queue's, or two inbox changes) fall into one read or two depends on
# timing, not on the path, and the client only replaces what it shows with the latest.
REREAD = ("state", "inbox")


def _as_seen(got: list) -> list:
    """Per step and socket: its other frames in order, and what it shows after the step (the
    latest ``state`` of each conversation and the latest ``inbox`` received so far)."""
    shown: dict[str, dict] = {}
    out = []
    for step, who, frames in got:
        mine = shown.setdefault(who, {})
        for f in frames:
            if f["type"] in REREAD:
                mine[(f["type"], f.get("conversation"))] = f
        out.append((step, who, [f for f in frames if f["type"] not in REREAD],
                    sorted(mine.values(), key=lambda f: (f["type"], f.get("conversation", "")))))
    return out


def _scenario(settings, fast: bool) -> dict:
    """Run the sequence with the fast path on or off; what it wrote and what each client got."""
    settings.CHAT_FAST_PATH = fast
    settings.CHAT_RATE_LIMIT = 5
    settings.CHAT_RATE_WINDOW_SECONDS = 60
    customer = CustomerFactory(full_name="Ann Customer",
                               email=f"ann-{'fast' if fast else 'general'}@example.com")
    # Away: nobody takes the chat automatically, so the agent's reply takes it (after_post).
    agent = make_agent(full_name="Boris Agent", status=AgentStatus.AWAY)
    chat = conversation_open(customer=customer, channel="chat", topic="orders",
                             description="My parcel is late", client_id="pre-1")
    web = conversation_open(customer=customer, channel="web", topic="orders",
                            description="Please write back", client_id="pre-2",
                            subject="Parcel")
    ckey, akey = session_key_for(customer), session_key_for(agent)
    got: list[tuple[str, str, list[dict]]] = []
    posted_fast: list[int] = []
    real_post = chat_fast.post

    async def counting_post(**kwargs):
        posted = await real_post(**kwargs)
        if posted is not None:
            posted_fast.append(posted.seq)
        return posted

    dues: list[tuple] = []

    async def step(name, *sockets_frames):
        for label, sock in sockets_frames:
            got.append((name, label, await _drain(sock)))
        dues.append((name, *await database_sync_to_async(_dues_as)(chat, web)))

    async def go():
        c = await Socket(ckey).open()
        a = await Socket(akey).open()
        await step("open", ("customer", c), ("agent", a))
        for s in (c, a):
            await s.send(type="join", conversation=chat.reference, last_seq=0)
        await step("join", ("customer", c), ("agent", a))
        await c.send(type="send", conversation=chat.reference, client_id="c-1",
                     body="Where is it?")
        await step("customer sends", ("customer", c), ("agent", a))
        await a.send(type="send", conversation=chat.reference, client_id="n-1", internal=True,
                     body="Carrier asked")
        await step("agent's note", ("customer", c), ("agent", a))
        await a.send(type="send", conversation=chat.reference, client_id="r-1",
                     body="It is on its way")
        await step("agent replies and takes the chat", ("customer", c), ("agent", a))
        await c.send(type="send", conversation=chat.reference, client_id="c-1",
                     body="Where is it?")
        await step("customer resends", ("customer", c), ("agent", a))
        await a.send(type="read", conversation=chat.reference, seq=5)
        await c.send(type="read", conversation=chat.reference, seq=5)
        await step("read receipts", ("customer", c), ("agent", a))
        for n in range(5):
            await c.send(type="send", conversation=chat.reference, client_id=f"b-{n}",
                         body=f"Burst {n}")
        await step("burst past the rate limit", ("customer", c), ("agent", a))
        await c.close()
        await a.send(type="send", conversation=chat.reference, client_id="r-2",
                     body="While you were away")
        await step("agent writes to a customer who left", ("agent", a))
        c2 = await Socket(ckey).open()
        await c2.send(type="join", conversation=chat.reference, last_seq=2)
        await step("customer reconnects from seq 2", ("customer", c2), ("agent", a))
        await a.send(type="join", conversation=web.reference, last_seq=0)
        await a.send(type="send", conversation=web.reference, client_id="e-1",
                     body="We wrote to you")
        await step("agent answers the web request (email)", ("customer", c2), ("agent", a))
        await c2.close()
        await a.close()

    chat_fast.post = counting_post
    try:
        run(go)
    finally:
        chat_fast.post = real_post
    result = _normalised(customer, agent, (chat, web), got, posted_fast)
    result["rows"]["response due"] = dues
    return result


def _due_as(conv: Conversation):
    """What ``response_due_at`` stands for: None, or the customer's message and the clock
    (first or next response) it was computed from (``sla.response_due``)."""
    conv.refresh_from_db()
    if conv.response_due_at is None:
        return None
    for m in conv.messages.filter(author_role="customer").order_by("-seq"):
        for clock in (sla.FIRST, sla.NEXT):
            if sla.response_due(tier="standard", channel=conv.channel, clock_name=clock,
                                start=m.created_at) == conv.response_due_at:
                return (m.seq, clock)
    return "unexplained"


def _dues_as(*convs) -> list:
    return [_due_as(c) for c in convs]


def _normalised(customer, agent, convs, got, posted_fast) -> dict:
    names = {customer.pk: "customer", agent.pk: "agent"}
    refs, pks = {}, {}
    for label, conv in zip(("chat", "web"), convs, strict=True):
        refs[conv.reference], pks[conv.pk] = label, label
    msgs = {m.pk: f"{pks[m.conversation_id]}#{m.seq}"
            for m in Message.objects.filter(conversation_id__in=pks)}

    def norm(value, key=None):
        if isinstance(value, dict):
            return {k: norm(v, k) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [norm(v) for v in value]
        if isinstance(value, str):
            for ref, label in refs.items():
                value = value.replace(ref, f"<{label}>") if value != ref else label
            return TIME.sub("<time>", value)
        if isinstance(value, int) and not isinstance(value, bool):
            if key == "id" and value in msgs:
                return msgs[value]
            if key == "id" and value in names:
                return names[value]
        return value

    rows = {
        "messages": [
            (pks[m.conversation_id], m.seq, names.get(m.author_id), m.author_role, m.kind,
             m.body, m.client_id, m.event, m.read_at is None)
            for m in Message.objects.filter(conversation_id__in=pks).order_by(
                "conversation_id", "seq")],
        "read receipts": sorted(
            (pks[r.conversation_id], names[r.user_id], r.role, r.seq)
            for r in ReadReceipt.objects.filter(conversation_id__in=pks)),
        "conversations": [
            (pks[c.pk], c.status, names.get(c.assignee_id), c.last_seq,
             c.first_response_at is not None, c.assigned_at is not None,
             c.updated_at >= c.created_at)
            for c in Conversation.objects.filter(pk__in=pks).order_by("pk")],
        "outbox": sorted(
            (o.kind, pks.get(o.conversation_id), msgs.get(o.conversation_message_id),
             tuple(t.replace(customer.email, "<customer>") for t in o.to), norm(o.subject))
            for o in OutboundEmail.objects.filter(conversation_id__in=pks)),
    }
    return {"rows": rows, "frames": _as_seen(norm(got)), "fast seqs": posted_fast}


def _wipe():
    OutboundEmail.objects.all().delete()
    Conversation.objects.all().delete()


def test_the_fast_path_and_the_general_path_write_and_deliver_the_same(settings):
    # Open around the clock, so each message's due time is its own (the clock runs now), and
    # the two clocks of a chat differ.
    settings.SLA_FIRST_RESPONSE_MINUTES = {"chat": 5}
    settings.SLA_NEXT_RESPONSE_MINUTES = {"chat": 7}
    for day in range(7):
        BusinessHours.objects.create(weekday=day, opens_at=time(0), closes_at=time(23, 59, 59))
    fast = _scenario(settings, fast=True)
    _wipe()
    general = _scenario(settings, fast=False)
    # The fast path did post: the customer's message, the note, the reply, two of the burst
    # and the reply to the absent customer (the resend, the limited sends and the emailed
    # reply went the general way; seq 5 is the event of the agent taking the chat).
    assert fast["fast seqs"] == [2, 3, 4, 6, 7, 8]
    assert general["fast seqs"] == []
    assert fast["rows"] == general["rows"]
    for (step, who, f, f_shown), (_, _, g, g_shown) in zip(fast["frames"], general["frames"],
                                                           strict=True):
        assert [step, who, f] == [step, who, g]
        assert [step, who, f_shown] == [step, who, g_shown]
    # And the sequence proved what it claims.
    rows = general["rows"]
    assert ("chat", 3, "agent", "agent", "note", "Carrier asked", "n-1", "", True) in \
        rows["messages"]
    assert ("chat", 5, None, "system", "event", "Boris", "", "assigned", True) in rows["messages"]
    assert rows["conversations"][0] == ("chat", "open", "agent", 8, True, True, True)
    customer_frames = [f for _, who, frames, _ in general["frames"] if who == "customer"
                       for f in frames]
    assert all(f.get("body") != "Carrier asked" for f in customer_frames)
    assert sum(f.get("code") == "rate_limited" for f in customer_frames) == 3
    assert [o[1:3] for o in rows["outbox"] if o[2]] == [("web", "web#2")]
    assert ("chat", "customer", "customer", 5) in rows["read receipts"]
    # The live SLA's due time after each step (helpdesk.sla), the same on both paths: the
    # first response is due from the opening message and stays through the customer's next
    # one; the agent's reply clears it; the burst after it starts the next-response clock
    # (fast path: seq 6); the agent's reply to the customer who left clears it again.
    due = {name: (c, w) for name, c, w in rows["response due"]}
    assert due["customer sends"] == ((1, sla.FIRST), (1, sla.FIRST))
    assert due["agent replies and takes the chat"] == (None, (1, sla.FIRST))
    assert due["burst past the rate limit"] == ((6, sla.NEXT), (1, sla.FIRST))
    assert due["agent writes to a customer who left"] == (None, (1, sla.FIRST))
    assert due["agent answers the web request (email)"] == (None, None)
