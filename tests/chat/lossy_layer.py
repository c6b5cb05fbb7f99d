"""Channel layers that lose chosen events, where a real layer loses them.

The production layers drop events without telling the sender: the in-memory layer when a
channel is full, Redis pub/sub when a subscriber is not listening or the connection breaks.
These subclasses of the two layers the help desk runs on (``helpdesk.settings_env``) lose
the events a test names in ``group_send`` and pass everything else to the real layer, so the
code under test runs its real path (``helpdesk.realtime``, the chat hub) and the loss happens
on the layer, as in production. Use them through the ``lossy_layer`` fixture
(tests/chat/conftest.py).
"""

import contextlib
from collections.abc import Iterator

from channels.layers import InMemoryChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer


class Loss:
    """What the layer loses (rules, each active inside ``losing``) and what it lost."""

    def __init__(self):
        self.rules: list[tuple[str | None, str | None]] = []
        self.lost: list[tuple[str, dict]] = []

    @contextlib.contextmanager
    def losing(self, type: str | None = None, group: str | None = None) -> Iterator[None]:  # noqa: A002
        """Lose every event sent to a group while inside, or only those of ``type`` and/or
        to ``group``."""
        rule = (type, group)
        self.rules.append(rule)
        try:
            yield
        finally:
            self.rules.remove(rule)

    def loses(self, group: str, message: dict) -> bool:
        return any((type_ is None or message.get("type") == type_)
                   and (group_ is None or group == group_) for type_, group_ in self.rules)

    def lost_types(self) -> list[str]:
        return [message["type"] for _group, message in self.lost]


LOSS = Loss()  # channels makes the layer from settings; the fixture resets this per test


class _Lossy:
    async def group_send(self, group, message):
        if LOSS.loses(group, message):
            LOSS.lost.append((group, message))
            return
        await self.layer_group_send(group, message)


class LossyInMemoryChannelLayer(_Lossy, InMemoryChannelLayer):
    layer_group_send = InMemoryChannelLayer.group_send


class LossyRedisPubSubChannelLayer(_Lossy, RedisPubSubChannelLayer):
    async def layer_group_send(self, group, message):
        # The pub/sub layer defines no group_send: its __getattr__ hands the call to its layer
        # of the running event loop.
        await RedisPubSubChannelLayer.__getattr__(self, "group_send")(group, message)


LOSSY = {
    "channels.layers.InMemoryChannelLayer": "tests.chat.lossy_layer.LossyInMemoryChannelLayer",
    "channels_redis.pubsub.RedisPubSubChannelLayer":
        "tests.chat.lossy_layer.LossyRedisPubSubChannelLayer",
}
