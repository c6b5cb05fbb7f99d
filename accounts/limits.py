"""The throttles of the web pages: what each counts, under which settings, and what the page
says when it refuses.

Each throttle counts one event per account (or, before there is one, per address typed) and
per client address, each against its own limit (accounts.throttles, in the shared cache). A
refused request answers 429 and re-renders what the visitor typed with the message.
"""

import ipaddress
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.throttles import Limit, throttle_any

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The address throttles and login lockouts count under (``AXES_CLIENT_IP_CALLABLE``).

    REMOTE_ADDR only: uvicorn's --proxy-headers has already replaced it with the client's from
    a trusted proxy, and any header a client sends itself can be forged. An IPv6 address
    counts as its /64 network: one subscriber usually holds a whole /64 and could rotate
    through it.
    """
    raw = (request.META.get("REMOTE_ADDR") or "").strip() if request is not None else ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


class Throttled(Exception):
    """Refused by a throttle; ``message`` says so in the active language."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class _Throttle:
    prefix: str  # settings <prefix>_PER_<ACCOUNT|ADDRESS>, <prefix>_PER_IP, <prefix>_WINDOW_SECONDS
    account_kind: str  # "ACCOUNT" or "ADDRESS"
    message: Promise


THROTTLES = {
    "signup": _Throttle("SIGNUP", "ADDRESS", _(
        "Too many accounts were requested from your network or for this address. "
        "Please try again in an hour.")),
    "password_reset": _Throttle("PASSWORD_RESET_MAILS", "ACCOUNT", _(
        "Several password reset emails were already requested for this address or from "
        "your network. Please check your inbox and spam folder, or try again in an hour.")),
    "verify_mail": _Throttle("VERIFY_MAILS", "ACCOUNT", _(
        "We have already sent you several confirmation links. Please check your inbox and "
        "spam folder, or ask again in an hour.")),
    "web_request": _Throttle("WEB_REQUESTS", "ACCOUNT", _(
        "You have sent many requests in a short time, so we did not send this one. Please "
        "wait a while and send it again: what you wrote is still here.")),
    "web_reply": _Throttle("WEB_REPLIES", "ACCOUNT", _(
        "You have sent many replies in a short time, so we did not send this one. Please "
        "wait a few minutes and send it again: what you wrote is still here.")),
}


def _limit(prefix: str, kind: str) -> Limit:
    return Limit(count=getattr(settings, f"{prefix}_PER_{kind}"),
                 seconds=getattr(settings, f"{prefix}_WINDOW_SECONDS"))


def throttle(name: str, *, request, account) -> None:
    """Count one ``name`` event for ``account`` (a user id or an address) and the client's
    address; raise ``Throttled`` when either is over its limit (the event is then refused but
    still counted)."""
    spec = THROTTLES[name]
    account_ident = str(account).strip().lower() if account is not None else ""
    refused = throttle_any(
        scope=f"web.{name}",
        idents={"account": account_ident, "ip": client_ip(request) or ""},
        limits={"account": _limit(spec.prefix, spec.account_kind),
                "ip": _limit(spec.prefix, "IP")},
    )
    if refused:
        user = getattr(request, "user", None)
        logger.warning("throttle %s refused a request (user %s)", name,
                       user.pk if user is not None and user.is_authenticated else "-")
        raise Throttled(spec.message)
