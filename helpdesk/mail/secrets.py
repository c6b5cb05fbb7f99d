"""Live links and reply addresses in mail are never stored, or shown, in the clear.

An outgoing email can carry something that acts for its recipient: a password-reset or
verification link, a survey link, a signed reply address. The outbox row must be readable by
managers (what was sent to whom, and did it go), so ``outbox_row`` seals it: every link into
the site (``SITE_URL`` with a path), every link elsewhere with a token-like segment, and every
``reply+...`` address is replaced in the stored text, HTML, Reply-To and headers by a
placeholder such as ``[hidden link 1 7f3a9c]``, and the originals are kept encrypted in
``OutboundEmail.sealed``. The send task fills them in just before it hands the message to
the mail server, and the sealed part is wiped once the row is sent (or withheld). So no
admin page, export or database dump shows a usable token; a failed row keeps its sealed
part until it is sent again or given up.

Why seal rather than render at send time: most of these emails are rendered by their own
apps (password resets in accounts) through ``send_mail``; sealing in the outbox protects all
of them, including links added later, without each sender taking part. Why every link into
the site, not only the known token routes: a new token-bearing route is protected without
anyone remembering to list it.

The key is derived from SECRET_KEY (with SECRET_KEY_FALLBACKS for rotation): whoever holds
it can mint these tokens anyway. Fernet (cryptography) is authenticated encryption, so a
tampered sealed part is refused rather than sent.

Inbound mail gets the mirror rule (``links_redact``): a customer who quotes one of our emails
hands its links to nobody: token-like links into the site and our reply addresses are cut
from the text before it reaches a conversation.
"""

import base64
import json
import re
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

# The salt keeps the name this module had when rows were first sealed: changing it would make
# every pending row unreadable.
_SALT = "helpdesk.email.secrets.outbox"
_URL = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)
_REPLY = re.compile(r"reply\+[0-9a-z]{1,13}-[a-z2-7]{24}@[a-z0-9.-]+", re.IGNORECASE)
_SEGMENT = re.compile(r"[A-Za-z0-9_-]{20,}")
_PLACEHOLDER = re.compile(r"\[hidden (?:link|address) \d+ [0-9a-f]{6}\]")


class SealBroken(Exception):
    """The sealed part cannot be read (tampered, or sealed under a key no longer held)."""


def _token_like(url: str) -> bool:
    for segment in _SEGMENT.findall(url.split("://", 1)[-1]):
        if re.search(r"\d", segment) and re.search(r"[A-Za-z]", segment):
            return True
    return False


def _site_link(url: str) -> bool:
    site = settings.SITE_URL.rstrip("/").lower()
    rest = url[len(site):] if url.lower().startswith(site) else None
    return rest is not None and rest.strip("/") != "" and rest[:1] in ("/", "?", "#")


def _fernet():
    from cryptography.fernet import Fernet, MultiFernet

    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(
            salted_hmac(_SALT, "outbox", secret=key, algorithm="sha256").digest()))
        for key in keys])


def seal(texts: list[str]) -> tuple[list[str], str]:
    """Replace the secrets in ``texts`` by placeholders; return the texts and the encrypted
    originals ("" when there was nothing to hide). The same secret gets the same placeholder
    in every text."""
    nonce = secrets.token_hex(3)
    hidden: dict[str, str] = {}
    by_value: dict[str, str] = {}

    def hide(value: str, what: str) -> str:
        if value not in by_value:
            placeholder = f"[hidden {what} {len(by_value) + 1} {nonce}]"
            by_value[value] = placeholder
            hidden[placeholder] = value
        return by_value[value]

    def hide_url(match: re.Match) -> str:
        url = match.group(0)
        if _site_link(url) or _token_like(url):
            return hide(url, "link")
        return url

    out = []
    for text in texts:
        text = _REPLY.sub(lambda m: hide(m.group(0), "address"), text or "")
        out.append(_URL.sub(hide_url, text))
    if not hidden:
        return out, ""
    return out, _fernet().encrypt(json.dumps(hidden).encode()).decode()


def unseal(texts: list[str], sealed: str) -> list[str]:
    """``texts`` with their placeholders filled in from ``sealed``. Raises SealBroken."""
    if not sealed:
        return texts
    from cryptography.fernet import InvalidToken

    try:
        hidden = json.loads(_fernet().decrypt(sealed.encode()))
    except (InvalidToken, ValueError) as exc:
        raise SealBroken(str(exc)) from exc
    return [_PLACEHOLDER.sub(lambda m: hidden.get(m.group(0), m.group(0)), text or "")
            for text in texts]


def links_redact(text: str) -> str:
    """Inbound text without live links of ours (token-like links into the site) or our reply
    addresses: a customer quoting our email must not hand them to whoever reads the thread."""
    text = _REPLY.sub("[address removed]", text or "")
    return _URL.sub(lambda m: "[link removed]"
                    if _site_link(m.group(0)) and _token_like(m.group(0)) else m.group(0), text)
