"""The origin check of every websocket handshake: the rule Django's CSRF check applies to an
unsafe request's ``Origin``, so a page may open a socket exactly when it could POST a form.

Browsers let any site open a websocket to any other and send the cookies with it; the
``Origin`` header is what tells a page of this site from a foreign one. Channels'
``AllowedHostsOriginValidator`` compared only the host name with ``ALLOWED_HOSTS``, so
``http://help.example.com`` passed where the site is ``https://help.example.com``, and so did
any port of it. Here the origin must be, scheme, host and port, either this very request's
(``Host``, which must be in ``ALLOWED_HOSTS``, with ``https`` when the handshake came over TLS
or through a proxy that said so, as for ``request.is_secure()``), one of
``CSRF_TRUSTED_ORIGINS``, or ``SITE_URL``'s. A missing or ``null`` origin is refused.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware


class _Handshake(HttpRequest):
    """The handshake seen as the HTTP request it is, for Django's host and origin rules."""

    def __init__(self, scope):
        super().__init__()
        self._secure = scope.get("scheme") in ("wss", "https")
        for name, value in scope.get("headers", ()):
            key = "HTTP_" + name.decode("latin1").upper().replace("-", "_")
            text = value.decode("latin1")
            self.META[key] = f"{self.META[key]},{text}" if key in self.META else text
        server = scope.get("server") or ("", "")  # no Host and no server: no host at all
        self.META["SERVER_NAME"], self.META["SERVER_PORT"] = server[0], str(server[1] or "")

    def _get_scheme(self):  # SECURE_PROXY_SSL_HEADER, when set, is applied by ``scheme``
        return "https" if self._secure else "http"


def _site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def origin_allowed(scope) -> bool:
    """Whether the handshake in ``scope`` comes from a page of this site (module docstring)."""
    request = _Handshake(scope)
    origin = request.META.get("HTTP_ORIGIN")
    if not origin or origin == "null":
        return False
    if origin == _site_origin():
        return True
    # Django's own rule (the one CsrfViewMiddleware.process_view applies to the Origin of a
    # POST), not a copy of it that could drift.
    return CsrfViewMiddleware(lambda request: None)._origin_verified(request)


class OriginCheck:
    """ASGI middleware: a websocket handshake from another origin is refused (HTTP 403)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            message = await receive()
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.close"})  # before accept: a 403 response
            return None
        return await self.application(scope, receive, send)
