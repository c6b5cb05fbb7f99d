"""An email backend that writes to the outbox instead of talking to a mail server.

With ``EMAIL_BACKEND = "helpdesk.mail.backend.OutboxBackend"`` every ``send_mail`` of every
app (password resets in accounts, return status emails in orders, chat transcripts) becomes an
outbox row in the caller's transaction, delivered by ``email_send`` through
``EMAIL_DELIVERY_BACKEND`` with the outbox's retries and sweeper. The lower apps need no import
of helpdesk for it. File attachments are not carried (no sender uses them yet).
"""

import logging

from django.core.mail.backends.base import BaseEmailBackend

from helpdesk.mail.models import OutboundKind
from helpdesk.mail.outbox import ALLOWED_HEADERS, outbox_enqueue

logger = logging.getLogger(__name__)

KIND_HEADER = "X-Helpdesk-Kind"


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        count = 0
        for message in email_messages or []:
            if message.attachments or message.cc or message.bcc:
                raise ValueError("the outbox carries no attachments, Cc or Bcc")
            html = next((content for content, mimetype in getattr(message, "alternatives", [])
                         if mimetype == "text/html"), "")
            extra = dict(message.extra_headers or {})
            kind = extra.pop(KIND_HEADER, OutboundKind.NOTIFICATION)
            try:
                outbox_enqueue(
                    kind=kind if kind in OutboundKind.values else OutboundKind.NOTIFICATION,
                    to=list(message.to), subject=message.subject,
                    body_text=message.body, body_html=html, from_email=message.from_email,
                    reply_to=message.reply_to[0] if message.reply_to else "",
                    headers={k: v for k, v in extra.items() if k in ALLOWED_HEADERS},
                    message_id=extra.get("Message-ID", ""),
                )
            except ValueError:
                if not self.fail_silently:
                    raise
                logger.warning("outbox refused an email to %s", message.to)
                continue
            count += 1
        return count
