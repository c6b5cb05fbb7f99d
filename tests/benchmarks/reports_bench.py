"""Reports benchmark: 100,000 conversations and 1,000,000 messages with ratings in PostgreSQL.

Times the 90-day report (target <= 200 ms) and the admin change lists of conversations,
messages and ratings (target <= 150 ms a page, with no full COUNT(*) of the table per page).

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
RUNS = 7


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
    from helpdesk.models import Conversation, Message, SatisfactionRating, SlaTarget, Team

    if Conversation.objects.exists():
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


def timed(fn) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main() -> int:
    prepare_database("--fresh" in sys.argv)
    setup_django()
    generate()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from helpdesk.reports.filters import ReportFilters, report_tz
    from helpdesk.reports.selectors import build_report

    today = timezone.now().astimezone(report_tz()).date()
    filters = ReportFilters(date_from=today - timedelta(days=89), date_to=today)
    report_ms, report = timed(lambda: build_report(filters))
    ok = report_ms <= 200
    print(f"90-day report ({report['volume']['total']} conversations): {report_ms:.0f} ms "
          f"(target 200) {'OK' if ok else 'SLOW'}")

    manager, _ = User.objects.get_or_create(
        email="bench-manager@example.com",
        defaults={"full_name": "Manager", "is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(manager)
    for url in ("/admin/helpdesk/conversation/", "/admin/helpdesk/message/",
                "/admin/helpdesk/satisfactionrating/", "/admin/helpdesk/conversation/?p=50"):
        ms, response = timed(lambda url=url: client.get(url))
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        full_counts = [q["sql"] for q in queries.captured_queries
                       if "COUNT(*)" in q["sql"].upper() and "WHERE" not in q["sql"].upper()
                       and "helpdesk_" in q["sql"]]
        page_ok = response.status_code == 200 and ms <= 150 and not full_counts
        ok = ok and page_ok
        print(f"change list {url}: {ms:.0f} ms, {len(queries.captured_queries)} queries, "
              f"full counts: {len(full_counts)} (target 150 ms, none) "
              f"{'OK' if page_ok else 'SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
