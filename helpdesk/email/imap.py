"""The IMAP poller: new messages of the mailbox in settings.IMAP_URL, each ingested once.

The position is the last UID read, kept per mailbox with the mailbox's UIDVALIDITY (when that
changes the UIDs mean other messages, so reading starts over; ingesting is idempotent, so the
messages already seen are recognised as duplicates). Messages are not deleted or flagged.
"""

import logging
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db import transaction

from helpdesk.email.inbound import email_ingest
from helpdesk.models import ImapState

logger = logging.getLogger(__name__)

BATCH = 200


def _mailbox_from_url(url: str):
    from imap_tools import MailBox, MailBoxUnencrypted

    parsed = urlparse(url)
    secure = parsed.scheme == "imaps"
    host = parsed.hostname or "localhost"
    port = parsed.port or (993 if secure else 143)
    box = (MailBox if secure else MailBoxUnencrypted)(host, port,
                                                      timeout=settings.EMAIL_TIMEOUT)
    folder = unquote(parsed.path.lstrip("/")) or "INBOX"
    return box, unquote(parsed.username or ""), unquote(parsed.password or ""), folder


def imap_poll(*, mailbox_factory=None) -> int:
    """Read and ingest the messages after the remembered UID; return how many were read.

    ``mailbox_factory`` returns ``(MailBox, user, password, folder)`` (tests pass a fake
    server's). The position advances after each message is ingested.
    """
    url = settings.IMAP_URL
    if not url and mailbox_factory is None:
        return 0
    from imap_tools import AND

    box, user, password, folder = (mailbox_factory or _mailbox_from_url)(url)
    key = f"{urlparse(url).hostname or 'imap'}/{user}/{folder}"
    count = 0
    with box.login(user, password, initial_folder=folder) as mailbox:
        uidvalidity = int(mailbox.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])
        state, _created = ImapState.objects.get_or_create(mailbox=key[:200])
        if state.uidvalidity != uidvalidity:
            state.uidvalidity, state.last_uid = uidvalidity, 0
            state.save(update_fields=["uidvalidity", "last_uid", "updated_at"])
        criteria = AND(uid=f"{state.last_uid + 1}:*")
        for msg in mailbox.fetch(criteria, mark_seen=False, bulk=50, limit=BATCH):
            uid = int(msg.uid)
            if uid <= state.last_uid:
                continue  # "n:*" always returns the last message, even an old one
            email_ingest(msg.obj.as_bytes(), source="imap")
            with transaction.atomic():
                ImapState.objects.filter(pk=state.pk, last_uid__lt=uid).update(last_uid=uid)
            state.last_uid = uid
            count += 1
    if count:
        logger.info("IMAP %s: %d new messages", key, count)
    return count
