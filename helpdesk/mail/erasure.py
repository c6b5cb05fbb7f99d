"""The email log's part of erasing a customer (connected to ``customer_erasing``).

Every outgoing email to the customer and every incoming one from them (or filed in their
conversations) keeps its row, so counts, Message-IDs and deduplication still hold, but every
other field is emptied (``blank_update``: addresses, names, subjects, bodies, headers, sealed
links, errors, and any field added later) and the stored raw message is deleted after commit.
Mail still waiting to go out to them is not sent.
"""

from email.utils import getaddresses

from django.db.models import Q

from accounts.erasure import ERASED_TEXT, blank_update, files_delete_on_commit
from helpdesk.mail.models import InboundEmail, OutboundEmail, OutboundStatus

# What stays of a row: what it was, when, what became of it, and the keys that deduplicate.
OUTBOUND_KEEP = {"kind", "status", "dedupe_key", "message_id", "from_email", "attempts",
                 "next_attempt_at", "claimed_at", "sent_at", "created_at"}
INBOUND_KEEP = {"message_id", "sha256", "source", "status", "reason", "received_at"}


def _addressed_to(recipients: list, email: str) -> bool:
    return any(address.lower() == email for _name, address in getaddresses(recipients or []))


def on_customer_erasing(sender, user, email: str, **kwargs) -> None:
    email = email.lower()
    ids = set(OutboundEmail.objects.filter(conversation__customer=user)
              .values_list("pk", flat=True))
    # ``to`` is a JSON list of "Name <address>" strings: narrow by text, then parse.
    ids |= {pk for pk, to in OutboundEmail.objects.filter(to__icontains=email)
            .values_list("pk", "to") if _addressed_to(to, email)}
    outbound = OutboundEmail.objects.filter(pk__in=ids)
    blank_update(outbound, keep=OUTBOUND_KEEP, body_text=ERASED_TEXT)
    outbound.filter(status=OutboundStatus.PENDING).update(
        status=OutboundStatus.FAILED, last_error="recipient erased")

    inbound = InboundEmail.objects.filter(Q(conversation__customer=user)
                                          | Q(from_address__iexact=email))
    names = list(inbound.exclude(raw="").values_list("raw", flat=True))
    blank_update(inbound, keep=INBOUND_KEEP)
    files_delete_on_commit(InboundEmail._meta.get_field("raw").storage, names)
