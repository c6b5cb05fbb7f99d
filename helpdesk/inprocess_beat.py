"""Run the Celery beat schedule inside the server process on the embedded default.

With a broker, ``celery -A helpdesk beat`` owns the schedule. Without one (Celery eager), the
ASGI server starts this scheduler at lifespan start-up so a demo behaves like production: the
same ``CELERY_BEAT_SCHEDULE`` entries run on the same timetable, in one process.
"""

import asyncio
import logging
import threading
from datetime import UTC, datetime

from celery import current_app
from celery.schedules import schedule as interval
from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import autodiscover_modules

from helpdesk import gc_tuning
from helpdesk.chat.consumers import chat_fast
from helpdesk.checks import startup_refusals

logger = logging.getLogger(__name__)

_stop = threading.Event()
_thread: threading.Thread | None = None


def run_due(last_run: dict[str, datetime], now: datetime) -> list[str]:
    """Run every schedule entry that is due at ``now``; return the names that ran."""
    # A web process never imports the apps' tasks modules on its own (a worker does at start):
    # import them so every scheduled task is registered. Not through Celery's
    # loader.import_default_modules(): its Django fix-up calls django.setup() (re-configuring
    # logging) and runs every system check, each time it is called.
    autodiscover_modules("tasks")
    ran = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        if not hasattr(schedule, "is_due"):
            schedule = interval(schedule)
        previous = last_run.setdefault(name, now)
        if not schedule.is_due(previous).is_due:
            continue
        last_run[name] = now
        try:
            current_app.tasks[entry["task"]].apply(
                args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
            )
            ran.append(name)
        except Exception:
            logger.exception("scheduled job %s failed", name)
    return ran


def _loop(interval: float) -> None:
    last_run: dict[str, datetime] = {}
    while not _stop.wait(interval):
        run_due(last_run, datetime.now(tz=UTC))
        close_old_connections()


def start(interval: float = 5.0) -> bool:
    """Start the scheduler thread if the embedded default asks for it."""
    global _thread
    if not settings.HELPDESK_INPROCESS_BEAT or _thread is not None:
        return False
    _stop.clear()
    _thread = threading.Thread(target=_loop, args=(interval,), name="inprocess-beat", daemon=True)
    _thread.start()
    logger.info("in-process scheduler started (%d jobs)", len(settings.CELERY_BEAT_SCHEDULE))
    return True


def stop() -> None:
    global _thread
    _stop.set()
    _thread = None


async def lifespan(scope, receive, send):
    """ASGI lifespan handler: refuse an unsafe start, start and stop the in-process scheduler."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            refusals = startup_refusals()
            if refusals:
                # With DEBUG off an unsafe configuration never serves a request.
                for refusal in refusals:
                    logger.error("refusing to start: %s", refusal)
                await send({"type": "lifespan.startup.failed", "message": " ".join(refusals)})
                return
            gc_tuning.apply()
            chat_fast.warm()
            await asyncio.to_thread(start)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
