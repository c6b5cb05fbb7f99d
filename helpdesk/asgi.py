"""ASGI entry point: HTTP through Django, websockets through Channels.

Every websocket route passes the origin check (``helpdesk.chat.consumers.origin``: Django's
CSRF rule for the ``Origin`` header, scheme, host and port) and its route's session
authentication (``helpdesk.chat.routing``) before a consumer sees it. Lifespan events start the in-process
scheduler on the embedded default (see ``helpdesk.inprocess_beat``).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from helpdesk.chat.consumers.origin import OriginCheck  # noqa: E402
from helpdesk.chat.routing import websocket_urlpatterns  # noqa: E402
from helpdesk.inprocess_beat import lifespan  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginCheck(URLRouter(websocket_urlpatterns)),
        "lifespan": lifespan,
    }
)
