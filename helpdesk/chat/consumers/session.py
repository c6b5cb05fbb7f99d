"""Authentication of the chat socket: the session key from the cookie, validated by the consumer.

Channels' ``AuthMiddlewareStack`` loads the session and the user before the consumer runs (two
hops on the one thread all ``database_sync_to_async`` calls share) and keeps both objects in the
scope for the socket's whole life. The chat socket validates the session itself, afresh, in its
own first database hop (``chat_db.connection_open``: the session row, the user, the password
hash and ``is_active`` through ``django.contrib.auth.get_user``), and re-validates it on every
periodic check (``chat_tick``), so the middleware only reads the cookie: a connection storm
costs one hop per socket instead of three, and an idle socket keeps no session or lazy user.
"""

from django.conf import settings
from django.http.cookie import parse_cookie


class SessionKeyMiddleware:
    """Put the session cookie's value in ``scope["session_key"]`` (None without one)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        cookie = b""
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                cookie = value
                break
        key = parse_cookie(cookie.decode("latin1")).get(settings.SESSION_COOKIE_NAME) or None
        return await self.inner({**scope, "session_key": key}, receive, send)
