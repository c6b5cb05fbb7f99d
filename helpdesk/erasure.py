"""The conversation core's part of erasing a customer (connected to ``customer_erasing``).

Conversations stay, with their channel, topic, team, agent, status, timings and rating score,
for the reports; what the customer wrote goes: their messages' text becomes a marker, the
subject and the rating's comment are emptied, every file sent in their conversations (theirs or
an agent's: all of it is about them) is deleted after commit (survey links stop working and no
survey is sent any more: helpdesk.surveys.erasure). Their helpful-votes on help articles stay counted without them.
"""

import secrets

from django.db.models import Q

from accounts.erasure import ERASED_TEXT, files_delete_on_commit
from faq.models import Vote
from helpdesk.models import (
    Attachment,
    AuthorRole,
    Conversation,
    Message,
    PhoneCall,
    SatisfactionRating,
)


def on_customer_erasing(sender, user, email: str, **kwargs) -> None:
    conversations = Conversation.objects.filter(customer=user)
    (Message.objects.filter(Q(conversation__in=conversations, author_role=AuthorRole.CUSTOMER)
                            | Q(author=user))
     .exclude(body="").update(body=ERASED_TEXT))
    conversations.exclude(subject="").update(subject="")
    SatisfactionRating.objects.filter(conversation__in=conversations).update(comment="")
    # The calls stay counted (direction, duration, outcome); the number and the notes go.
    PhoneCall.objects.filter(conversation__in=conversations).update(phone_number="", notes="")

    attachments = Attachment.objects.filter(message__conversation__in=conversations)
    names = list(attachments.values_list("file", flat=True))
    attachments.delete()
    files_delete_on_commit(Attachment._meta.get_field("file").storage, names)

    for vote in Vote.objects.filter(user=user):
        # The vote keeps counting as an anonymous one (a session key nobody holds).
        vote.user, vote.session_key, vote.comment = None, f"erased-{secrets.token_hex(16)}", ""
        vote.save(update_fields=["user", "session_key", "comment"])
