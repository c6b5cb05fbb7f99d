import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.services import REPO, free_port, wait_for_port


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run Celery tasks in process unless a test asks for the real worker (``real_worker``)."""
    from helpdesk.celery import app

    if request.node.get_closest_marker("real_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    """Every email takes the production path: an outbox row in the caller's transaction
    (``EMAIL_BACKEND`` stays ``OutboxBackend``), sealed links, the trusted-address gate, then
    the send task after commit. Only the last hop, the mail server, is swapped: rows are
    delivered to ``mail.outbox`` (locmem), never to a file or a server."""
    settings.EMAIL_BACKEND = "helpdesk.mail.backend.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from helpdesk import business_hours, sla

    cache.clear()
    business_hours.forget()
    sla.forget()  # rows rolled back with a test's transaction send no signal
    yield


def database_url_for_subprocess() -> str:
    """A URL that points another process at the database this test run uses."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class AsgiServer:
    """A real uvicorn process serving helpdesk.asgi against the test database."""

    def __init__(self, extra_env: dict | None = None, port: int | None = None):
        self.port = port or free_port()
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log_path = REPO / "var" / f"asgi-test-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> "AsgiServer":
        env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "DEBUG": "true",
               "HELPDESK_READ_DOT_ENV": "false", **self.extra_env}
        env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
        env["SITE_URL"] = self.url
        self.log_path.parent.mkdir(exist_ok=True)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
             "--lifespan", "on",
             "--log-level", "warning"],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        wait_for_port("127.0.0.1", self.port, timeout=30, process=self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def pytest_collection_modifyitems(config, items):
    """Give every transactional test a serialized rollback.

    A transactional test ends by emptying the database. Without a serialized rollback the
    flush re-creates content types and permissions (post_migrate) with new ids but not the
    role groups of the data migration; a later test *with* serialized rollback then fails to
    restore its snapshot (duplicate content types on PostgreSQL). With it everywhere, every
    transactional test starts from the migrated state, groups included.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        transactional = (marker is not None and (marker.kwargs.get("transaction")
                                                 or marker.kwargs.get("reset_sequences"))) or (
            "transactional_db" in fixtures or "live_server" in fixtures)
        if not transactional:
            continue
        kwargs = dict(marker.kwargs) if marker is not None else {}
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def call_failed(request) -> bool:
    report = getattr(request.node, "rep_call", None)
    return report is None or report.failed


@pytest.fixture
def asgi_server(request, transactional_db, django_db_serialized_rollback):
    """A real ASGI server on the test database (data must be committed: transactional tests).

    The transactional test empties the database afterwards; serialized rollback restores what
    the migrations created (the role groups) for the next one. When the test fails, the server's
    log is printed with the failure.
    """
    server = AsgiServer().start()
    yield server
    server.stop()
    if call_failed(request):
        sys.stderr.write(f"--- ASGI server log ({server.log_path}) ---\n{server.log()[-20000:]}\n")
