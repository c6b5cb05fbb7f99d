"""Database connections of a real server (issue 12, item 4), with the production settings.

Under ASGI a persistent connection per request thread stayed open until garbage collection:
~100 page loads used up PostgreSQL. The server now borrows from a bounded pool per process
(helpdesk.settings, README "Production"); these tests load pages concurrently and count the
server's connections in ``pg_stat_activity``, and check that pages and /healthz answer 503 with
Retry-After (not 500) while the database is stopped, unreachable, or the pool has no connection
free, and 200 again once it is back.
"""

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import AsgiServer, database_url_for_subprocess
from tests.private_postgres import PrivatePostgres, private_postgres_available
from tests.services import REPO, free_port, redis_url, require

PAGE_LOADS = 300
CLIENTS = 16
WAVE = 50
SECRET_KEY = "test-" + "s" * 60
FAST_TIMEOUT = "1"  # DATABASE_POOL_TIMEOUT where a test waits for a 503 (default 5 s)
# A well-formed key, so the session middleware looks it up in the database.
SESSION_COOKIE = "sessionid=" + "k" * 32


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def connection_budget() -> int:
    """One web process's connections as README "Production" counts them: the pool (pages and
    the chat's database threads) and the chat's fast-path pool."""
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool") or {"max_size": 12}
    return pool["max_size"] + settings.CHAT_FAST_POOL_SIZE


def production_server(tmp_path, database_url: str, **env) -> AsgiServer:
    """A uvicorn process with DEBUG off, as in production (behind a proxy that sets
    X-Forwarded-Proto), its static files collected into its own var directory."""
    redis = redis_url()
    require(bool(redis), "DEBUG off needs Redis (channel layer, cache, broker)")
    var_dir = tmp_path / "var"
    environment = {
        "DEBUG": "false", "SECRET_KEY": SECRET_KEY, "REDIS_URL": redis,
        "HELPDESK_VAR_DIR": str(var_dir), "USE_X_FORWARDED_PROTO": "true",
        "DATABASE_URL": database_url, "HELPDESK_READ_DOT_ENV": "false", **env,
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=REPO, env={**os.environ, **environment}, check=True,
                   capture_output=True)
    return AsgiServer(extra_env=environment).start()


def get(server: AsgiServer, path: str, cookie: str = "", language: str = "",
        conn: http.client.HTTPConnection | None = None):
    """GET through the proxy's headers; (status, headers by lower-case name, body, seconds)."""
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    if language:
        headers["Accept-Language"] = language
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    started = time.monotonic()
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, body, time.monotonic() - started
    finally:
        if own:
            conn.close()


def healthz(server: AsgiServer, cookie: str = "") -> tuple[int, dict]:
    status, _, body, _ = get(server, "/healthz", cookie=cookie)
    return status, json.loads(body)


class ConnectionCount:
    """Connections with ``application_name`` open on the test's server, sampled every 20 ms."""

    def __init__(self, url: str, application_name: str):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.name = application_name
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def now(self) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [self.name]
        ).fetchone()[0]

    def _watch(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.conn.close()


def load_wave(server: AsgiServer, pages: list[tuple[str, str]], loads: int, offset: int):
    """``loads`` page loads by CLIENTS concurrent keep-alive clients; their statuses."""
    statuses: Counter = Counter()
    lock = threading.Lock()

    def client(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        mine: Counter = Counter()
        for k in range(index, loads, CLIENTS):
            path, cookie = pages[(offset + k) % len(pages)]
            try:
                status = get(server, path, cookie=cookie, conn=conn)[0]
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            mine[(status, path)] += 1
        conn.close()
        with lock:
            statuses.update(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.e2e
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_hundreds_of_concurrent_page_loads_stay_within_the_connection_budget(tmp_path):
    require(on_postgres(), "counts PostgreSQL connections (DATABASE_URL)")
    from django.contrib.auth import get_user_model

    from faq.models import Article, Category
    from helpdesk.demo.seed import seed_demo

    seed_demo(out=lambda *a, **k: None)
    customer = get_user_model().objects.filter(is_staff=False, email__isnull=False).first()
    client = Client()
    with override_settings(SECRET_KEY=SECRET_KEY):  # the server's: it signs the session
        client.force_login(customer)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    category, article = Category.objects.first(), Article.objects.first()
    visitor = ["/", "/help/", f"/help/categories/{category.slug}/",
               f"/help/articles/{article.slug}/", "/help/search/?q=refund", "/contact/",
               "/accounts/login/"]
    signed_in = ["/help/", "/requests/", "/orders/", "/accounts/"]
    pages = [(p, "") for p in visitor] + [(p, cookie) for p in signed_in]

    name = f"helpdesk-test-{free_port()}"
    url = f"{database_url_for_subprocess()}?application_name={name}"
    budget = connection_budget()
    server = production_server(tmp_path, url)
    try:
        with ConnectionCount(database_url_for_subprocess(), name) as count:
            statuses: Counter = Counter()
            for offset in range(0, PAGE_LOADS, WAVE):
                statuses += load_wave(server, pages, WAVE, offset)
                held = count.now()
                # Checked after every wave, so a leak fails here long before it could use up
                # the shared server's connections.
                assert held <= budget, (
                    f"{held} connections held after {offset + WAVE} page loads; "
                    f"budget {budget}")
            assert count.peak <= budget, f"peak {count.peak} > budget {budget}"
    finally:
        server.stop()
    failed = {key: n for key, n in statuses.items() if key[0] != 200}
    assert not failed, failed
    assert sum(statuses.values()) == PAGE_LOADS


def assert_unavailable_page(server: AsgiServer, path: str, cookie: str = "", *,
                            within: float) -> None:
    status, headers, body, seconds = get(server, path, cookie=cookie, language="ru")
    assert status == 503, (path, status, body[:500])
    assert headers.get("retry-after", "").isdigit(), headers
    assert b'data-testid="unavailable"' in body
    assert b'<html lang="ru">' in body  # the visitor's language, without a profile lookup
    assert seconds < within, f"{path}: 503 after {seconds:.1f} s"


def assert_database_down(server: AsgiServer, cookie: str = "") -> None:
    status, body = healthz(server, cookie=cookie)
    assert status == 503, body
    assert body["down"] == ["database"], body
    assert body["checks"]["database"]["ok"] is False
    assert all(body["checks"][part]["ok"] for part in ("cache", "channel_layer", "broker"))


@pytest.mark.e2e
@pytest.mark.services
def test_pages_and_healthz_answer_503_while_postgresql_is_stopped_and_200_once_it_is_back(
    tmp_path,
):
    require(private_postgres_available(),
            "PostgreSQL's initdb and pg_ctl (a server of the test's own, to stop)")
    pg = PrivatePostgres(max_connections=30)
    server = None
    try:
        pg.start()
        pg.psql("CREATE DATABASE helpdesk")
        migrate_env = {**os.environ, "DATABASE_URL": pg.url("helpdesk"),
                       "HELPDESK_READ_DOT_ENV": "false"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO,
                       env=migrate_env, check=True, capture_output=True)
        server = production_server(tmp_path, pg.url("helpdesk"),
                                   DATABASE_POOL_TIMEOUT=FAST_TIMEOUT)
        assert get(server, "/help/")[0] == 200
        assert healthz(server)[0] == 200

        pg.stop()
        within = float(FAST_TIMEOUT) + 3
        for path in ("/help/", "/", "/contact/"):
            assert_unavailable_page(server, path, within=within)
        # A session cookie makes the middleware look the user up: that fails first.
        assert_unavailable_page(server, "/requests/", cookie=SESSION_COOKIE, within=within)
        assert_database_down(server)
        assert_database_down(server, cookie=SESSION_COOKIE)

        pg.start()
        deadline = time.monotonic() + 10
        while get(server, "/help/")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert get(server, "/help/")[0] == 200
        assert healthz(server)[0] == 200
    finally:
        if server is not None:
            server.stop()
        pg.destroy()


@pytest.mark.e2e
def test_pages_and_healthz_answer_503_when_postgresql_is_unreachable(tmp_path):
    # Nothing listens on this port: the server starts, but can never connect.
    url = f"postgres://postgres@127.0.0.1:{free_port()}/helpdesk"
    server = production_server(tmp_path, url, DATABASE_POOL_TIMEOUT=FAST_TIMEOUT)
    try:
        assert_unavailable_page(server, "/help/", within=float(FAST_TIMEOUT) + 3)
        assert_unavailable_page(server, "/accounts/", cookie=SESSION_COOKIE,
                                within=float(FAST_TIMEOUT) + 3)
        assert_database_down(server)
        status, body = healthz(server)
        assert "refused" in body["checks"]["database"]["error"].lower(), body
    finally:
        server.stop()


@pytest.mark.e2e
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_page_that_waits_past_the_pool_timeout_answers_503_with_retry_after(tmp_path):
    require(on_postgres(), "Django's connection pool is PostgreSQL's (DATABASE_URL)")
    import psycopg

    server = production_server(tmp_path, database_url_for_subprocess(),
                               DATABASE_POOL_MAX_SIZE="1", DATABASE_POOL_TIMEOUT="0.5")
    blocker = psycopg.connect(database_url_for_subprocess())
    try:
        assert get(server, "/help/")[0] == 200
        # The one pooled connection is kept busy by a page waiting for this lock.
        blocker.execute("LOCK TABLE faq_category IN ACCESS EXCLUSIVE MODE")
        first: dict = {}
        waiting = threading.Thread(target=lambda: first.update(result=get(server, "/help/")))
        waiting.start()
        time.sleep(0.5)
        status, headers, body, seconds = get(server, "/help/")
        assert status == 503, body[:300]
        assert headers["retry-after"].isdigit()
        assert b'data-testid="unavailable"' in body
        assert seconds < 3
        status, body = healthz(server)
        assert status == 503 and body["down"] == ["database"], body
        assert "PoolExhausted" in body["checks"]["database"]["error"], body
        blocker.rollback()
        waiting.join(30)
        assert first["result"][0] == 200  # the page that held the connection still finished
        assert get(server, "/help/")[0] == 200
    finally:
        blocker.close()
        server.stop()


@pytest.mark.e2e
def test_sqlite_file_that_cannot_be_opened_answers_503(tmp_path):
    # The embedded default's "down": its file cannot be opened (here its folder is missing).
    url = f"sqlite:///{tmp_path / 'gone' / 'helpdesk.sqlite3'}"
    server = production_server(tmp_path, url)
    try:
        assert_unavailable_page(server, "/help/", within=5)
        assert_database_down(server)
    finally:
        server.stop()


def manage_check(**env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DEBUG": "false", "SECRET_KEY": SECRET_KEY,
                   "REDIS_URL": "redis://127.0.0.1:6379/0", "HELPDESK_READ_DOT_ENV": "false",
                   # Never connected to: the check only reads the settings.
                   "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/helpdesk", **env}
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_a_production_start_refuses_persistent_connections_and_accepts_the_default():
    refused = manage_check(DATABASE_POOL_MAX_SIZE="0", DATABASE_CONN_MAX_AGE="60")
    assert refused.returncode != 0
    assert "(helpdesk.E007)" in refused.stderr, refused.stderr[-2000:]
    accepted = manage_check()
    assert "helpdesk.E007" not in accepted.stderr + accepted.stdout
