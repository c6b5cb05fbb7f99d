"""The chat's receivers of the core's signals (helpdesk.signals), connected in
``ChatConfig.ready()``."""

from helpdesk.chat import tasks
from helpdesk.models import Channel


def on_conversation_resolved(sender, conversation, **kwargs) -> None:
    """A resolved chat's transcript goes to its customer by email, once the resolution has
    committed."""
    if conversation.channel == Channel.CHAT:
        tasks.chat_transcript_send.delay_on_commit(conversation.pk)
