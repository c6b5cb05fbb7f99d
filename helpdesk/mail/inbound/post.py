"""Writing a message into the help desk: a new email conversation, or the customer's reply
to theirs (``customer_reply``: a resolved one reopens), with its attachments."""

import logging
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.choices import Topic
from helpdesk.mail.models import InboundEmail
from helpdesk.mail.parsing import ParsedEmail
from helpdesk.mail.routing import email_conversation_route, topic_guess
from helpdesk.models import Attachment, Channel, Conversation, Message
from helpdesk.services.conversations import conversation_open, customer_reply
from helpdesk.services.messages import MAX_BODY_LENGTH
from orders.photos import photo_clean

logger = logging.getLogger(__name__)


def _body(parsed: ParsedEmail, language: str) -> str:
    text = parsed.text.strip()
    if len(text) > MAX_BODY_LENGTH:
        text = text[: MAX_BODY_LENGTH - 2].rstrip() + " …"
    if not text and not parsed.attachments:
        with translation.override(language):
            text = _("(The email had no text.)")
    return text


def conversation_from_email(customer, parsed: ParsedEmail, inbound: InboundEmail):
    subject = re.sub(r"^\s*((re|fwd?|ответ|回复|答复)\s*[:：]\s*)+", "", parsed.subject,
                     flags=re.IGNORECASE)
    body = _body(parsed, customer.language)
    with translation.override(customer.language):
        description = body or _("(The email had only attachments.)")
    topic = topic_guess(subject=subject, text=body, language=customer.language) or Topic.ORDERS
    conversation = conversation_open(
        customer=customer, channel=Channel.EMAIL, topic=topic,
        description=description, subject=subject or description[:80],
        client_id=f"email:{inbound.sha256[:40]}",
    )
    email_conversation_route(conversation=conversation)
    message = Message.objects.filter(conversation=conversation).order_by("-seq").first()
    attachments_store(message, parsed)
    return conversation, message


def reply_from_email(conversation: Conversation, customer, parsed: ParsedEmail,
                     inbound: InboundEmail):
    # The customer's answer reopens as on every path (``customer_reply``); an auto-reply
    # joins the conversation without changing it.
    posted = customer_reply(conversation=conversation, customer=customer,
                            body=_body(parsed, customer.language), allow_empty=True,
                            client_id=f"email:{inbound.sha256[:40]}",
                            reopen=not parsed.auto_reply)
    attachments_store(posted.message, parsed)
    return posted.message


def attachments_store(message: Message, parsed: ParsedEmail) -> None:
    """Store the attachments: images re-encoded as in the chat; anything else (and images
    that fail the check) stored as download-only files."""
    for att in parsed.attachments[: settings.EMAIL_MAX_ATTACHMENTS]:
        if len(att.data) > settings.EMAIL_ATTACHMENT_MAX_BYTES:
            logger.info("attachment %r of message %s too large: dropped", att.name, message.pk)
            continue
        content = ContentFile(att.data)
        content_type = "application/octet-stream"
        width = height = None
        if att.content_type.startswith("image/"):
            try:
                clean = photo_clean(content)
            except ValidationError:
                pass
            else:
                content, content_type = clean.content, clean.content_type
                width, height = clean.width, clean.height
        elif re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", att.content_type):
            content_type = att.content_type
        ext = content.name.rsplit(".", 1)[-1] if content.name and "." in content.name else "bin"
        ext = ext if content_type.startswith("image/") else "bin"
        content.name = f"{secrets.token_hex(16)}.{ext}"
        Attachment.objects.create(
            message=message, file=content, original_name=att.name or "attachment",
            content_type=content_type, size=content.size, width=width, height=height,
        )
