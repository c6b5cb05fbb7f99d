"""The Redis channel layer exactly as ``helpdesk.settings`` configures it, against a real Redis.

These pin what docs/decisions 0001 and 0002 measured: redis-py 8 lowered the async
pool to 100 connections (``MaxConnectionsError`` when 200 sockets join their groups at once)
and set a 5 s socket timeout (an idle core-layer receive died with ``TimeoutError``). Each
test uses a key/channel prefix of its own, so runs beside other engineers' never meet.
"""

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import channel_layers, get_channel_layer

from helpdesk import realtime
from helpdesk.chat.consumers.hub import hub
from helpdesk.settings_env import redis_channel_layer
from tests.services import redis_url, require

pytestmark = [pytest.mark.services, pytest.mark.timeout(60)]

MEMBERS = 200
RECEIVE_TIMEOUT = 10.0


@pytest.fixture
def layer_config(settings):
    url = redis_url()
    require(bool(url), "Redis is not running at REDIS_URL or 127.0.0.1:6379")
    config = redis_channel_layer(url)
    config["CONFIG"]["prefix"] = f"test-layer-{uuid.uuid4().hex[:10]}"
    # Changing the setting makes Channels build the layer again from it.
    settings.CHANNEL_LAYERS = {"default": config}
    return config


async def _receive_all(layer, channel: str, count: int) -> list[dict]:
    return [await asyncio.wait_for(layer.receive(channel), RECEIVE_TIMEOUT)
            for _ in range(count)]


def test_200_group_members_each_receive_every_group_send(layer_config):
    async def scenario():
        layer = get_channel_layer()
        group = "conversation.fanout"
        channels = [await layer.new_channel() for _ in range(MEMBERS)]
        # All at once, as 200 sockets reconnecting after a deploy do.
        await asyncio.gather(*[layer.group_add(group, name) for name in channels])
        # And every member sends at once: 200 group_sends in flight together.
        await asyncio.gather(*[
            layer.group_send(group, {"type": "conversation.message", "n": n})
            for n in range(MEMBERS)
        ])
        received = await asyncio.gather(*[_receive_all(layer, name, MEMBERS)
                                          for name in channels])
        await layer.flush()
        return received

    received = asyncio.run(scenario())

    expected = set(range(MEMBERS))
    assert len(received) == MEMBERS
    for messages in received:
        assert {m["n"] for m in messages} == expected


def test_an_idle_receive_outlives_the_redis_client_socket_timeout(layer_config):
    # redis-py 8 times out a socket read after 5 s by default, the length of the core
    # layer's BZPOPMIN: a receive that waited longer died with redis TimeoutError.
    async def scenario():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        waiting = asyncio.ensure_future(layer.receive(channel))
        done, _ = await asyncio.wait({waiting}, timeout=6.5)
        assert not done, f"an idle receive ended: {waiting.exception()!r}"
        await layer.send(channel, {"type": "conversation.message", "n": 1})
        message = await asyncio.wait_for(waiting, RECEIVE_TIMEOUT)
        await layer.flush()
        return message

    assert asyncio.run(scenario())["n"] == 1


def test_broadcast_to_a_group_with_a_full_member_does_not_raise_into_the_caller(layer_config):
    capacity = layer_config["CONFIG"].get("capacity", 100)

    async def scenario():
        layer = get_channel_layer()
        # The stuck member lives in another layer instance: another server process whose
        # consumer stopped reading.
        stuck_layer = channel_layers.make_backend("default")
        group = "conversation.stuck"
        stuck = await stuck_layer.new_channel()
        await stuck_layer.group_add(group, stuck)
        healthy = await layer.new_channel()
        await layer.group_add(group, healthy)
        for n in range(capacity + 5):
            try:
                await stuck_layer.send(stuck, {"type": "filler", "n": n})
            except ChannelFull:
                break

        await sync_to_async(realtime.send_now)(group, {"type": "conversation.typing", "n": 1})
        hub().publish(group, {"type": "conversation.typing", "n": 2})

        received = await _receive_all(layer, healthy, 2)
        await layer.flush()
        await stuck_layer.flush()
        return received

    received = asyncio.run(scenario())

    assert [m["n"] for m in received] == [1, 2]
