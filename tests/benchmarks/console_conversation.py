"""Console conversation view benchmark: the customer's whole story at 100,000 conversations.

Times ``GET /admin/console/<reference>/`` as an agent (target <= 50 ms, median of RUNS runs,
p95 and fastest beside it), for a busy customer (30 orders with shipments and tracking, 12
returns, 200 past conversations in every channel, half of them rated; the viewed conversation
has 40 messages), among 100,000 conversations of 10,000 customers. Prints the number of
queries (the same for every customer: tests/console/test_story.py pins it) and, as the
same-run baseline, a primary-key lookup of one conversation, with the ratio.

    python -m tests.benchmarks.console_conversation [--quick] [--fresh]

``--quick``: 10,000 conversations. Uses its own database (CONSOLE_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/helpdesk_bench_console); data is generated once and reused.
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal

QUICK = "--quick" in sys.argv
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench_console" + (
    "_quick" if QUICK else "")
URL = os.environ.get("CONSOLE_BENCH_DATABASE_URL", DEFAULT_URL)
CONVERSATIONS = 10_000 if QUICK else 100_000
CUSTOMERS = 10_000
RUNS = 30
TARGET_MS = 50
BUSY_EMAIL = "bench-busy@example.com"


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
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.choices import Role
    from accounts.models import AgentProfile, CustomerProfile, User
    from helpdesk.models import Conversation, RatingSource, SatisfactionRating
    from orders.models import (
        Order,
        OrderItem,
        ReturnRequest,
        Shipment,
        ShipmentStatus,
        TrackingEvent,
    )

    if User.objects.filter(email=BUSY_EMAIL).exists():
        return
    rng = random.Random(16)
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        customers = User.objects.bulk_create(
            [User(email=f"bench-customer{i}@example.com", full_name=f"Customer {i}")
             for i in range(CUSTOMERS)], batch_size=5000)
        busy = User.objects.create(email=BUSY_EMAIL, full_name="Busy Customer", language="ru")
        CustomerProfile.objects.bulk_create(
            [CustomerProfile(user=c, tier="premium" if i % 5 == 0 else "standard")
             for i, c in enumerate([*customers, busy])], batch_size=5000)
        agent = User.objects.create(email="bench-agent@example.com", full_name="Olga Agent",
                                    is_staff=True)
        agent.groups.add(Group.objects.get(name=Role.AGENT))
        AgentProfile.objects.create(user=agent)
        channels, statuses = ["chat", "email", "web", "phone"], ["open", "resolved", "closed"]
        batch = []
        for i in range(CONVERSATIONS - 200):
            batch.append(Conversation(
                customer=customers[i % CUSTOMERS], channel=rng.choice(channels),
                status=rng.choice(statuses), subject=f"Question {i}",
                created_at=now - timedelta(minutes=i)))
            if len(batch) == 10_000:
                Conversation.objects.bulk_create(batch)
                batch = []
        Conversation.objects.bulk_create(batch)
        # The busy customer: 30 orders, shipped, with tracking; some late; 12 returns.
        orders = Order.objects.bulk_create(
            [Order(number=f"B{i:07d}", customer=busy, status="delivered",
                   currency="RUB" if i % 3 else "EUR", total=Decimal(1000 + i),
                   placed_at=now - timedelta(days=i), delivered_at=now - timedelta(days=i))
             for i in range(30)])
        items = OrderItem.objects.bulk_create(
            [OrderItem(order=o, sku=f"S{o.pk}", name="Kettle", category="home",
                       unit_price=o.total) for o in orders])
        shipments = Shipment.objects.bulk_create(
            [Shipment(order=o, carrier="Boxberry", tracking_number=f"BB{o.pk:08d}",
                      status=ShipmentStatus.IN_TRANSIT if i % 4 else ShipmentStatus.DELIVERED,
                      estimated_delivery=(now - timedelta(days=i - 3)).date())
             for i, o in enumerate(orders)])
        TrackingEvent.objects.bulk_create(
            [TrackingEvent(shipment=s, occurred_at=now - timedelta(hours=h), location="Moscow",
                           status=ShipmentStatus.IN_TRANSIT) for s in shipments
             for h in (1, 20, 40)])
        returns = ReturnRequest.objects.bulk_create(
            [ReturnRequest(order=o, customer=busy, reason="damaged",
                           refund_amount=o.total) for o in orders[:12]])
        del items
        past = Conversation.objects.bulk_create(
            [Conversation(customer=busy, channel=channels[i % 4],
                          status="resolved" if i else "open", subject=f"Busy {i}",
                          created_at=now - timedelta(hours=i), resolved_at=now)
             for i in range(200)])
        SatisfactionRating.objects.bulk_create(
            [SatisfactionRating(conversation=c, score=1 + i % 5, source=RatingSource.SURVEY,
                                created_at=now) for i, c in enumerate(past[1:]) if i % 2 == 0])
        viewed = past[0]
        viewed.order = orders[0]
        viewed.save(update_fields=["order"])
        viewed.return_requests.add(*returns[:2])
        with connection.cursor() as cursor:
            # One message per conversation, then 40 in the viewed one.
            cursor.execute("""
                INSERT INTO helpdesk_message (conversation_id, seq, author_id, author_role, kind,
                                              body, client_id, event, created_at)
                SELECT id, 1, customer_id, 'customer', 'message', 'Where is my parcel?', '',
                       '', created_at FROM helpdesk_conversation""")
            cursor.execute("""
                INSERT INTO helpdesk_message (conversation_id, seq, author_id, author_role, kind,
                                              body, client_id, event, created_at)
                SELECT %s, g, CASE WHEN g %% 2 = 0 THEN %s ELSE %s END,
                       CASE WHEN g %% 2 = 0 THEN 'agent' ELSE 'customer' END, 'message',
                       'Message ' || g, '', '', now() FROM generate_series(2, 40) g""",
                           [viewed.pk, agent.pk, busy.pk])
            cursor.execute("UPDATE helpdesk_conversation SET last_seq = 1")
            cursor.execute("UPDATE helpdesk_conversation SET last_seq = 40 WHERE id = %s",
                           [viewed.pk])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated {Conversation.objects.count()} conversations in "
          f"{time.monotonic() - started:.0f} s")


def timed(fn, runs: int = RUNS) -> tuple[float, float, float]:
    """Median, p95 and fastest of ``runs`` runs in ms (after a warm-up run)."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], samples[0]


def main(argv=None) -> int:
    prepare_database("--fresh" in sys.argv)
    setup_django()
    generate()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from helpdesk.models import Conversation

    busy = User.objects.get(email=BUSY_EMAIL)
    viewed = Conversation.objects.filter(customer=busy, status="open").first()
    agent = User.objects.get(email="bench-agent@example.com")
    client = Client(SERVER_NAME="localhost")
    client.force_login(agent)
    url = f"/admin/console/{viewed.reference}/"
    assert client.get(url).status_code == 200, url

    base_ms, base_p95, base_min = timed(lambda: Conversation.objects.get(pk=viewed.pk))
    print(f"baseline: primary-key lookup of one conversation: {base_ms:.2f} ms "
          f"(p95 {base_p95:.2f}, fastest {base_min:.2f})")
    ms, p95, fastest = timed(lambda: client.get(url))
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    ok = ms <= TARGET_MS
    print(f"conversation view, busy customer, {Conversation.objects.count()} conversations: "
          f"{ms:.1f} ms (p95 {p95:.1f}, fastest {fastest:.1f}; target {TARGET_MS}) "
          f"{'OK' if ok else 'SLOW'}; {len(queries.captured_queries)} queries; "
          f"{ms / base_ms:.0f} x the baseline")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
