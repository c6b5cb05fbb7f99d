"""The console's browser tests: Chromium (tests/e2e/conftest.py) against the real ASGI server,
with a 2 s heartbeat and eager Celery; on Redis when REDIS_URL is set (this area's database: 9).
"""

import os
import sys

import pytest
from django.conf import settings

from tests.chat.conftest import session_key_for
from tests.conftest import AsgiServer, call_failed
from tests.e2e.conftest import browser, page_factory  # noqa: F401 - Chromium for the browser tests
from tests.services import redis_url, require

CONSOLE_REDIS_DB = 9


@pytest.fixture
def console_server(request, transactional_db, django_db_serialized_rollback):
    env = {"CHAT_HEARTBEAT_SECONDS": "2", "CELERY_TASK_ALWAYS_EAGER": "true",
           "HELPDESK_INPROCESS_BEAT": "false", "REDIS_URL": ""}
    if os.environ.get("REDIS_URL"):
        url = redis_url(CONSOLE_REDIS_DB)
        require(bool(url), "REDIS_URL is set but Redis does not answer")
        env["REDIS_URL"] = url
    server = AsgiServer(extra_env=env).start()
    yield server
    server.stop()
    if call_failed(request):
        sys.stderr.write(f"--- ASGI server log ---\n{server.log()[-20000:]}\n")


def console_login(page, server, user) -> None:
    """Sign ``user`` in on the browser page (their session cookie for the server)."""
    key = session_key_for(user)

    def steps(p):
        p.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key,
                                "url": server.url}])
    page.run(steps)
