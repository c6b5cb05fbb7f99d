"""Reading a raw message: what the help desk needs from it, whatever the bytes are.

Mail comes from anyone, so every step is bounded and every string comes out clean:

- The MIME structure is measured by a line scanner before the standard parser sees it
  (``mime_shape``): the parser recurses once per nesting level and meets a thousand nested
  parts with ``RecursionError``, so messages deeper than EMAIL_INBOUND_MAX_DEPTH, with more
  than EMAIL_INBOUND_MAX_PARTS parts or a header block over EMAIL_INBOUND_MAX_HEADER_BYTES
  raise ``Unreadable("too_complex")`` before parsing. Walking the parts is iterative and
  bounded again (the scanner and the parser may disagree on malformed input).
- Raw 8-bit header bytes are UTF-8 (RFC 6532) and come out of the parser as lone surrogates;
  ``text_clean`` turns them back into text (windows-1252 when they are not UTF-8), and
  removes NULs and any remaining lone surrogates, which no database column accepts.
- Charsets are read by their declared name with the usual supersets; codecs that are not
  text encodings of mail (``unicode_escape`` makes any code point, ``punycode`` is quadratic)
  are read as UTF-8.
- The sender is read by ``sender_parse``, one rule: the address in angle brackets, never a
  display name that looks like one; two addresses, or text after the brackets, is ambiguous.
"""

import codecs
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from helpdesk.mail.addresses import header_clean
from helpdesk.mail.secrets import links_redact
from helpdesk.mail.text import html_to_text, strip_quoted

# Charsets that mail programs name but mean a superset of (or that Python lacks).
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
                    "ks_c_5601-1987": "cp949", "unknown-8bit": "utf-8", "x-unknown": "utf-8",
                    "iso-8859-8-i": "iso-8859-8", "windows-874": "cp874", "ansi_x3.4-1968": "ascii"}
# Python codecs that are not the text encoding of any mail: read as UTF-8 instead.
_UNSAFE_CODECS = {"unicode_escape", "raw_unicode_escape", "punycode", "idna", "undefined",
                  "unicode_internal", "mbcs", "oem"}
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To",
                      "X-Envelope-To")
_ESCAPED_BYTES = re.compile(r"[\udc80-\udcff]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_CONTENT_TYPE = re.compile(rb"^content-type[ \t]*:", re.IGNORECASE)
_BOUNDARY = re.compile(rb"""boundary\s*=\s*(?:"([^"]*)"|([^\s;"]+))""", re.IGNORECASE)
_ONE_HEADER_LIMIT = 16 * 1024  # characters of one header read for addresses or a subject


class Unreadable(Exception):
    """The message cannot be read safely; ``reason`` is the quarantine reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ParsedAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedEmail:
    message_id: str = ""
    from_address: str = ""
    from_name: str = ""
    # "" (one clear sender), "no_sender" (none, or not a valid address) or "ambiguous_sender"
    sender_problem: str = "no_sender"
    subject: str = ""
    recipients: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_reply: bool = False
    bulk: bool = False
    language: str = "en"
    msg: EmailMessage | None = field(default=None, repr=False)


# --- Clean text ------------------------------------------------------------------------------


def _unescape_bytes(match: re.Match) -> str:
    raw = match.group(0).encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def text_clean(value) -> str:
    """``value`` as text any database stores: bytes the parser kept as surrogate escapes
    decoded (UTF-8 per RFC 6532, else windows-1252), lone surrogates replaced, NULs removed."""
    text = str(value or "")
    if _SURROGATES.search(text):
        text = _ESCAPED_BYTES.sub(_unescape_bytes, text)
        text = _SURROGATES.sub("\ufffd", text)
    return text.replace("\x00", "")


def _codec(charset: str | None) -> str:
    name = (charset or "utf-8").strip().lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return "utf-8"
    if info.name in _UNSAFE_CODECS or not getattr(info, "_is_text_encoding", True):
        return "utf-8"
    return info.name


def bytes_decode(data: bytes, charset: str | None) -> str:
    """``data`` decoded by its declared charset (never failing), as clean text."""
    try:
        text = data.decode(_codec(charset), errors="replace")
    except Exception:  # noqa: BLE001 - a codec may fail in ways other than the ones asked for
        text = data.decode("utf-8", errors="replace")
    return text_clean(text)


# --- Structure, before the parser ------------------------------------------------------------


@dataclass(frozen=True)
class MimeShape:
    depth: int
    parts: int
    header_bytes: int  # the largest header block


def mime_shape(raw: bytes, *, stop_depth: int = 10**6, stop_parts: int = 10**9,
               stop_header_bytes: int = 10**12) -> MimeShape:
    """Measure nesting depth, part count and header size the way the parser will read them,
    without recursion; stop counting as soon as a ``stop_*`` limit is passed."""
    stack: list[bytes | None] = []  # boundaries of open multiparts; None: a message/* level
    depth = parts = largest = header_size = 0
    in_headers = True
    ctype = boundary = None
    last_was_content_type = False

    def end_headers():
        nonlocal in_headers, parts, depth, ctype, boundary, header_size, largest
        parts += 1
        largest = max(largest, header_size)
        header_size = 0
        kind = (ctype or b"").lower()
        if kind.startswith(b"multipart/") and boundary:
            stack.append(boundary)
            in_headers = False
        elif kind.startswith(b"message/") and not kind.startswith(b"message/delivery-status"):
            stack.append(None)  # the enclosed message's headers follow
        else:
            in_headers = False
        depth = max(depth, len(stack))
        ctype = boundary = None

    for line in raw.splitlines():
        if in_headers:
            if line.strip() == b"":
                end_headers()
            elif line[:1] in (b" ", b"\t") and last_was_content_type:
                header_size += len(line)
                found = _BOUNDARY.search(line)
                if found and boundary is None:
                    boundary = found.group(1) if found.group(1) is not None else found.group(2)
            elif _HEADER_LINE.match(line) or line[:1] in (b" ", b"\t"):
                header_size += len(line)
                last_was_content_type = bool(_CONTENT_TYPE.match(line))
                if last_was_content_type:
                    value = line.split(b":", 1)[1].strip()
                    ctype = value.split(b";", 1)[0].strip()
                    found = _BOUNDARY.search(value)
                    boundary = (found.group(1) if found.group(1) is not None
                                else found.group(2)) if found else None
            else:  # not a header: the parser ends the headers here, and so do we
                end_headers()
            if header_size > stop_header_bytes:
                largest = header_size
                break
        elif line.startswith(b"--") and stack:
            mark = line.rstrip()
            for index in range(len(stack) - 1, -1, -1):
                candidate = stack[index]
                if candidate is None:
                    continue
                if mark == b"--" + candidate:
                    del stack[index + 1:]
                    in_headers, last_was_content_type = True, False
                    break
                if mark == b"--" + candidate + b"--":
                    del stack[index:]
                    break
        if depth > stop_depth or parts > stop_parts:
            break
    return MimeShape(depth=depth, parts=parts, header_bytes=max(largest, header_size))


def _check_shape(raw: bytes) -> None:
    shape = mime_shape(raw, stop_depth=settings.EMAIL_INBOUND_MAX_DEPTH,
                       stop_parts=settings.EMAIL_INBOUND_MAX_PARTS,
                       stop_header_bytes=settings.EMAIL_INBOUND_MAX_HEADER_BYTES)
    if (shape.depth > settings.EMAIL_INBOUND_MAX_DEPTH
            or shape.parts > settings.EMAIL_INBOUND_MAX_PARTS
            or shape.header_bytes > settings.EMAIL_INBOUND_MAX_HEADER_BYTES):
        raise Unreadable("too_complex")


def _leaves(msg: EmailMessage):
    """The non-multipart parts, in order, without recursion; Unreadable past the limits."""
    stack = [(msg, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > settings.EMAIL_INBOUND_MAX_PARTS or depth > settings.EMAIL_INBOUND_MAX_DEPTH:
            raise Unreadable("too_complex")
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in reversed(payload))
            continue
        yield part


# --- Headers ---------------------------------------------------------------------------------


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


# --- The whole message -----------------------------------------------------------------------


def headers_parse(raw: bytes) -> ParsedEmail:
    """Only the top-level headers (for recording a message that cannot be read whole)."""
    end = re.search(rb"\r?\n\r?\n", raw[:settings.EMAIL_INBOUND_MAX_HEADER_BYTES])
    head = raw[:end.end()] if end else raw[:settings.EMAIL_INBOUND_MAX_HEADER_BYTES]
    try:
        msg = BytesParser(policy=policy.default).parsebytes(head, headersonly=True)
    except Exception:  # noqa: BLE001
        return ParsedEmail()
    parsed = ParsedEmail(msg=msg)
    _read_headers(msg, parsed)
    return parsed


def _read_headers(msg, parsed: ParsedEmail) -> None:
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
    _check_shape(raw)
    try:
        msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001 - RecursionError and parser bugs alike
        raise Unreadable("unparseable") from exc
    parsed = ParsedEmail(msg=msg)
    try:
        _read_headers(msg, parsed)
        _read_body(msg, parsed)
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the library trips over
        raise Unreadable("unparseable") from exc
    return parsed


def _read_body(msg, parsed: ParsedEmail) -> None:
    plain, html = [], []
    for part in _leaves(msg):
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
