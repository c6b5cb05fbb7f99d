"""The Procfile under honcho: web, worker and beat together on PostgreSQL and Redis, DEBUG off.

Beat sends the periodic chat-assignment job through Redis, the worker runs it, and the web
processes answer /healthz with every part up — the production-like local run of the README.
"""

import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.request

import pytest
from django.conf import settings

from tests.conftest import database_url_for_subprocess
from tests.services import (
    REPO,
    PrivateRedis,
    free_port,
    redis_server_available,
    require,
    wait_for_port,
)

BIN = REPO / ".venv" / "bin"


@pytest.fixture
def private_redis():
    require(redis_server_available(), "redis-server is needed for the production-like run")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _healthz(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_honcho_runs_web_worker_and_beat_on_postgres_and_redis(private_redis, tmp_path):
    require(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
            "the production-like run needs PostgreSQL (DATABASE_URL)")
    require((BIN / "honcho").exists(), "honcho is installed with the dev extra")
    port = free_port()
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path),
        "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": "https://help.example.com",
        "DATABASE_URL": database_url_for_subprocess(), "REDIS_URL": private_redis.url,
        "HELPDESK_VAR_DIR": str(tmp_path / "var"), "HELPDESK_READ_DOT_ENV": "false",
        "PORT": str(port), "WEB_CONCURRENCY": "2", "CELERY_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "honcho.log"
    with open(log_path, "wb") as log:
        honcho = subprocess.Popen([str(BIN / "honcho"), "start"], cwd=REPO, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port("127.0.0.1", port, timeout=60, process=honcho)
        status, body = _healthz(f"http://127.0.0.1:{port}/healthz")
        assert status == 200, body
        assert body["checks"]["database"]["backend"] == "postgresql"
        assert body["checks"]["broker"]["ok"] and body["checks"]["broker"]["backend"] != "eager"
        assert "Redis" in body["checks"]["channel_layer"]["backend"]
        # Beat sends chat-assign every 15 s; the worker runs it.
        deadline = time.monotonic() + 60
        text = ""
        while time.monotonic() < deadline:
            text = log_path.read_text(errors="replace")
            if re.search(r"worker\.1 .*helpdesk\.services\.tasks\.chat_assign\[[^\]]+\] succeeded", text):
                break
            time.sleep(1)
        assert re.search(r"beat\.1 .*Sending due task chat-assign", text), text[-3000:]
        assert re.search(r"worker\.1 .*chat_assign\[[^\]]+\] succeeded", text), text[-3000:]
        assert "Traceback" not in text, text[-3000:]
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
