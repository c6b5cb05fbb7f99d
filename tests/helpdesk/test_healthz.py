"""/healthz on the embedded default and on Redis, while Redis runs, after it stops, and while it
hangs."""

import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import AsgiServer
from tests.services import PrivateRedis, free_port, redis_server_available, require

NETWORK_PARTS = {"cache", "channel_layer", "broker"}


def get_healthz(server: AsgiServer) -> tuple[int, dict, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=20) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


@pytest.mark.django_db
def test_healthz_reports_every_configured_part_and_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response.headers["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_answers_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.e2e
def test_healthz_on_the_embedded_default_names_the_embedded_backends(transactional_db):
    server = AsgiServer(extra_env={"REDIS_URL": ""}).start()
    try:
        status, body, _ = get_healthz(server)
    finally:
        server.stop()
    assert status == 200, body
    checks = body["checks"]
    assert checks["cache"]["backend"] == "LocMemCache"
    assert checks["channel_layer"]["backend"] == "InMemoryChannelLayer"
    assert checks["broker"]["backend"] == "eager"


@pytest.mark.e2e
def test_healthz_on_redis_is_200_while_it_runs_and_503_naming_the_parts_after_it_stops(
    transactional_db,
):
    require(redis_server_available(), "redis-server is not installed")
    redis = PrivateRedis()
    redis.start()
    server = AsgiServer(extra_env={"REDIS_URL": redis.url}).start()
    try:
        status, body, _ = get_healthz(server)
        assert status == 200, body
        assert body["status"] == "ok"
        assert body["checks"]["cache"]["backend"] == "RedisCache"
        assert body["checks"]["channel_layer"]["backend"] == "RedisPubSubChannelLayer"
        assert body["checks"]["broker"]["ok"] is True
        assert body["checks"]["broker"]["backend"] != "eager"

        redis.stop()
        status, body, elapsed = get_healthz(server)
        assert status == 503, body
        assert body["status"] == "unavailable"
        failed = {name for name, check in body["checks"].items() if not check["ok"]}
        assert failed == NETWORK_PARTS
        assert body["down"] == ["cache", "channel_layer", "broker"]
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["broker"]["ms"] < 3000
        assert elapsed < 3

        # And it recovers once Redis is back.
        redis.start()
        status, body, _ = get_healthz(server)
        assert status == 200, body
    finally:
        server.stop()
        redis.stop()


@pytest.mark.e2e
def test_healthz_answers_within_seconds_when_redis_accepts_but_never_replies(
    transactional_db,
):
    # A listening socket that never answers: what a hung Redis looks like to a client.
    silent = socket.socket()
    silent.bind(("127.0.0.1", free_port()))
    silent.listen(64)
    port = silent.getsockname()[1]
    server = AsgiServer(extra_env={"REDIS_URL": f"redis://127.0.0.1:{port}/0"}).start()
    try:
        status, body, elapsed = get_healthz(server)
    finally:
        server.stop()
        silent.close()
    assert status == 503, body
    failed = {name for name, check in body["checks"].items() if not check["ok"]}
    assert failed == NETWORK_PARTS
    assert body["checks"]["broker"]["ms"] < 3000
    assert elapsed < 6


@pytest.mark.django_db
def test_healthz_on_postgresql_reports_this_processs_connection_pool(client):
    from django.conf import settings

    pool_settings = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    require(pool_settings is not None, "the connection pool is PostgreSQL's (DATABASE_URL)")
    body = client.get("/healthz").json()
    pool = body["checks"]["database"]["pool"]
    assert pool["max"] == pool_settings["max_size"]
    assert 1 <= pool["size"] <= pool["max"]
