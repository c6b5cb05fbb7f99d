"""``/ws/ping/``: a signed-in user's liveness probe (Channels' session and user middleware)."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer

# Close codes (docs/protocol.md).
CLOSE_UNAUTHENTICATED = 4401


class PingConsumer(AsyncWebsocketConsumer):
    """A signed-in user's liveness probe: answers ``{"type": "ping"}`` with ``pong``."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        try:
            frame = json.loads(text_data or "")
        except ValueError:
            await self.send(json.dumps({"type": "error", "code": "invalid_json"}))
            return
        if not isinstance(frame, dict) or frame.get("type") != "ping":
            await self.send(json.dumps({"type": "error", "code": "unknown_type"}))
            return
        await self.send(json.dumps({"type": "pong", "user": self.scope["user"].get_short_name()}))
