"""Reports benchmark: 100,000 conversations and 1,000,000 messages with ratings in PostgreSQL.

Times the 90-day report (target <= 200 ms) and the admin change lists of conversations,
messages, ratings and orders (100,000) (target <= 150 ms a page, with no full COUNT(*) of the
table per page). Each figure is the median of RUNS runs, with the fastest beside it, and a
plain COUNT(*) over the report's rows timed in the same run as a baseline for the machine's
load at that moment.

    python -m tests.benchmarks.reports_bench [--fresh]

Uses its own database (REPORTS_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/helpdesk_bench_reports); data is generated once and reused.
"""

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

URL = os.environ.get("REPORTS_BENCH_DATABASE_URL",
                     "postgres://postgres@127.0.0.1:5432/helpdesk_bench_reports")
CONVERSATIONS = 100_000
MESSAGES_PER_CONVERSATION = 10
DAYS = 365
ORDERS = 100_000
RUNS = 9


def prepare_database(fresh: bool) -> None:
    import psycopg

    name = URL.rsplit("/", 1)[1]
    admin_url = URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = URL
    os.environ["HELPDESK_READ_DOT_ENV"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate() -> None:
    from django.db import connection, transaction

    from accounts.models import CustomerProfile, User
    from helpdesk.models import Conversation, Message, SatisfactionRating, Team
    from helpdesk.reports.models import SlaTarget

    if Conversation.objects.exists():
        generate_orders()
        backfill_timings()
        return
    rng = random.Random(6)
    started = time.monotonic()
    with transaction.atomic():
        teams = [Team.objects.create(name=f"Team {i}") for i in range(5)]
        agents = User.objects.bulk_create(
            [User(email=f"bench-agent{i}@example.com", full_name=f"Agent {i}", is_staff=True)
             for i in range(40)])
        customers = User.objects.bulk_create(
            [User(email=f"bench-customer{i}@example.com", full_name=f"Customer {i}")
             for i in range(5000)])
        CustomerProfile.objects.bulk_create(
            [CustomerProfile(user=c, tier="premium" if i % 5 == 0 else "standard")
             for i, c in enumerate(customers)])
        for tier in ("standard", "premium"):
            for channel in ("chat", "email", "web", "phone"):
                SlaTarget.objects.create(tier=tier, channel=channel,
                                         first_response_minutes=15 if channel == "chat" else 240,
                                         resolution_minutes=480 if channel == "chat" else 2880)
    end = datetime.now(tz=UTC)
    channels = ["chat"] * 5 + ["email"] * 3 + ["web", "phone"]
    topics = ["orders", "returns", "payment", "account", "promotions", "membership", "technical"]
    batch = []
    for i in range(CONVERSATIONS):
        created = end - timedelta(seconds=rng.randint(0, DAYS * 86400))
        channel = rng.choice(channels)
        answered = rng.random() < 0.95
        resolved = answered and rng.random() < 0.85
        first = created + timedelta(seconds=rng.randint(30, 8 * 3600)) if answered else None
        batch.append(Conversation(
            reference=f"HD-B{i:09d}", customer=rng.choice(customers), channel=channel,
            status="resolved" if resolved else "open", topic=rng.choice(topics),
            team=rng.choice(teams), assignee=rng.choice(agents) if answered else None,
            created_at=created, queued_at=created if channel == "chat" else None,
            assigned_at=created + timedelta(seconds=rng.randint(5, 900)) if answered else None,
            first_response_at=first,
            resolved_at=first + timedelta(seconds=rng.randint(60, 3 * 86400)) if resolved else None,
            last_seq=MESSAGES_PER_CONVERSATION))
        if len(batch) == 5000:
            Conversation.objects.bulk_create(batch)
            batch = []
    Conversation.objects.bulk_create(batch)
    ids = list(Conversation.objects.values_list("pk", "created_at", "resolved_at"))
    ratings = [SatisfactionRating(conversation_id=pk, score=rng.choices([1, 2, 3, 4, 5],
                                                                         [5, 5, 10, 30, 50])[0],
                                  comment="Slow" if rng.random() < 0.2 else "", source="chat",
                                  created_at=resolved)
               for pk, created, resolved in ids if resolved and rng.random() < 0.4]
    SatisfactionRating.objects.bulk_create(ratings, batch_size=5000)
    # Messages by INSERT ... SELECT: a million rows in seconds rather than minutes.
    extra = {f.column: "''" for f in Message._meta.concrete_fields
             if f.column not in {"id", "conversation_id", "seq", "author_id", "author_role",
                                 "kind", "body", "client_id", "created_at", "read_at"}}
    columns = ", ".join(["conversation_id", "seq", "author_role", "kind", "body", "client_id",
                         "created_at", *extra])
    values = ", ".join(["c.id", "s", "CASE WHEN s % 2 = 1 THEN 'customer' ELSE 'agent' END",
                        "'message'", "'Message ' || s", "''",
                        "c.created_at + s * interval '3 minutes'", *extra.values()])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO helpdesk_message ({columns}) SELECT {values} "  # noqa: S608
            f"FROM helpdesk_conversation c, generate_series(1, {MESSAGES_PER_CONVERSATION}) s")
        cursor.execute("ANALYZE")
    print(f"generated {len(ids)} conversations, {len(ratings)} ratings, "
          f"{len(ids) * MESSAGES_PER_CONVERSATION} messages in {time.monotonic() - started:.0f} s")
    generate_orders()
    backfill_timings()


def generate_orders() -> None:
    """100,000 orders of the bench customers over the year, by INSERT ... SELECT."""
    from django.db import connection

    from orders.models import Order

    if Order.objects.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_order (number, customer_id, status, payment_status, "
            "payment_method, currency, total, shipping_address, placed_at, delivered_at) "
            "SELECT 'B' || lpad(g::text, 9, '0'), u.id, "
            "(ARRAY['placed','processing','shipped','delivered'])[1 + g %% 4], "
            "(ARRAY['pending','paid'])[1 + g %% 2], 'card', 'RUB', (g %% 50000) / 10.0, '', "
            "now() - (g %% 365) * interval '1 day' - (g %% 86400) * interval '1 second', NULL "
            "FROM generate_series(1, %s) g JOIN LATERAL (SELECT id FROM accounts_user "
            "WHERE email = 'bench-customer' || (g %% 5000) || '@example.com') u ON true",
            [ORDERS])
        cursor.execute("ANALYZE orders_order")
    print(f"generated {ORDERS} orders")


def backfill_timings() -> None:
    """The stored business-hours timings, as the beat task keeps them (reports_backfill)."""
    from django.db import connection

    from helpdesk.reports.timings import conversation_timings_refresh

    started = time.monotonic()
    written = conversation_timings_refresh()
    if written:
        print(f"computed {written} conversation timings in {time.monotonic() - started:.0f} s")
    # The timings are written after generate()'s ANALYZE: without statistics of their own the
    # planner guessed 500 of the period's 24,000 rows (autovacuum would fix it in production).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_conversationtiming")


def cpu_per_run(fn, runs: int = RUNS) -> tuple[float | None, float]:
    """CPU ms per run of ``fn``: the PostgreSQL backend's (read from /proc, so only with a
    local server; None otherwise) and this process's. Unlike wall time, CPU time moves little
    with other processes' load, so it compares code across runs on a shared machine."""
    from django.db import connection

    def backend_ms() -> float | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    before, process_before = backend_ms(), time.process_time()
    for _ in range(runs):
        fn()
    after, process_after = backend_ms(), time.process_time()
    backend = None if before is None or after is None else (after - before) / runs
    return backend, (process_after - process_before) * 1000 / runs


def timed(fn) -> tuple[float, object, float]:
    """Median and fastest of RUNS runs, in ms (after one warm-up run)."""
    result = fn()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result, min(samples)


def main() -> int:
    prepare_database("--fresh" in sys.argv)
    setup_django()
    generate()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from helpdesk.reports.filters import ReportFilters, conversations_in_scope, report_tz
    from helpdesk.reports.selectors import build_report

    today = timezone.now().astimezone(report_tz()).date()
    filters = ReportFilters(date_from=today - timedelta(days=89), date_to=today)
    base_ms, _, base_min = timed(lambda: conversations_in_scope(filters).count())
    print(f"baseline: COUNT(*) of the 90 days' conversations: {base_ms:.0f} ms "
          f"(fastest {base_min:.0f})")
    report_ms, report, report_min = timed(lambda: build_report(filters))
    ok = report_ms <= 200
    print(f"90-day report ({report['volume']['total']} conversations): {report_ms:.0f} ms "
          f"(fastest {report_min:.0f}; target 200) {'OK' if ok else 'SLOW'}")
    backend_cpu, python_cpu = cpu_per_run(lambda: build_report(filters), runs=3 * RUNS)
    print(f"90-day report CPU per run: PostgreSQL "
          f"{'n/a' if backend_cpu is None else f'{backend_cpu:.0f} ms'}, Python {python_cpu:.0f} ms")

    manager, _ = User.objects.get_or_create(
        email="bench-manager@example.com",
        defaults={"full_name": "Manager", "is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(manager)
    for url in ("/admin/helpdesk/conversation/", "/admin/helpdesk/message/",
                "/admin/helpdesk/satisfactionrating/", "/admin/helpdesk/conversation/?p=50",
                "/admin/helpdesk/conversation/?channel__exact=email",
                "/admin/helpdesk/message/?kind__exact=message", "/admin/orders/order/"):
        ms, response, fastest = timed(lambda url=url: client.get(url))
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        full_counts = [q["sql"] for q in queries.captured_queries
                       if "COUNT(*)" in q["sql"].upper() and "WHERE" not in q["sql"].upper()
                       and ("helpdesk_" in q["sql"] or "orders_" in q["sql"])]
        page_ok = response.status_code == 200 and ms <= 150 and not full_counts
        ok = ok and page_ok
        print(f"change list {url}: {ms:.0f} ms (fastest {fastest:.0f}), "
              f"{len(queries.captured_queries)} queries, "
              f"full counts: {len(full_counts)} (target 150 ms, none) "
              f"{'OK' if page_ok else 'SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
