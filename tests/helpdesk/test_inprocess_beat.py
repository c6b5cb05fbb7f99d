"""The in-process scheduler that runs the beat schedule on the embedded default."""

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync

from helpdesk import inprocess_beat
from helpdesk.celery import app
from tests.conftest import AsgiServer

calls: list[str] = []


@app.task(name="tests.beat_probe")
def beat_probe(label: str) -> None:
    calls.append(label)


@pytest.fixture(autouse=True)
def _clean_state():
    calls.clear()
    inprocess_beat.stop()
    yield
    inprocess_beat.stop()


@pytest.fixture
def probe_schedule(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "every-minute": {"task": "tests.beat_probe", "schedule": 60.0, "args": ("minute",)},
        "hourly": {"task": "tests.beat_probe", "schedule": timedelta(hours=1),
                   "args": ("hour",)},
    }


def test_run_due_runs_a_due_entry_and_not_an_undue_one(probe_schedule):
    now = datetime.now(tz=UTC)
    earlier = now - timedelta(minutes=2)
    last_run = {"every-minute": earlier, "hourly": earlier}
    assert inprocess_beat.run_due(last_run, now) == ["every-minute"]
    assert calls == ["minute"]
    assert last_run == {"every-minute": now, "hourly": earlier}
    # Right after it ran, nothing is due.
    assert inprocess_beat.run_due(last_run, now) == []
    assert calls == ["minute"]


def test_run_due_does_not_fire_every_job_at_start_up(probe_schedule):
    now = datetime.now(tz=UTC)
    last_run: dict = {}
    assert inprocess_beat.run_due(last_run, now) == []
    assert calls == []
    assert set(last_run) == {"every-minute", "hourly"}


def test_a_failing_job_is_logged_and_the_others_still_run(settings, caplog):
    settings.CELERY_BEAT_SCHEDULE = {
        "missing": {"task": "tests.no_such_task", "schedule": 60.0},
        "probe": {"task": "tests.beat_probe", "schedule": 60.0, "args": ("ran",)},
    }
    now = datetime.now(tz=UTC)
    earlier = now - timedelta(minutes=5)
    with caplog.at_level(logging.ERROR, logger="helpdesk.inprocess_beat"):
        ran = inprocess_beat.run_due({"missing": earlier, "probe": earlier}, now)
    assert ran == ["probe"]
    assert calls == ["ran"]
    assert "scheduled job missing failed" in caplog.text


def test_every_scheduled_job_names_a_registered_task(settings):
    app.loader.import_default_modules()
    missing = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] not in app.tasks]
    assert missing == []


def drive_lifespan(*events: str) -> list[dict]:
    """Run the real lifespan handler through the given events; return what it sent."""

    async def go():
        inbox: asyncio.Queue = asyncio.Queue()
        sent: list[dict] = []
        for event in events:
            inbox.put_nowait({"type": f"lifespan.{event}"})

        async def send(message):
            sent.append(message)
            if message["type"] == "lifespan.startup.complete":
                sent.append({"thread_alive": bool(inprocess_beat._thread
                                                  and inprocess_beat._thread.is_alive())})

        await asyncio.wait_for(
            inprocess_beat.lifespan({"type": "lifespan"}, inbox.get, send), 10
        )
        return sent

    return async_to_sync(go)()


def test_lifespan_starts_the_scheduler_on_the_embedded_default(settings):
    # The embedded default, whatever this run's services (pytest-django turns DEBUG off).
    settings.DEBUG = True
    settings.HELPDESK_INPROCESS_BEAT = True
    sent = drive_lifespan("startup", "shutdown")
    assert sent == [
        {"type": "lifespan.startup.complete"},
        {"thread_alive": True},
        {"type": "lifespan.shutdown.complete"},
    ]
    assert inprocess_beat._thread is None


def test_lifespan_leaves_the_scheduler_off_when_disabled(settings):
    settings.DEBUG = True
    settings.HELPDESK_INPROCESS_BEAT = False
    sent = drive_lifespan("startup", "shutdown")
    assert sent[:2] == [{"type": "lifespan.startup.complete"}, {"thread_alive": False}]


def test_lifespan_refuses_to_start_with_debug_off_and_the_in_memory_layer(settings):
    settings.DEBUG = False
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    sent = drive_lifespan("startup")
    assert len(sent) == 1
    assert sent[0]["type"] == "lifespan.startup.failed"
    assert "helpdesk.E003" in sent[0]["message"]
    assert inprocess_beat._thread is None


def test_the_scheduler_thread_runs_due_jobs_on_its_own(settings):
    settings.HELPDESK_INPROCESS_BEAT = True
    settings.CELERY_BEAT_SCHEDULE = {
        "fast": {"task": "tests.beat_probe", "schedule": 0.2, "args": ("tick",)},
    }
    assert inprocess_beat.start(interval=0.1) is True
    deadline = datetime.now(tz=UTC) + timedelta(seconds=5)
    while not calls and datetime.now(tz=UTC) < deadline:
        time.sleep(0.05)
    inprocess_beat.stop()
    assert "tick" in calls


@pytest.mark.e2e
@pytest.mark.parametrize(("flag", "started"), [("", True), ("false", False)])
def test_a_real_server_starts_the_scheduler_only_on_the_embedded_default(
    transactional_db, flag, started
):
    env = {"REDIS_URL": "", "LOG_LEVEL": "INFO"}
    if flag:
        env["HELPDESK_INPROCESS_BEAT"] = flag
    server = AsgiServer(extra_env=env).start()
    try:
        log = server.log()
    finally:
        server.stop()
    assert ("in-process scheduler started" in log) is started, log
