"""Garbage-collector settings for a server process (applied at ASGI lifespan start-up).

Measured on the chat benchmark (docs/decisions 0017): with Python's
default thresholds a server holding 1,000 chat sockets ran a full collection every few seconds
under load, each stopping the event loop for 140-210 ms while it walked ~300,000 live objects
(Django, the app, the sockets) to find almost no garbage: the objects it was triggered by were
short-lived ones that happened to survive two young collections while a message was in flight,
and are freed by reference counting anyway. Those pauses were the chat's p99.

So, once at start-up: collect, then ``gc.freeze()`` the objects alive at that point (modules,
settings, URL patterns: never garbage) out of every later collection, and raise the young
generation's threshold (``GC_THRESHOLDS``, default 50,000 / 20 / 100), so young collections are
rarer and find fewer survivors to promote. Cyclic garbage is still collected.
"""

import gc
import logging

from django.conf import settings

# What the chat sockets use is imported before the freeze, so it is frozen too.
import helpdesk.chat.consumers.chat  # noqa: F401

logger = logging.getLogger(__name__)


def apply() -> None:
    thresholds = tuple(settings.GC_THRESHOLDS)
    gc.collect()
    gc.freeze()
    if thresholds:
        gc.set_threshold(*thresholds)
    logger.debug("gc: %d objects frozen, thresholds %s", gc.get_freeze_count(),
                 gc.get_threshold())
