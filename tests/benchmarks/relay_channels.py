"""A minimal Channels group relay served by uvicorn, for the channel-layer benchmark.

Two websockets share a room (``/ws/bench/<room>/``); what one sends is ``group_send`` to the
room and delivered to the other member. No database, no authentication: only Channels' own
consumer machinery and the channel layer are measured.

The layer comes from ``BENCH_LAYER`` (JSON, a ``CHANNEL_LAYERS["default"]`` entry) or, when it
is ``project``, from ``helpdesk.settings`` as configured by ``REDIS_URL``. Errors are not
caught: a failing ``group_send`` closes the socket and is logged, as it would be in a consumer
written the obvious way.
"""

import importlib
import json
import os

import django
from django.conf import settings


def _layer() -> dict:
    raw = os.environ.get("BENCH_LAYER", "project")
    if raw == "project":
        return importlib.import_module("helpdesk.settings").CHANNEL_LAYERS["default"]
    return json.loads(raw)


if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="benchmark-only",  # noqa: S106
        INSTALLED_APPS=[],
        DATABASES={},
        CHANNEL_LAYERS={"default": _layer()},
        LOGGING_CONFIG=None,
    )
    django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class RelayConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.room = f"bench.{self.scope['url_route']['kwargs']['room']}"
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.room, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(
            self.room, {"type": "relay", "text": text_data, "sender": self.channel_name}
        )

    async def relay(self, event):
        if event["sender"] != self.channel_name:
            await self.send(text_data=event["text"])


application = URLRouter([path("ws/bench/<str:room>/", RelayConsumer.as_asgi())])
