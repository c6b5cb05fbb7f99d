"""``/healthz``: the state of every configured part, as JSON.

200 only when every configured part answers; 503 otherwise, naming the parts that did not
(``down``). On PostgreSQL the database check borrows from the process's connection pool, so a
pool with every connection busy shows as the database being unavailable to this process, told
apart from a database that refuses connections.
"""

import asyncio
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpdesk.celery import app

logger = logging.getLogger(__name__)
TIMEOUT = 2.0


class PoolExhausted(RuntimeError):
    """Every connection of this process's pool stayed busy for the whole check."""


def _database():
    pool = getattr(connection, "pool", None)  # Django's psycopg pool (PostgreSQL), else None
    if pool is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"backend": connection.vendor}
    # The pool the pages use, waited on for TIMEOUT, not for DATABASE_POOL_TIMEOUT.
    from psycopg_pool import PoolTimeout

    pool.open()
    try:
        conn = pool.getconn(timeout=TIMEOUT)
    except PoolTimeout:
        stats = _pool_stats(pool)
        if stats["size"] < stats["max"]:
            # Room to open one, and none opened: the database itself is the problem. A
            # connection of our own says why (refused, no slot left, ...).
            _direct_connection_check()
        raise PoolExhausted(
            f"all {stats['max']} connections of this process's pool are busy, "
            f"{stats['waiting']} requests waiting") from None
    try:
        conn.execute("SELECT 1").fetchone()
    finally:
        pool.putconn(conn)
    return {"backend": connection.vendor, "pool": _pool_stats(pool)}


def _pool_stats(pool) -> dict:
    stats = pool.get_stats()
    return {"size": stats["pool_size"], "idle": stats["pool_available"],
            "max": stats["pool_max"], "waiting": stats.get("requests_waiting", 0)}


def _direct_connection_check() -> None:
    import psycopg

    params = connection.get_connection_params()
    params["connect_timeout"] = max(1, round(TIMEOUT))
    psycopg.connect(**params).close()
    raise RuntimeError("the pool opened no connection though the database accepts one")


def _cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


async def _layer_roundtrip(layer):
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), TIMEOUT)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned a different message")


def _channel_layer():
    layer = get_channel_layer()
    async_to_sync(asyncio.wait_for)(_layer_roundtrip(layer), TIMEOUT)
    return {"backend": type(layer).__name__}


def _broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"backend": "eager", "note": "tasks run in process"}
    # One attempt, no back-off sleep, a bounded connect: kombu's defaults retry with growing
    # sleeps, which would hang the health check for as long as the broker is down.
    options = {"socket_timeout": TIMEOUT, "socket_connect_timeout": TIMEOUT}
    with app.connection_for_write(connect_timeout=TIMEOUT, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                               interval_max=0, timeout=TIMEOUT)
        conn.default_channel  # noqa: B018 - opens the channel, proving the broker answers
    return {"backend": conn.transport_cls}


CHECKS = {
    "database": _database,
    "cache": _cache,
    "channel_layer": _channel_layer,
    "broker": _broker,
}


def _timed(name: str, check) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # every failure is reported, none raised
        logger.warning("healthz: %s failed: %s", name, exc)
        reason = str(exc) or f"no answer within {TIMEOUT:g} s"
        result = {"ok": False, "error": f"{type(exc).__name__}: {reason}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def run_checks() -> tuple[bool, dict]:
    """Check every part; the network parts at once, so a dead Redis costs one timeout."""
    with ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="healthz") as pool:
        futures = {
            name: pool.submit(_timed, name, check)
            for name, check in CHECKS.items() if name != "database"
        }
        results = {"database": _timed("database", CHECKS["database"])}
        for name, future in futures.items():
            results[name] = future.result()
    results = {name: results[name] for name in CHECKS}
    return all(result["ok"] for result in results.values()), results


@never_cache
@require_GET
def healthz(request):
    healthy, results = run_checks()
    down = [name for name, result in results.items() if not result["ok"]]
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "down": down, "checks": results},
        status=200 if healthy else 503,
    )
