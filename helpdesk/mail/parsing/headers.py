"""The headers: the one sender (``sender_parse``), the recipients, the subject, and the marks
of auto-replies and bulk mail."""

import re
from dataclasses import dataclass
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from helpdesk.mail.addresses import header_clean
from helpdesk.mail.parsing.charsets import text_clean
from helpdesk.mail.parsing.parsed import ParsedEmail

_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To",
                      "X-Envelope-To")
_ONE_HEADER_LIMIT = 16 * 1024  # characters of one header read for addresses or a subject


def _raw_values(msg, name: str) -> list[str]:
    """The raw values of header ``name`` (no structured parsing), each cut to a bounded size."""
    lowered = name.lower()
    try:
        return [str(v)[:_ONE_HEADER_LIMIT] for k, v in msg.raw_items() if k.lower() == lowered]
    except Exception:  # noqa: BLE001
        return []


def _decoded(value: str) -> str:
    """An unstructured header value (or a display name) with its encoded words decoded one
    by one, a broken word kept as written, as clean text."""
    value = text_clean(value)[:_ONE_HEADER_LIMIT]
    try:
        value = str(policy.default.header_factory("x-helpdesk-text", value))
    except Exception:  # noqa: BLE001 - the library's lenient parser failed: the stricter one
        try:
            value = str(make_header(decode_header(value)))
        except Exception:  # noqa: BLE001, S110 - bad charsets, broken words: keep the raw text
            pass
    return text_clean(value)


def header_text(msg, name: str, limit: int = 255) -> str:
    """The first ``name`` header as one clean line of at most ``limit`` characters."""
    values = _raw_values(msg, name)
    return header_clean(_decoded(values[0]), limit) if values else ""


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", value)


def _scan_address_field(value: str) -> tuple[list[str], list[str], list[str]]:
    """Split one address header around its angle brackets: (bracket contents, text between
    them, the same text with each quoted string as one word ``q``). Comments, nested or not,
    become spaces. Iterative: no recursion depth to exhaust."""
    angles: list[str] = []
    texts: list[str] = []
    syntax: list[str] = []
    text: list[str] = []
    shape: list[str] = []
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if ch == '"':
            j = i + 1
            while j < n and value[j] != '"':
                j += 2 if value[j] == "\\" else 1
            text.append(" " + value[i + 1:j].replace("\\", "") + " ")
            shape.append(" q ")
            i = j + 1
        elif ch == "(":
            level, j = 1, i + 1
            while j < n and level:
                if value[j] == "\\":
                    j += 1
                elif value[j] == "(":
                    level += 1
                elif value[j] == ")":
                    level -= 1
                j += 1
            text.append(" ")
            shape.append(" ")
            i = j
        elif ch == "<":
            j = value.find(">", i + 1)
            j = n if j < 0 else j
            angles.append(value[i + 1:j])
            texts.append("".join(text))
            syntax.append("".join(shape))
            text, shape = [], []
            i = j + 1
        else:
            text.append(ch)
            shape.append(ch)
            i += 1
    texts.append("".join(text))
    syntax.append("".join(shape))
    return angles, texts, syntax


@dataclass(frozen=True)
class Sender:
    address: str = ""
    name: str = ""
    problem: str = "no_sender"  # "", "no_sender" or "ambiguous_sender"


def sender_parse(values: list[str]) -> Sender:
    """The one sender of a message from its From header values.

    The address is what stands in angle brackets; the text before it is only a name, so
    ``customer@example.com <attacker@evil.example>`` is attacker@evil.example (named nothing:
    a name that looks like an address only misleads). No brackets: the value must be one
    bare address. Several From headers, several addresses, a group, or text after the
    brackets: ambiguous.
    """
    if not values:
        return Sender()
    if len(values) > 1:
        return Sender(problem="ambiguous_sender")
    value = _unfold(text_clean(values[0])).strip()
    angles, texts, syntax = _scan_address_field(value)
    bare = " ".join(syntax)
    if len(angles) > 1 or ":" in bare or ";" in bare:
        return Sender(problem="ambiguous_sender")
    if angles:
        if syntax[-1].strip():
            return Sender(problem="ambiguous_sender")  # "a <b> c@d": which one?
        address = angles[0].strip()
        if ":" in address:  # an obsolete source route "@relay:user@domain", or "mailto:"
            address = address.rsplit(":", 1)[1].strip()
        name = _decoded(" ".join(texts[0].split()))
    else:
        pieces = [p for p in bare.split(",") if p.strip()]
        if len(pieces) > 1:
            return Sender(problem="ambiguous_sender")
        words = bare.replace(",", " ").split()
        if len(words) != 1:
            return Sender(problem="ambiguous_sender" if len(words) > 1 else "no_sender")
        address, name = words[0], ""
        comment = re.search(r"\(([^()]*)\)", value)
        if comment:
            name = _decoded(comment.group(1)).strip()
    address = address.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return Sender()
    if "@" in name:
        name = ""  # a name that looks like an address is shown nowhere
    return Sender(address=address, name=header_clean(name, 150), problem="")


def _recipients(msg) -> list[str]:
    found = []
    for name in _RECIPIENT_HEADERS:
        for value in _raw_values(msg, name):
            found += [a.strip() for _n, a in getaddresses([text_clean(value)]) if a]
    return found[:100]


def headers_parse(raw: bytes) -> ParsedEmail:
    """Only the top-level headers (for recording a message that cannot be read whole)."""
    end = re.search(rb"\r?\n\r?\n", raw[:settings.EMAIL_INBOUND_MAX_HEADER_BYTES])
    head = raw[:end.end()] if end else raw[:settings.EMAIL_INBOUND_MAX_HEADER_BYTES]
    try:
        msg = BytesParser(policy=policy.default).parsebytes(head, headersonly=True)
    except Exception:  # noqa: BLE001
        return ParsedEmail()
    parsed = ParsedEmail(msg=msg)
    headers_read(msg, parsed)
    return parsed


def headers_read(msg, parsed: ParsedEmail) -> None:
    parsed.message_id = header_text(msg, "Message-ID", 255)
    sender = sender_parse(_raw_values(msg, "From"))
    parsed.from_address, parsed.from_name = sender.address, sender.name
    parsed.sender_problem = sender.problem
    parsed.subject = header_text(msg, "Subject", 255)
    parsed.recipients = _recipients(msg)
    auto_submitted = header_text(msg, "Auto-Submitted").lower()
    precedence = header_text(msg, "Precedence").lower()
    return_path = _raw_values(msg, "Return-Path")
    try:
        content_type = msg.get_content_type()
    except Exception:  # noqa: BLE001
        content_type = ""
    parsed.auto_reply = bool(
        (auto_submitted and auto_submitted != "no")
        or header_text(msg, "X-Autoreply") or header_text(msg, "X-Autorespond")
        or header_text(msg, "X-Autogenerated") or precedence == "auto_reply"
        or content_type == "multipart/report"
        or (return_path and return_path[0].strip() != ""
            and parseaddr(text_clean(return_path[0]))[1] == "")
        or re.match(r"^(mailer-daemon|postmaster)@", parsed.from_address or "")
    )
    parsed.bulk = precedence in {"bulk", "list", "junk"} or bool(header_text(msg, "List-Id")) \
        or bool(header_text(msg, "List-Unsubscribe"))
