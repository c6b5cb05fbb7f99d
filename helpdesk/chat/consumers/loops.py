"""One object per event loop: the chat's hub, heartbeat timer and fast-path pool each belong
to the loop that serves their sockets (a server process has one; tests run one per test)."""

import asyncio
import weakref


def per_loop(factory):
    """A function returning the running event loop's own ``factory()``, made on first use and
    dropped with the loop. ``.instances`` holds them (for closing them from outside a loop)."""
    instances: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get():
        loop = asyncio.get_running_loop()
        found = instances.get(loop)
        if found is None:
            found = instances[loop] = factory()
        return found

    get.instances = instances
    return get
