"""The IMAP poller: new messages of the mailbox in settings.IMAP_URL, each ingested once.

The position is the last UID read, kept per mailbox with the mailbox's UIDVALIDITY (when that
changes the UIDs mean other messages, so reading starts over; ingesting is idempotent, so the
messages already seen are recognised as duplicates). Messages are not deleted or flagged.

No message can stop the ones after it. Each is fetched alone, as raw bytes (the library's own
parsing of a whole message is skipped: it is the parser hostile mail breaks), and its attempt
is written down before it is tried (``ImapState.retry``: UID -> attempts) and the position
moved past it. A message that is stored leaves that list; one that could not be (the
database refused it, the worker died on it) stays there and is tried first at the next polls,
while the later messages are read, at most EMAIL_INBOUND_MAX_ATTEMPTS times; then it is
given up, logged as rejected (it stays in the mailbox for a person). When the database
itself is down, nothing can be written down and the poll ends without moving: the next poll
starts from the same place. One poll of a mailbox runs at a time (a lock in the shared cache).
"""

import imaplib
import logging
import re
import socket
from urllib.parse import unquote, urlparse

from django.conf import settings

from helpdesk.mail.inbound import IngestDeferred, email_ingest
from helpdesk.mail.models import ImapState

logger = logging.getLogger(__name__)

BATCH = 200
POLL_LOCK_SECONDS = 660  # helpdesk.mail.tasks.email_imap_poll's time limit, and a minute
_SIZE = re.compile(rb"RFC822\.SIZE\s+(\d+)", re.IGNORECASE)
# The server (not a message) failed: end this poll, count nothing against the message.
_CONNECTION_ERRORS = (imaplib.IMAP4.abort, OSError, socket.timeout, EOFError)


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


class _MessageGone(Exception):
    """The server has no such UID (any more): nothing to ingest."""


def _fetch_raw(mailbox, uid: int) -> bytes:
    """The raw bytes of message ``uid``, unparsed; a message over EMAIL_INBOUND_MAX_BYTES is
    not downloaded (its first bytes stand for it: ingesting records it as too large)."""
    status, data = mailbox.client.uid("FETCH", str(uid), "(RFC822.SIZE)")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid}: {status} {data!r}"[:200])
    if not data or data[0] is None:
        raise _MessageGone(uid)
    size = _SIZE.search(data[0] if isinstance(data[0], bytes) else b"")
    part = "BODY.PEEK[]"
    if size and int(size.group(1)) > settings.EMAIL_INBOUND_MAX_BYTES:
        part = f"BODY.PEEK[]<0.{settings.EMAIL_INBOUND_MAX_BYTES + 1}>"
    status, data = mailbox.client.uid("FETCH", str(uid), f"({part})")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid}: {status} {data!r}"[:200])
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    raise _MessageGone(uid)


def _save(state: ImapState) -> None:
    state.save(update_fields=["last_uid", "retry", "updated_at"])


def imap_poll(*, mailbox_factory=None) -> int:
    """Read and ingest the messages after the remembered UID, and retry the ones that could
    not be stored before; return how many were stored.

    ``mailbox_factory`` returns ``(MailBox, user, password, folder)`` (tests may pass their
    own); by default the mailbox of settings.IMAP_URL.
    """
    url = settings.IMAP_URL
    if not url and mailbox_factory is None:
        return 0
    if not _lock(url):
        logger.info("IMAP %s: another poll is still running", urlparse(url).hostname)
        return 0
    try:
        box, user, password, folder = (mailbox_factory or _mailbox_from_url)(url)
        key = f"{urlparse(url).hostname or 'imap'}/{user}/{folder}"
        return _poll(box, user, password, folder, key)
    finally:
        _unlock(url)


def _lock_key(url: str) -> str:
    import hashlib

    return f"helpdesk:imap-poll:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def _lock(url: str) -> bool:
    """One poll of a mailbox at a time (a slow one and the next beat would write the same
    position and retry list). Held at most the task's time limit; no cache, no lock."""
    from django.core.cache import cache

    try:
        return bool(cache.add(_lock_key(url), 1, timeout=POLL_LOCK_SECONDS))
    except Exception:  # noqa: BLE001 - polling matters more than the lock
        logger.warning("IMAP poll lock unavailable", exc_info=True)
        return True


def _unlock(url: str) -> None:
    from django.core.cache import cache

    try:
        cache.delete(_lock_key(url))
    except Exception:  # noqa: BLE001
        logger.warning("IMAP poll lock not released", exc_info=True)


def _poll(box, user: str, password: str, folder: str, key: str) -> int:
    from imap_tools import AND

    count = 0
    with box.login(user, password, initial_folder=folder) as mailbox:
        uidvalidity = int(mailbox.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])
        state, _created = ImapState.objects.get_or_create(mailbox=key[:200])
        if state.uidvalidity != uidvalidity:
            state.uidvalidity, state.last_uid, state.retry = uidvalidity, 0, {}
            state.save(update_fields=["uidvalidity", "last_uid", "retry", "updated_at"])
        # "n:*" always returns the last message, even an old one: keep only the new.
        new = [int(u) for u in mailbox.uids(AND(uid=f"{state.last_uid + 1}:*"))
               if int(u) > state.last_uid]
        todo = sorted(int(u) for u in state.retry) + sorted(new)[:BATCH]
        for uid in todo:
            if _read_one(mailbox, state, uid):
                count += 1
    if count:
        logger.info("IMAP %s: %d messages stored", key, count)
    return count


def _read_one(mailbox, state: ImapState, uid: int) -> bool:
    """Try message ``uid`` once (its attempt written down first); True when it was stored.

    Raises when the database is down (the attempt could not even be written down) or the
    server failed: the poll ends there.
    """
    attempts = int(state.retry.get(str(uid), 0))
    if attempts >= settings.EMAIL_INBOUND_MAX_ATTEMPTS:
        logger.error("IMAP message UID %s rejected: not stored after %d attempts; it stays "
                     "in the mailbox", uid, attempts)
        state.retry.pop(str(uid), None)
        _save(state)
        return False
    state.retry[str(uid)] = attempts + 1
    state.last_uid = max(state.last_uid, uid)
    _save(state)  # a worker that dies on this message has counted the attempt
    try:
        raw = _fetch_raw(mailbox, uid)
        email_ingest(raw, source="imap")
    except _MessageGone:
        logger.warning("IMAP message UID %s is gone from the mailbox", uid)
    except IngestDeferred as exc:
        logger.warning("IMAP message UID %s not stored (attempt %d): %s", uid, attempts + 1,
                       exc)
        return False
    except _CONNECTION_ERRORS:
        state.retry[str(uid)] = attempts  # the server failed, not the message: not counted
        _save(state)
        raise
    except Exception:  # noqa: BLE001 - the server refused this one message; try it later
        logger.exception("IMAP message UID %s could not be fetched (attempt %d)", uid,
                         attempts + 1)
        return False
    state.retry.pop(str(uid), None)
    _save(state)
    return True
