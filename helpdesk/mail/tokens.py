"""Signed reply addresses.

A reply address is ``reply+<conversation id in base36>-<mac>@<HELPDESK_REPLY_DOMAIN>``. The MAC
is an HMAC-SHA256 (keyed by SECRET_KEY through ``salted_hmac``) of the conversation id, cut to
120 bits and written in lower-case base32, so mail systems that change the case of a local
part, or limit it to 64 characters, keep it intact.
"""

import base64
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

# The salt keeps the name this module had when the first reply addresses were sent: changing
# it would turn every reply address already sent into a forged one.
_SALT = "helpdesk.email.reply-token"
_MAC_BYTES = 15
REPLY_LOCAL_RE = re.compile(r"^reply\+([0-9a-z]{1,13})-([a-z2-7]{24})$", re.IGNORECASE)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _mac(conversation_id: int) -> str:
    digest = salted_hmac(_SALT, str(conversation_id), algorithm="sha256").digest()
    return base64.b32encode(digest[:_MAC_BYTES]).decode().lower()


def reply_token(conversation_id: int) -> str:
    return f"{_base36(conversation_id)}-{_mac(conversation_id)}"


def reply_address(conversation_id: int) -> str:
    """The Reply-To address of emails about conversation ``conversation_id``."""
    return f"reply+{reply_token(conversation_id)}@{settings.HELPDESK_REPLY_DOMAIN}"


@dataclass(frozen=True)
class ReplyToken:
    conversation_id: int | None  # None: a token was there but its signature is wrong
    valid: bool


def reply_token_parse(address: str) -> ReplyToken | None:
    """Check one recipient address. None: not a reply address of ours at all."""
    local, _, domain = (address or "").strip().rpartition("@")
    if domain.lower() != settings.HELPDESK_REPLY_DOMAIN.lower():
        return None
    if not local.lower().startswith("reply+"):
        return None
    match = REPLY_LOCAL_RE.match(local)
    if match is None:
        return ReplyToken(None, False)
    try:
        conversation_id = int(match.group(1), 36)
    except ValueError:
        return ReplyToken(None, False)
    if not hmac.compare_digest(_mac(conversation_id), match.group(2).lower()):
        return ReplyToken(None, False)
    return ReplyToken(conversation_id, True)
