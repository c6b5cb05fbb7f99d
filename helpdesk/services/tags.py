"""Tags on a conversation: the one write of ``Conversation.tags``.

Minimal for the macros (issue 16); the inbox's tag actions and bulk tagging call the same.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from helpdesk import realtime
from helpdesk.access import is_support_staff
from helpdesk.models import Conversation, Tag


def conversation_tags_set(*, conversation: Conversation, by, tags: Iterable[Tag]) -> None:
    """Make ``tags`` the conversation's tags (staff only; the caller checked access)."""
    if not is_support_staff(by):
        raise PermissionDenied
    with transaction.atomic():
        conversation.tags.set(list(tags))
        realtime.conversation_event(conversation.pk, "state")
        realtime.inbox_changed()


def conversation_tags_add(*, conversation: Conversation, by, tags: Iterable[Tag]) -> None:
    """Add ``tags`` to the conversation's tags, keeping the others."""
    tags = list(tags)
    if not tags:
        return
    current = set(conversation.tags.all())
    if current.issuperset(tags):
        return
    conversation_tags_set(conversation=conversation, by=by, tags=current | set(tags))
