"""Composing the emails of the email channel: agents' replies and acknowledgements.

Threading: every email about a conversation carries In-Reply-To (the latest message of the
thread we know) and References (its first and latest Message-IDs), the reference number in the
subject, and a Reply-To address with a signed token (helpdesk.mail.tokens) that routes the
customer's answer back to the conversation.
"""

import logging
from email.utils import getaddresses

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.throttles import Limit, throttle_hit
from helpdesk.mail.addresses import address_format, header_clean
from helpdesk.mail.models import InboundEmail, OutboundEmail, OutboundKind
from helpdesk.mail.outbox import outbox_enqueue
from helpdesk.mail.tokens import reply_address
from helpdesk.models import Channel, Conversation, Message
from helpdesk.services.messages import message_emails

logger = logging.getLogger(__name__)

MAX_REFERENCES = 10


def conversation_url(conversation: Conversation) -> str:
    try:
        return settings.SITE_URL + reverse("chat:page", args=[conversation.reference])
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def thread_root_id(conversation: Conversation) -> str:
    """A stable Message-ID that stands for the conversation when no email started it."""
    return f"<{conversation.reference.lower()}.conversation@{settings.HELPDESK_REPLY_DOMAIN}>"


def thread_ids(conversation: Conversation) -> list[str]:
    """The Message-IDs of the thread so far, oldest first (inbound and outbound)."""
    inbound = InboundEmail.objects.filter(conversation=conversation).exclude(
        message_id="").values_list("received_at", "message_id")
    outbound = OutboundEmail.objects.filter(
        conversation=conversation, kind__in=[OutboundKind.REPLY, OutboundKind.ACKNOWLEDGEMENT]
    ).values_list("created_at", "message_id")
    ids = [mid for _at, mid in sorted([*inbound, *outbound])]
    if not ids or conversation.channel != Channel.EMAIL:
        ids.insert(0, thread_root_id(conversation))
    return ids


def threading_headers(conversation: Conversation) -> dict[str, str]:
    ids = thread_ids(conversation)
    refs = ids if len(ids) <= MAX_REFERENCES else [ids[0], *ids[-(MAX_REFERENCES - 1):]]
    return {"In-Reply-To": ids[-1], "References": " ".join(refs)}


def reply_subject(conversation: Conversation) -> str:
    subject = header_clean(conversation.subject, 150) or _("Your request")
    if not subject.lower().startswith(("re:", "ответ:", "回复：", "回复:")):
        subject = f"Re: {subject}"
    return f"{subject} [{conversation.reference}]"


def _wants_replies(customer, channel: str) -> bool:
    if channel == Channel.EMAIL:
        return True  # email is the only place the customer reads the answer
    profile = getattr(customer, "customer_profile", None)
    return profile is None or profile.notify_request_replies


def email_reply_enqueue(*, message: Message) -> OutboundEmail | None:
    """Queue the email of an agent's reply; call inside the transaction that posted it.

    Only messages that ``message_emails`` lets out leave as email; a customer who turned off
    reply emails for written requests gets none. Idempotent per message.
    """
    conversation = message.conversation
    if not message_emails(channel=conversation.channel, author_role=message.author_role,
                          kind=message.kind):
        return None
    customer = conversation.customer
    if not customer.is_active or not customer.email or not _wants_replies(
            customer, conversation.channel):
        return None
    agent_name = message.author.get_short_name() if message.author else ""
    with translation.override(customer.language):
        context = {
            "conversation": conversation, "customer_name": customer.get_short_name(),
            "agent_name": agent_name, "body": message.body,
            "url": conversation_url(conversation), "site_url": settings.SITE_URL,
        }
        subject = reply_subject(conversation)
        text = render_to_string("email/reply.txt", context)
        html = render_to_string("email/reply.html", context)
    from_name = header_clean(f"{agent_name} ({settings.HELPDESK_EMAIL_FROM_NAME})"
                             if agent_name else settings.HELPDESK_EMAIL_FROM_NAME)
    return outbox_enqueue(
        kind=OutboundKind.REPLY, to=[(customer.email, customer.get_full_name())],
        subject=subject, body_text=text, body_html=html,
        from_email=_from(from_name), reply_to=reply_address(conversation.pk),
        headers=threading_headers(conversation), conversation=conversation, message=message,
        dedupe_key=f"reply:{message.pk}",
    )


def _from(name: str) -> str:
    _name, addr = getaddresses([settings.DEFAULT_FROM_EMAIL])[0]
    return address_format(addr, name)


def acknowledgement_enqueue(*, conversation: Conversation) -> OutboundEmail | None:
    """Tell the sender of a new email request its reference number (RFC 3834 auto-reply).

    The caller never calls this for auto-replies or bulk mail (no mail loops). At most
    EMAIL_ACKS_PER_HOUR go to one address an hour: anyone can write in a victim's name, and
    the acknowledgements must not become a way to flood their mailbox. Past it the request
    stands without one (logged); None.
    """
    customer = conversation.customer
    if not customer.is_active or not customer.email:
        return None
    if throttle_hit(scope="email.ack", ident=customer.email.lower(),
                    limit=Limit(settings.EMAIL_ACKS_PER_HOUR, 3600)):
        logger.info("acknowledgement of conversation %s not sent: over %d an hour to the "
                    "address of user %s", conversation.pk, settings.EMAIL_ACKS_PER_HOUR,
                    customer.pk)
        return None
    with translation.override(customer.language):
        context = {"conversation": conversation, "customer_name": customer.get_short_name(),
                   "url": conversation_url(conversation), "site_url": settings.SITE_URL,
                   "days": settings.SUPPORT_EMAIL_RESPONSE_DAYS}
        subject = _("We received your request [%(reference)s]") % {
            "reference": conversation.reference}
        text = render_to_string("email/acknowledgement.txt", context)
        html = render_to_string("email/acknowledgement.html", context)
    return outbox_enqueue(
        kind=OutboundKind.ACKNOWLEDGEMENT, to=[(customer.email, customer.get_full_name())],
        subject=subject, body_text=text, body_html=html,
        from_email=_from(settings.HELPDESK_EMAIL_FROM_NAME),
        reply_to=reply_address(conversation.pk),
        headers={**threading_headers(conversation), "Auto-Submitted": "auto-replied",
                 "X-Auto-Response-Suppress": "All"},
        conversation=conversation, dedupe_key=f"ack:{conversation.pk}",
    )
