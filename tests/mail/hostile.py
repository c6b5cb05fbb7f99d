"""Hostile messages too large to keep as files: built on demand, the same bytes every time."""


def _head(subject: str, message_id: str, content_type: str) -> bytes:
    return (f"From: Hostile Sender <hostile@example.net>\r\nTo: support@example.com\r\n"
            f"Subject: {subject}\r\nMessage-ID: <{message_id}@example.net>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n").encode()


def nested_multipart(depth: int) -> bytes:
    """``depth`` multiparts, each the only part of the one before."""
    body = b"".join(f"--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\r\n\r\n"
                    .encode() for i in range(depth - 1))
    body += f"--b{depth - 1}\r\nContent-Type: text/plain\r\n\r\nthe bottom\r\n".encode()
    body += b"".join(f"--b{i}--\r\n".encode() for i in reversed(range(depth)))
    return _head(f"nested {depth}", f"nested-{depth}", 'multipart/mixed; boundary="b0"') + body


def nested_rfc822(depth: int) -> bytes:
    """A message forwarded as an attachment ``depth`` times (message/rfc822 in each other)."""
    body = b"".join(f"From: Level {i} <l{i}@example.net>\r\nSubject: level {i}\r\n"
                    f"Content-Type: message/rfc822\r\n\r\n".encode() for i in range(depth - 1))
    body += b"From: Bottom <bottom@example.net>\r\nContent-Type: text/plain\r\n\r\nbottom\r\n"
    return _head(f"forwarded {depth}", f"rfc822-{depth}", "message/rfc822") + body


def part_bomb(parts: int) -> bytes:
    """One multipart with ``parts`` tiny parts."""
    body = b"".join(b"--bomb\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(parts))
    return (_head(f"{parts} parts", f"bomb-{parts}", 'multipart/mixed; boundary="bomb"')
            + body + b"--bomb--\r\n")


def huge_subject(size: int) -> bytes:
    """A Subject header of ``size`` bytes of encoded words."""
    words = " ".join(["=?utf-8?q?=D0=90?="] * (size // 19))
    return _head(words, f"huge-subject-{size}", "text/plain") + b"Hello\r\n"


def many_headers(count: int) -> bytes:
    """``count`` extra header lines."""
    extra = b"".join(f"X-Filler-{i}: value\r\n".encode() for i in range(count))
    return extra + _head("many headers", f"many-headers-{count}", "text/plain") + b"Hi\r\n"


def deep_comment_from(depth: int) -> bytes:
    """A From header whose name is ``depth`` nested comments."""
    raw = _head("comments", f"comments-{depth}", "text/plain") + b"Hello\r\n"
    return raw.replace(b"From: Hostile Sender <hostile@example.net>",
                       b"From: " + b"(" * depth + b"x" + b")" * depth
                       + b" <comments@example.net>")


def deep_comment_content_type(depth: int) -> bytes:
    """A Content-Type whose parameters hide in ``depth`` nested comments."""
    return _head("ctype comments", f"ctype-comments-{depth}",
                 "text/plain; " + "(" * depth + ")" * depth + " charset=utf-8") + b"Hi\r\n"


GENERATED = {
    "nested_multipart_1000": (lambda: nested_multipart(1000), "too_complex"),
    "nested_rfc822_1000": (lambda: nested_rfc822(1000), "too_complex"),
    "part_bomb_20000": (lambda: part_bomb(20000), "too_complex"),
    "huge_subject_1mb": (lambda: huge_subject(1024 * 1024), "too_complex"),
    "many_headers_60000": (lambda: many_headers(60000), "too_complex"),
    "nested_multipart_25": (lambda: nested_multipart(25), "new"),
    "deep_comment_from_5000": (lambda: deep_comment_from(5000), "new"),
    "deep_comment_content_type_5000": (lambda: deep_comment_content_type(5000), None),
}
