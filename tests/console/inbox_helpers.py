"""Helpers for the inbox tests: conversations made directly, in the state a test needs."""

from datetime import timedelta

from django.utils import timezone

from helpdesk.models import Channel, Conversation, Status


def make_conversation(customer, *, status=Status.WAITING, channel=Channel.CHAT, topic="orders",
                      priority=2, language="en", team=None, assignee=None, due=None,
                      age_minutes=10, queued_minutes=None, tags=()):
    now = timezone.now()
    conv = Conversation.objects.create(
        customer=customer, status=status, channel=channel, topic=topic, priority=priority,
        language=language, team=team, assignee=assignee, response_due_at=due,
        created_at=now - timedelta(minutes=age_minutes),
        queued_at=(now - timedelta(minutes=queued_minutes)) if queued_minutes is not None
        else None)
    if tags:
        conv.tags.add(*tags)
    return conv
