"""What our own receiving server says about a message: ``Authentication-Results`` (RFC 8601).

Only headers that carry the authserv-id of our receiving server (EMAIL_AUTHSERV_ID) count, and
of those only the topmost run: the server prepends its header, so anything of that id further
down came with the message (a sender can write any header). RFC 8601 section 5 asks the
server to remove such forgeries too; configure it to. With no id configured nothing is read.

Why not the ``authres`` package: its last release is from 2019 and it raises on the vendor
extensions real servers write; we need three fields (authserv-id, the dmarc result and its
header.from), read leniently.
"""

import re

from django.conf import settings

_HEADER = "authentication-results"
_RESULT = re.compile(r"^\s*([a-z0-9_.-]+)(?:\s*/\s*\d+)?\s*=\s*([a-z]+)", re.IGNORECASE)
_HEADER_FROM = re.compile(r"\bheader\.from\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)


def _without_comments(value: str) -> str:
    out, level = [], 0
    for ch in value:
        if ch == "(":
            level += 1
        elif ch == ")" and level:
            level -= 1
        elif not level:
            out.append(ch)
    return "".join(out)


def _parse(value: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(authserv-id, [(method, result, header.from)]) of one header value."""
    pieces = _without_comments(value.replace("\r", " ").replace("\n", " ")).split(";")
    head = pieces[0].split()
    authserv_id = head[0].lower().rstrip(".") if head else ""
    results = []
    for piece in pieces[1:]:
        match = _RESULT.match(piece)
        if match:
            header_from = _HEADER_FROM.search(piece)
            results.append((match.group(1).lower(), match.group(2).lower(),
                            header_from.group(1).lower().rstrip(".") if header_from else ""))
    return authserv_id, results


def _domain(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    try:
        return value.encode("idna").decode("ascii")
    except UnicodeError:
        return value


def dmarc_verdict(msg, from_address: str) -> str:
    """"fail", "pass" or "" (no verdict from our server) for the From domain of ``msg``.

    A trusted dmarc result about another domain than ``from_address``'s counts as a failure:
    the server judged a different sender than the one the message would be filed under.
    """
    trusted = (settings.EMAIL_AUTHSERV_ID or "").strip().lower().rstrip(".")
    if not trusted or msg is None or "@" not in from_address:
        return ""
    domain = _domain(from_address.rsplit("@", 1)[1])
    verdicts: list[tuple[str, str]] = []
    started = False
    try:
        items = list(msg.raw_items())
    except Exception:  # noqa: BLE001
        return ""
    for name, value in items:
        if name.strip().lower() != _HEADER:
            if started:
                break  # the topmost run of our server's headers has ended
            continue
        authserv_id, results = _parse(str(value)[:8192])
        if authserv_id != trusted:
            if started:
                break
            continue
        started = True
        verdicts += [(result, header_from) for method, result, header_from in results
                     if method == "dmarc"]
    if any(result == "fail" or (header_from and _domain(header_from) != domain)
           for result, header_from in verdicts):
        return "fail"
    if any(result == "pass" for result, _from in verdicts):
        return "pass"
    return ""
