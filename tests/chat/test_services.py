"""Queue, assignment, transfer, resolution, rating, transcripts and image attachments."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import AgentStatus
from helpdesk.chat.services import transcript_send
from helpdesk.models import (
    AgentPresence,
    Attachment,
    Conversation,
    Message,
    MessageKind,
    RatingSource,
    Status,
    Team,
)
from helpdesk.selectors import messages_visible_to
from helpdesk.services.assignment import assignment_requeue_stale, assignment_run
from helpdesk.services.attachments import attachment_post
from helpdesk.services.conversations import (
    chat_message_send,
    conversation_open,
    conversation_resolve,
    conversation_transfer,
    note_add,
)
from helpdesk.services.queue import queue_info
from helpdesk.services.ratings import conversation_rate
from helpdesk.services.staff import agent_set_status
from tests.chat.conftest import make_agent
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def open_chat(customer, topic="orders", language=None, minutes_ago=0):
    conv = conversation_open(customer=customer, channel="chat", topic=topic,
                             description="Help", language=language)
    if minutes_ago:
        t = timezone.now() - timedelta(minutes=minutes_ago)
        Conversation.objects.filter(pk=conv.pk).update(queued_at=t, created_at=t)
        conv.refresh_from_db()
    return conv


def test_premium_members_are_ahead_and_older_waits_before_newer(customer, premium_customer):
    old = open_chat(customer, minutes_ago=10)
    new = open_chat(CustomerFactory(), minutes_ago=1)
    premium = open_chat(premium_customer, minutes_ago=0)
    assert queue_info(conversation=premium).position == 1
    assert queue_info(conversation=old).position == 2
    assert queue_info(conversation=new).position == 3


def test_estimated_wait_uses_present_agents_capacity_and_handling_time(customer, settings):
    settings.CHAT_DEFAULT_HANDLING_SECONDS = 300
    first, second, third = (open_chat(CustomerFactory(), minutes_ago=m) for m in (3, 2, 1))
    assert queue_info(conversation=first).estimated_wait is None  # nobody online
    make_agent(max_concurrent_chats=2)
    make_agent(status=AgentStatus.OFFLINE, max_concurrent_chats=5)  # does not count
    make_agent(present=False, max_concurrent_chats=5)  # online but no console: does not count
    info = queue_info(conversation=third)
    assert (info.position, info.agents_online, info.free_slots) == (3, 1, 2)
    # Two slots free for the two ahead; the third waits one slot of 300 s over capacity 2.
    assert info.estimated_wait == 150
    assert queue_info(conversation=first).estimated_wait == 0


def test_assignment_respects_capacity_language_and_skills(customer):
    english = make_agent(max_concurrent_chats=1, languages=["en"], skills=["orders"])
    russian = make_agent(max_concurrent_chats=2, languages=["ru"], skills=[])
    a = open_chat(CustomerFactory(), language="en", minutes_ago=5)
    b = open_chat(CustomerFactory(), language="en", minutes_ago=4)
    c = open_chat(CustomerFactory(), language="ru", topic="payment", minutes_ago=3)
    d = open_chat(CustomerFactory(), language="en", topic="payment", minutes_ago=2)
    assignment_run()
    for conv in (a, b, c, d):
        conv.refresh_from_db()
    assert a.assignee == english and a.status == Status.OPEN
    assert b.assignee is None and b.status == Status.WAITING  # english agent is full
    assert c.assignee == russian
    assert d.assignee is None  # nobody speaks English and handles payment with room
    assert Message.objects.filter(conversation=a, kind=MessageKind.EVENT,
                                  event="assigned").count() == 1
    assignment_run()  # running again changes nothing and never exceeds a limit
    assert Conversation.objects.filter(assignee=english, status=Status.OPEN).count() == 1


def test_premium_and_older_waits_are_assigned_first(customer, premium_customer):
    old = open_chat(customer, minutes_ago=10)
    premium = open_chat(premium_customer, minutes_ago=1)
    newer = open_chat(CustomerFactory(), minutes_ago=5)
    agent = make_agent(max_concurrent_chats=2)
    assignment_run()
    assigned = set(Conversation.objects.filter(assignee=agent).values_list("pk", flat=True))
    assert assigned == {premium.pk, old.pk}
    assert Conversation.objects.get(pk=newer.pk).status == Status.WAITING


def test_team_chats_go_only_to_team_members(customer):
    team = Team.objects.create(name="Payments", topics=["payment"])
    outsider = make_agent()
    member = make_agent()
    team.members.add(member)
    conv = open_chat(customer, topic="payment")
    Conversation.objects.filter(pk=conv.pk).update(team=team)
    Conversation.objects.filter(assignee=outsider).update(status=Status.RESOLVED)
    AgentPresence.objects.filter(user=member).delete()  # member away from the console
    assignment_run()
    conv.refresh_from_db()
    assert conv.assignee is None
    make_agent()  # another outsider: still nobody eligible
    AgentPresence.objects.create(user=member, last_seen_at=timezone.now())
    assignment_run()
    conv.refresh_from_db()
    assert conv.assignee == member


def test_going_offline_returns_chats_to_the_queue_keeping_their_place(customer):
    agent = make_agent()
    conv = open_chat(customer, minutes_ago=7)
    assignment_run()
    conv.refresh_from_db()
    assert conv.assignee == agent
    queued_at = conv.queued_at
    agent_set_status(agent=agent, status=AgentStatus.OFFLINE)
    conv.refresh_from_db()
    assert (conv.status, conv.assignee, conv.queued_at) == (Status.WAITING, None, queued_at)
    assert Message.objects.filter(conversation=conv, event="requeued").exists()


def test_an_agent_disconnected_too_long_loses_their_chats(customer, settings):
    settings.CHAT_DISCONNECT_GRACE_SECONDS = 60
    agent = make_agent()
    conv = open_chat(customer)
    assignment_run()
    AgentPresence.objects.filter(user=agent).update(
        last_seen_at=timezone.now() - timedelta(seconds=30))
    assert assignment_requeue_stale() == []
    AgentPresence.objects.filter(user=agent).update(
        last_seen_at=timezone.now() - timedelta(seconds=61))
    assert assignment_requeue_stale() == [conv.pk]
    conv.refresh_from_db()
    assert conv.status == Status.WAITING and conv.assignee is None


def test_agent_reply_to_a_waiting_chat_takes_it(customer, agent):
    conv = open_chat(customer)
    Conversation.objects.filter(pk=conv.pk).update(status=Status.WAITING, assignee=None)
    conv.refresh_from_db()
    chat_message_send(conversation=conv, user=agent, as_agent=True, body="Hi!", client_id="a1")
    conv.refresh_from_db()
    assert conv.assignee == agent and conv.status == Status.OPEN
    assert conv.first_response_at is not None


def test_transfer_to_agent_and_to_team(customer, agent):
    other = make_agent(full_name="Vera Other")
    team = Team.objects.create(name="Returns")
    conv = open_chat(customer)
    conversation_transfer(conversation=conv, by=agent, to_agent=other)
    conv.refresh_from_db()
    assert conv.assignee == other and conv.status == Status.OPEN
    conversation_transfer(conversation=conv, by=other, to_team=team)
    conv.refresh_from_db()
    assert (conv.team, conv.assignee, conv.status) == (team, None, Status.WAITING)
    with pytest.raises(ValidationError):
        conversation_transfer(conversation=conv, by=other)


def test_resolve_then_rate_and_a_transcript_without_notes(customer, agent,
                                                          django_capture_on_commit_callbacks):
    conv = open_chat(customer)
    chat_message_send(conversation=conv, user=agent, as_agent=True, body="Sorted.",
                      client_id="r1")
    note_add(conversation=conv, agent=agent, body="SECRET carrier ticket 42")
    with pytest.raises(ValidationError):
        conversation_rate(conversation=conv, customer=customer, score=5)
    conversation_resolve(conversation=conv, by=agent)
    conv.refresh_from_db()
    assert conv.status == Status.RESOLVED and conv.resolved_at
    with pytest.raises(ValidationError):
        chat_message_send(conversation=conv, user=customer, as_agent=False, body="hello?",
                          client_id="late")
    with pytest.raises(ValidationError):
        conversation_rate(conversation=conv, customer=customer, score=6)
    rating = conversation_rate(conversation=conv, customer=customer, score=5, comment="Great")
    assert (rating.score, rating.source) == (5, RatingSource.CHAT)
    with django_capture_on_commit_callbacks(execute=True):
        assert transcript_send(conversation=conv) is True
        assert transcript_send(conversation=conv) is False  # at most once
    (email,) = mail.outbox
    assert conv.reference in email.subject and "Sorted." in email.body
    assert "SECRET" not in email.body
    assert all(m.kind != MessageKind.NOTE
               for m in messages_visible_to(conversation=conv, as_agent=False))


def _png(size=(40, 30), extra=b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="PNG")
    return out.getvalue() + extra


def test_image_attachment_is_reencoded_and_idempotent(customer):
    conv = open_chat(customer)
    upload = SimpleUploadedFile("shot.png", _png(extra=b"<script>alert(1)</script>"),
                                content_type="image/png")
    posted = attachment_post(conversation=conv, user=customer, as_agent=False, upload=upload,
                             client_id="img-1")
    att = Attachment.objects.get(message=posted.message)
    assert (att.content_type, att.width, att.height) == ("image/png", 40, 30)
    assert b"<script>" not in att.file.read()
    again = attachment_post(conversation=conv, user=customer, as_agent=False,
                            upload=SimpleUploadedFile("shot.png", _png()), client_id="img-1")
    assert again.message.pk == posted.message.pk and not again.created
    assert Attachment.objects.filter(message__conversation=conv).count() == 1


def test_non_images_and_oversized_images_are_refused(customer, settings):
    conv = open_chat(customer)
    with pytest.raises(ValidationError):
        attachment_post(conversation=conv, user=customer, as_agent=False, client_id="x1",
                        upload=SimpleUploadedFile("evil.png", b"<html>hi</html>"))
    settings.CHAT_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        attachment_post(conversation=conv, user=customer, as_agent=False, client_id="x2",
                        upload=SimpleUploadedFile("big.png", _png((300, 300))))
    settings.CHAT_ATTACHMENT_MAX_BYTES = 10**7
    settings.RETURN_PHOTO_MAX_PIXELS = 100
    with pytest.raises(ValidationError):
        attachment_post(conversation=conv, user=customer, as_agent=False, client_id="x3",
                        upload=SimpleUploadedFile("wide.png", _png((50, 50))))
    assert not Attachment.objects.exists()
    assert not Message.objects.filter(client_id__startswith="x").exists()
