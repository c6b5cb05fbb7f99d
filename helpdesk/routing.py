"""Websocket routes. Every route is wrapped by origin and session checks in helpdesk.asgi."""

from django.urls import path

from helpdesk import consumers

websocket_urlpatterns = [
    path("ws/ping/", consumers.PingConsumer.as_asgi()),
    path("ws/chat/", consumers.ChatConsumer.as_asgi()),
]
