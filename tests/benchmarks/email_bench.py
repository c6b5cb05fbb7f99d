"""Email: 10,000 survey emails through Celery worker processes to a local SMTP server.

    .venv/bin/python -m tests.benchmarks.email_bench [--count 10000] [--workers 3] [--quick]

Needs PostgreSQL (``BENCH_POSTGRES_URL``, default postgres://postgres@127.0.0.1:5432/postgres;
the database ``helpdesk_bench_email`` is created and dropped) and Redis (``BENCH_REDIS_URL``,
default redis://127.0.0.1:6379/1, the email area's database, flushed before and after).

Untimed set-up: ``--count`` customers, each with a web conversation resolved 25 hours ago, and
their surveys scheduled (``surveys_schedule``). The SMTP server is aiosmtpd in its own process
(``tests.benchmarks.smtp_sink``), which reports the moment it has accepted the last message.

1. Baseline: the very emails the survey step renders, built in this process beforehand and
   sent by this one process over one SMTP connection with Django's SMTP backend: no database,
   no broker, no Celery.
2. Outbox: ``--workers`` Celery prefork processes (``celery -A helpdesk worker``) on Redis and
   PostgreSQL. The clock starts when this process begins the beat's task ``surveys_run`` (it
   publishes one ``surveys_step_batch`` task per SURVEY_BATCH_SIZE due
   surveys; each batch renders its surveys, writes their outbox rows in one transaction and
   publishes ``email_send_batch`` tasks after commit, which claim and send EMAIL_SEND_BATCH
   rows over one SMTP connection), and stops when the SMTP server has accepted the last
   message. Every row must end ``sent`` and no Message-ID may arrive twice.

Also printed: when the last outbox row was written ("surveys stepped"), and the CPU seconds
of each part (this process and the sink for the baseline; the workers after start-up, the
sink and the PostgreSQL backends for the outbox), which do not depend on the machine's load.

Target: 10,000 end to end in at most 60 s (``--quick``: 1,000 emails, same target pro rata).
Prints a Markdown table with the load average; exit 1 when the target is missed.
"""

import argparse
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from tests.services import REPO, free_port

DB_NAME = "helpdesk_bench_email"
TARGET_SECONDS_PER_10K = 60.0


def postgres_server() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")


def database_url() -> str:
    return urlunparse(urlparse(postgres_server())._replace(path=f"/{DB_NAME}"))


def admin_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(postgres_server(), autocommit=True) as conn:
        conn.execute(sql)


def environment(smtp_port: int) -> dict[str, str]:
    """The production-shaped settings the bench process and the workers share."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(), "REDIS_URL": redis_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "EMAIL_TIMEOUT": "10",
        "DEBUG": "false", "SECRET_KEY": os.environ.get("SECRET_KEY", secrets.token_urlsafe(50)),
        "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": "https://help.example.com",
        "HELPDESK_READ_DOT_ENV": "false", "LOG_LEVEL": "WARNING",
        "HELPDESK_INPROCESS_BEAT": "false",
    }


# --- processes ---------------------------------------------------------------------------------


def cpu_seconds(pid: int, tree: bool = True) -> float:
    """User + system CPU seconds of a live process (and its children) from /proc: the figure
    that does not depend on how busy the other engineers keep the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / tick
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split() if tree else []
    except (OSError, IndexError):
        return 0.0
    return total + sum(cpu_seconds(int(child)) for child in children)


def postgres_cpu_seconds() -> float:
    """CPU seconds of the PostgreSQL backends now connected to the bench database."""
    import psycopg

    with psycopg.connect(postgres_server(), autocommit=True) as conn:
        pids = [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME])]
    return sum(cpu_seconds(pid, tree=False) for pid in pids)


class Sink:
    """The SMTP server process; its report lines arrive on a queue."""

    def __init__(self, expected: int):
        self.port = free_port()
        self.lines: queue.Queue[str] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.smtp_sink", str(self.port), str(expected)],
            cwd=REPO, stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.last_count = 0
        self.duplicates = 0
        assert self.wait_for("READY", 30), "SMTP sink did not start"

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def wait_for(self, prefix: str, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if line.startswith("COUNT"):
                _c, count, _d, dup = line.split()
                self.last_count, self.duplicates = int(count), int(dup)
            if line.startswith(prefix):
                return line
        return None

    def done_at(self, timeout: float) -> float | None:
        line = self.wait_for("DONE", timeout)
        return float(line.split()[2]) if line else None

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def start_workers(count: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    out = open(log, "wb")  # noqa: SIM115 - owned by the process for its life
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "prefork",
         "--concurrency", str(count), "--loglevel", "WARNING", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--hostname", f"bench-{os.getpid()}@%h"],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process


def wait_workers_ready(timeout: float = 90) -> None:
    from helpdesk.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if replies:
            return
    raise RuntimeError("workers did not answer a ping")


# --- data --------------------------------------------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(count: int) -> None:
    """``count`` customers with one resolved web conversation each, their surveys due now."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from helpdesk.models import Channel, Conversation, Status
    from helpdesk.surveys.services import surveys_schedule
    from orders.models import make_reference

    now = timezone.now()
    resolved = now - timedelta(hours=25)
    with transaction.atomic():
        users = User.objects.bulk_create([
            User(email=f"bench{i}@example.com", full_name=f"Customer {i}", password="!bench",
                 language=("en", "ru", "zh-hans")[i % 3])
            for i in range(count)], batch_size=2000)
        Conversation.objects.bulk_create([
            Conversation(reference=make_reference("HD"), customer=u, channel=Channel.WEB,
                         status=Status.RESOLVED, topic="orders", subject=f"Request {i}",
                         created_at=resolved - timedelta(hours=1), resolved_at=resolved)
            for i, u in enumerate(users)], batch_size=2000)
    while surveys_schedule(now=now):
        pass


def rendered_emails(count: int):
    """The survey emails exactly as the survey step renders them, for the baseline."""
    from helpdesk.mail.delivery import outbound_message
    from helpdesk.surveys.models import Survey
    from helpdesk.surveys.services import survey_email

    rows = [survey_email(survey, survey.conversation, reminder=False)  # unsaved rows
            for survey in Survey.objects.select_related(
                "conversation__customer").order_by("pk")[:count]]
    # As the outbox sends them: the sealed survey links filled in (helpdesk.mail.secrets).
    return [outbound_message(row) for row in rows]


# --- phases ------------------------------------------------------------------------------------


def baseline(count: int, env: dict[str, str]) -> dict:
    from django.core.mail import get_connection

    messages = rendered_emails(count)
    sink = Sink(len(messages))
    try:
        started = time.time()
        connection = get_connection("django.core.mail.backends.smtp.EmailBackend",
                                    host="127.0.0.1", port=sink.port, use_tls=False,
                                    username="", password="", timeout=10)
        cpu_before = time.process_time()
        with connection:
            sent = connection.send_messages(messages)
        finished = sink.done_at(600)
        cpu = {"sender": time.process_time() - cpu_before,
               "sink": cpu_seconds(sink.process.pid)}
        return {"name": "baseline: 1 process, 1 SMTP connection, no Celery", "sent": sent,
                "seconds": (finished or time.time()) - started, "enqueue": None,
                "duplicates": sink.duplicates, "cpu": cpu}
    finally:
        sink.stop()


def through_celery(count: int, workers: int, log: Path) -> dict:
    import redis
    from django.db import connection as db
    from django.db.models import Count, Max

    from helpdesk.celery import app
    from helpdesk.mail.models import OutboundEmail, OutboundStatus
    from helpdesk.surveys.tasks import surveys_run

    sink = Sink(count)
    env = environment(sink.port)
    redis.Redis.from_url(redis_url()).flushdb()
    process = start_workers(workers, env, log)
    try:
        app.conf.task_always_eager = False
        wait_workers_ready()
        idle_cpu = cpu_seconds(process.pid)  # start-up (imports, Django set-up) left out
        started = time.time()
        steps = surveys_run()  # the beat's task
        enqueued = time.time()
        print(f"dispatched {steps.get('batches', 0)} survey batches in "
              f"{enqueued - started:.2f} s", file=sys.stderr, flush=True)
        finished = sink.done_at(max(600, count / 10))
        # The server has the last message; its worker marks the row sent a moment later.
        deadline = time.monotonic() + 30
        while (OutboundEmail.objects.exclude(status=OutboundStatus.SENT).exists()
               and time.monotonic() < deadline):
            time.sleep(0.2)
        statuses = dict(OutboundEmail.objects.values_list("status").annotate(n=Count("pk"))
                        .order_by())
        sent = statuses.get(OutboundStatus.SENT, 0)
        last_row = OutboundEmail.objects.aggregate(at=Max("created_at"))["at"]
        cpu = {"workers": cpu_seconds(process.pid) - idle_cpu, "sink": cpu_seconds(sink.process.pid),
               "postgres": postgres_cpu_seconds()}
        db.close()
        return {"name": f"outbox: {workers} Celery prefork processes on Redis + PostgreSQL",
                "sent": sent, "seconds": (finished or time.time()) - started,
                "enqueue": enqueued - started, "duplicates": sink.duplicates,
                "stepped": last_row.timestamp() - started if last_row else None,
                "cpu": cpu,
                "complete": finished is not None,
                "all_sent": statuses.get(OutboundStatus.SENT, 0) == count,
                "statuses": statuses}
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        sink.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=3, help="worker processes")
    parser.add_argument("--quick", action="store_true", help="1,000 emails")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)
    # A terminated run still stops its workers and sink and drops its database (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    count = 1_000 if args.quick else args.count
    target = TARGET_SECONDS_PER_10K * count / 10_000
    log = REPO / "var" / "bench-email-workers.log"
    log.parent.mkdir(exist_ok=True)

    admin_execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_execute(f"CREATE DATABASE {DB_NAME}")
    try:
        setup_django(environment(smtp_port=1))
        print(f"filling {count:,} resolved conversations", file=sys.stderr, flush=True)
        fill(count)
        rows = []
        if not args.skip_baseline:
            rows.append(baseline(count, environment(smtp_port=1)))
        rows.append(through_celery(count, args.workers, log))
    finally:
        from django.db import connections

        connections.close_all()
        admin_execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        import redis

        redis.Redis.from_url(redis_url()).flushdb()

    print(f"\n## Email: {count:,} survey emails to a local SMTP server "
          f"(load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs)\n")
    print("| run | emails | end to end (s) | emails/s | dispatch (s) | surveys stepped (s) "
          "| duplicates |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        enqueue = f"{r['enqueue']:.2f}" if r["enqueue"] is not None else "-"
        stepped = f"{r['stepped']:.1f}" if r.get("stepped") is not None else "-"
        print(f"| {r['name']} | {r['sent']:,} | {r['seconds']:.1f} | "
              f"{r['sent'] / r['seconds']:.0f} | {enqueue} | {stepped} | {r['duplicates']} |")
    print()
    for r in rows:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in r["cpu"].items())
        print(f"CPU seconds, {r['name'].split(':')[0]}: {parts} "
              f"(total {sum(r['cpu'].values()):.1f})")
    celery = rows[-1]
    ok = celery["complete"] and celery["all_sent"] and celery["duplicates"] == 0
    print(f"\noutbox rows by status: {celery['statuses']}")
    print(f"target: {count:,} in <= {target:.0f} s end to end: "
          f"{'met' if ok and celery['seconds'] <= target else 'MISSED'}")
    return 0 if ok and celery["seconds"] <= target else 1


if __name__ == "__main__":
    sys.exit(main())
