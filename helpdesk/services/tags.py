"""Tags on a conversation: the one write of ``Conversation.tags`` (the inbox's tag actions,
bulk tagging and macros all call these). Tags themselves are configuration: managers create
them in the admin (``services.configuration``); agents pick existing ones."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from helpdesk import realtime
from helpdesk.access import is_support_staff
from helpdesk.models import Conversation, Tag


def require_staff(user) -> None:
    """Agents and managers only (a clear error for anyone else)."""
    if not is_support_staff(user):
        raise ValidationError(_("Only agents and managers can do this."), code="forbidden")


def _tags_changed(conversation: Conversation) -> None:
    realtime.conversation_event(conversation.pk, "state")
    realtime.inbox_changed()


def conversation_tags_add(*, conversation: Conversation, by, tags: Iterable[Tag]) -> None:
    """Put existing ``tags`` on the conversation, keeping the others (the caller got it from
    ``access_conversation`` for ``by``); tags already there are fine."""
    require_staff(by)
    tags = list(tags)
    if tags:
        conversation.tags.add(*tags)
        _tags_changed(conversation)


def conversation_tag_add(*, conversation: Conversation, by, tag: Tag) -> None:
    conversation_tags_add(conversation=conversation, by=by, tags=[tag])


def conversation_tag_remove(*, conversation: Conversation, by, tag: Tag) -> None:
    """Take ``tag`` off the conversation (caller checked access as for the add)."""
    require_staff(by)
    conversation.tags.remove(tag)
    _tags_changed(conversation)
