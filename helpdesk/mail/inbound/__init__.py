"""Mail in: one entry point, ``email_ingest``, for the IMAP poller, ``manage.py ingest_email``
and the provider webhook.

What happens to a message (``InboundEmail.status`` / ``reason``):

- seen before (same Message-ID, or the same raw bytes): nothing; the first record is returned;
- too large, too deeply nested or with too many parts, unparseable, or a message the pipeline
  failed on ("failed", logged): quarantined with its bytes, nothing else done;
- no From, several or an ambiguous one, over the per-sender limit, failing DMARC for its From
  domain by our receiving server's verdict, or From an agent's address (agents answer in the
  console; their identity is never taken from a header): quarantined;
- From the address of an account that has not proved it (``accounts.selectors.email_trusted``):
  held ("unverified_address"); the address gets a proof link, and verifying lets it in;
- a reply address whose signature is wrong: quarantined as forged;
- a valid reply address, sent by the conversation's customer: appended to it (a resolved
  conversation reopens, unless the message is an auto-reply);
- auto-replies and bulk mail otherwise: ignored (kept for review, never acknowledged);
- anything else: a new email conversation, acknowledged with its reference number. A sender
  without an account gets a customer account without a usable password
  (EMAIL_UNKNOWN_SENDERS="create"), or the message is quarantined ("quarantine").

``email_ingest`` never raises for a message: only ``IngestDeferred`` when the database cannot
take the record now (the caller retries: exit 75, HTTP 503, the IMAP poller's retry list).

The package, along its seams: ``receive`` (store the message once, or quarantine it),
``dispatch`` (the checks, and the conversation a message belongs to: its reply address),
``post`` (a new conversation or a reply, with the attachments), ``review`` (the managers'
quarantine review). Parsing the bytes: ``helpdesk.mail.parsing``.
"""

from helpdesk.mail.inbound.dispatch import proof_link_request
from helpdesk.mail.inbound.receive import IngestDeferred, Ingested, email_ingest
from helpdesk.mail.inbound.review import (
    ReviewRefused,
    inbound_discard,
    inbound_release,
    inbound_release_verified,
)

__all__ = ["IngestDeferred", "Ingested", "ReviewRefused", "email_ingest", "inbound_discard",
           "inbound_release", "inbound_release_verified", "proof_link_request"]
