"""A real Celery worker process runs a task sent through the Redis broker."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from helpdesk.celery import app
from tests.conftest import database_url_for_subprocess
from tests.services import REPO, redis_url, require

REDIS_DB = 4  # this area's own Redis database


@pytest.fixture
def not_eager():
    """On the embedded default this process's app is eager; the producer here must not be."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.mark.real_worker
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_the_broker(tmp_path, not_eager):
    url = redis_url(db=REDIS_DB)
    require(bool(url), "Redis is needed for a real Celery broker")
    now = timezone.now()
    Session.objects.create(session_key="expired" + "x" * 33, session_data="e30",
                           expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="current" + "x" * 33, session_data="e30",
                           expire_date=now + timedelta(days=1))

    env = {**os.environ, "REDIS_URL": url, "DATABASE_URL": database_url_for_subprocess(),
           "HELPDESK_READ_DOT_ENV": "false", "HELPDESK_VAR_DIR": str(tmp_path)}
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "solo",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--hostname", f"platform-test-{os.getpid()}@%h"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            # Sent from here, through Redis: not eager, not in this process.
            with app.connection_for_write(url) as connection:
                producer = app.amqp.Producer(connection)
                app.send_task("accounts.tasks.clear_expired_sessions", producer=producer)

            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if worker.poll() is not None:
                    break
                if not Session.objects.filter(session_key__startswith="expired").exists():
                    break
                time.sleep(0.2)
        finally:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
    output = log_path.read_text(errors="replace")
    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert remaining == {"current" + "x" * 33}, output
    assert "accounts.tasks.clear_expired_sessions" in output
    assert "succeeded" in output
