"""The chat's websocket consumers: ``chat`` (``/ws/chat/``, docs/protocol.md) and ``ping``
(``/ws/ping/``). Their routes: ``helpdesk.chat.routing``."""
