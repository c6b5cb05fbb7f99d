"""The whole message: the text (plain, else HTML made text; quotes of earlier mail and our
live links removed), the attachments, a guess at the language."""

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from django.conf import settings

from helpdesk.mail.parsing.charsets import bytes_decode, text_clean
from helpdesk.mail.parsing.headers import headers_read
from helpdesk.mail.parsing.parsed import ParsedAttachment, ParsedEmail, Unreadable
from helpdesk.mail.parsing.structure import leaves, shape_check
from helpdesk.mail.secrets import links_redact
from helpdesk.mail.text import html_to_text, strip_quoted


def _filename(part) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001
        name = ""
    name = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", text_clean(name)).strip(" .")
    return name[-120:]


def _guess_language(text: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh-hans"
    if re.search(r"[\u0400-\u04ff]", text):
        return "ru"
    return "en"


def _part_bytes(part) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encodings: the part is dropped
        return b""
    return data if isinstance(data, bytes) else b""


def email_parse(raw: bytes) -> ParsedEmail:
    """Read what the help desk needs from a raw RFC 822 message.

    Raises ``Unreadable`` ("too_complex", "unparseable") and nothing else.
    """
    shape_check(raw)
    try:
        msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001 - RecursionError and parser bugs alike
        raise Unreadable("unparseable") from exc
    parsed = ParsedEmail(msg=msg)
    try:
        headers_read(msg, parsed)
        _read_body(msg, parsed)
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the library trips over
        raise Unreadable("unparseable") from exc
    return parsed


def _read_body(msg, parsed: ParsedEmail) -> None:
    plain, html = [], []
    for part in leaves(msg):
        try:
            ctype = part.get_content_type()
        except Exception:  # noqa: BLE001
            ctype = "application/octet-stream"
        try:
            disposition = (part.get_content_disposition() or "").lower()
        except Exception:  # noqa: BLE001
            disposition = ""
        name = _filename(part)
        if ctype.startswith("multipart/"):
            ctype = "text/plain"  # a multipart without a boundary: the parser left it text
        if disposition == "attachment" or name or (ctype not in {"text/plain", "text/html"}):
            data = _part_bytes(part)
            if data and len(parsed.attachments) < settings.EMAIL_MAX_ATTACHMENTS:
                parsed.attachments.append(ParsedAttachment(
                    name=name or "attachment", content_type=ctype, data=data))
            continue
        try:
            charset = part.get_content_charset()
        except Exception:  # noqa: BLE001
            charset = None
        (plain if ctype == "text/plain" else html).append(bytes_decode(_part_bytes(part),
                                                                       charset))
    text = "\n\n".join(t for t in plain if t.strip())
    if not text.strip() and html:
        text = "\n\n".join(html_to_text(h) for h in html)
    # A customer who quotes one of our emails must not hand its live links to the agents.
    parsed.text = links_redact(strip_quoted(text_clean(text)))
    parsed.language = _guess_language(f"{parsed.subject} {parsed.text[:2000]}")
