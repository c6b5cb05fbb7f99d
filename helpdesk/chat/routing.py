"""Websocket routes. ``helpdesk.asgi`` checks the origin of every route; each route brings its
own authentication: the chat validates its session in the consumer
(``helpdesk.chat.consumers.session``), the liveness probe uses Channels' session and user
middleware."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from helpdesk.chat.consumers.chat import ChatConsumer
from helpdesk.chat.consumers.ping import PingConsumer
from helpdesk.chat.consumers.session import SessionKeyMiddleware

websocket_urlpatterns = [
    path("ws/ping/", AuthMiddlewareStack(PingConsumer.as_asgi())),
    path("ws/chat/", SessionKeyMiddleware(ChatConsumer.as_asgi())),
]
