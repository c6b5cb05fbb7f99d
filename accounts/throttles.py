"""Throttles: how many times something may happen per key in a window.

One fixed-window counter in the shared cache (Redis in production, so every process and
worker counts together). Used by every throttle of the help desk (sign-up, password reset,
requests and replies over HTTP, acknowledgement mail, uploads); the limits are settings.

Why not django-ratelimit: its counters are keyed by a request and a view group, and several of
our limits are counted outside a request (a Celery task sending mail to an address) or on keys
only a service knows (the account an email address belongs to). The counting itself is the
same cache ``add`` + ``incr`` it uses.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events per ``seconds``."""

    count: int
    seconds: int


def _key(scope: str, ident: str, window_start: int) -> str:
    # Idents are addresses and IPs: hash them so the cache never holds them in the clear and
    # any length or character is a valid key.
    digest = hashlib.sha256(f"{scope}\0{ident}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"throttle:{scope}:{digest[:32]}:{window_start}"


def throttle_hit(*, scope: str, ident: str, limit: Limit) -> bool:
    """Count one event for (``scope``, ``ident``); True when it is over ``limit`` (refuse it).

    A limit of 0 or less means unlimited. When the cache cannot be reached the event is
    allowed and logged: throttles protect against abuse and must not take the site down with
    the cache.
    """
    if limit.count <= 0 or limit.seconds <= 0:
        return False
    now = int(timezone.now().timestamp())
    key = _key(scope, str(ident), now - now % limit.seconds)
    try:
        cache.add(key, 0, timeout=limit.seconds + 1)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=limit.seconds + 1)
        count = 1
    except Exception:  # noqa: BLE001 - a cache outage must not refuse every user
        logger.warning("throttle %s: cache unavailable, allowing", scope, exc_info=True)
        return False
    return count > limit.count


def throttle_any(*, scope: str, idents: dict[str, str], limits: dict[str, Limit]) -> bool:
    """Count one event under each ident kind (e.g. {"account": email, "ip": addr}) against its
    own limit; True when any of them is over. Every counter is incremented, so a refused
    attempt still counts towards the others."""
    over = False
    for kind, ident in idents.items():
        if ident and throttle_hit(scope=f"{scope}.{kind}", ident=ident, limit=limits[kind]):
            over = True
    return over
