"""The MIME structure, measured by a line scanner before the standard parser sees it, and
walked without recursion after: both bounded by EMAIL_INBOUND_MAX_DEPTH, _MAX_PARTS and
_MAX_HEADER_BYTES."""

import re
from dataclasses import dataclass
from email.message import EmailMessage

from django.conf import settings

from helpdesk.mail.parsing.parsed import Unreadable

_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_CONTENT_TYPE = re.compile(rb"^content-type[ \t]*:", re.IGNORECASE)
_BOUNDARY = re.compile(rb"""boundary\s*=\s*(?:"([^"]*)"|([^\s;"]+))""", re.IGNORECASE)


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


def shape_check(raw: bytes) -> None:
    shape = mime_shape(raw, stop_depth=settings.EMAIL_INBOUND_MAX_DEPTH,
                       stop_parts=settings.EMAIL_INBOUND_MAX_PARTS,
                       stop_header_bytes=settings.EMAIL_INBOUND_MAX_HEADER_BYTES)
    if (shape.depth > settings.EMAIL_INBOUND_MAX_DEPTH
            or shape.parts > settings.EMAIL_INBOUND_MAX_PARTS
            or shape.header_bytes > settings.EMAIL_INBOUND_MAX_HEADER_BYTES):
        raise Unreadable("too_complex")


def leaves(msg: EmailMessage):
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
