"""Websocket routes. ``helpdesk.asgi`` checks the origin of every route; each route brings its
own authentication: the chat validates its session in the consumer (``consumers.session``),
the liveness probe uses Channels' session and user middleware."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from helpdesk import consumers
from helpdesk.consumers.session import SessionKeyMiddleware

websocket_urlpatterns = [
    path("ws/ping/", AuthMiddlewareStack(consumers.PingConsumer.as_asgi())),
    path("ws/chat/", SessionKeyMiddleware(consumers.ChatConsumer.as_asgi())),
]
