"""Live board benchmark: the cost of one update of the board (its JSON endpoint,
``GET /admin/console/board/data/``) with 50 agents online and 100,000 conversations, some
thousands of them open, on PostgreSQL.

Prints p50 and p95 of the endpoint through Django's test client (session, auth, the five
queries, the JSON), for a manager (every conversation) and for an agent (their teams'), beside
a primary-key lookup of a conversation timed in the same run, and the ratio.

    python -m tests.benchmarks.console_board [--quick] [--fresh]

``--quick``: 10,000 conversations. Uses its own database (BOARD_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/helpdesk_bench_board[_quick]); data is generated once and
reused (``--fresh`` regenerates it).
"""

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

QUICK = "--quick" in sys.argv
URL = os.environ.get("BOARD_BENCH_DATABASE_URL",
                     "postgres://postgres@127.0.0.1:5432/helpdesk_bench_board"
                     + ("_quick" if QUICK else ""))
CONVERSATIONS = 10_000 if QUICK else 100_000
AGENTS = 50
CUSTOMERS = 2_000
RUNS = 30 if QUICK else 100


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
    """50 agents in 5 teams, 100,000 conversations over a year: about 3 % open (waiting,
    unassigned, assigned; many with an answer due around now), the rest resolved, 40 % of
    those rated (some today)."""
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.choices import Role
    from accounts.models import AgentProfile, User
    from helpdesk.models import Conversation, SatisfactionRating, Team

    if Conversation.objects.exists():
        return
    rng = random.Random(16)
    started = time.monotonic()
    now = datetime.now(UTC)
    topics = ["orders", "returns", "payment", "account", "promotions", "membership", "technical"]
    channels = ["chat"] * 4 + ["email"] * 3 + ["web", "phone"]
    with transaction.atomic():
        teams = [Team.objects.create(name=f"Bench team {i}") for i in range(5)]
        agents = User.objects.bulk_create(
            [User(email=f"bench-agent{i}@example.com", full_name=f"Agent {i:02}", is_staff=True)
             for i in range(AGENTS)])
        group = Group.objects.get(name=Role.AGENT)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=a.pk, group_id=group.pk) for a in agents])
        AgentProfile.objects.bulk_create(
            [AgentProfile(user=a, status="online" if i % 10 else "away",
                          max_concurrent_chats=3) for i, a in enumerate(agents)])
        for i, agent in enumerate(agents):
            teams[i % 5].members.add(agent)
        customers = User.objects.bulk_create(
            [User(email=f"bench-customer{i}@example.com", full_name=f"Customer {i}")
             for i in range(CUSTOMERS)])
        batch, ratings = [], []
        for i in range(CONVERSATIONS):
            created = now - timedelta(seconds=rng.randint(0, 365 * 86400))
            channel = rng.choice(channels)
            team = rng.choice(teams)
            if rng.random() < 0.03:   # open now: created in the last hours
                created = now - timedelta(seconds=rng.randint(60, 6 * 3600))
                kind = rng.random()
                status = "waiting" if kind < 0.3 else "open" if kind < 0.85 else "pending"
                assignee = None if kind < 0.45 else rng.choice(agents)
                due = now + timedelta(minutes=rng.randint(-60, 240))
                resolved = None
            else:
                status, assignee, due = "resolved", rng.choice(agents), None
                resolved = min(created + timedelta(seconds=rng.randint(300, 3 * 86400)), now)
            batch.append(Conversation(
                reference=f"HD-K{i:09d}", customer=rng.choice(customers), channel=channel,
                status=status, topic=rng.choice(topics), team=team, assignee=assignee,
                created_at=created, queued_at=created if status == "waiting" else None,
                response_due_at=due, resolved_at=resolved))
            if len(batch) == 5000:
                Conversation.objects.bulk_create(batch)
                batch = []
        Conversation.objects.bulk_create(batch)
        for pk, resolved in Conversation.objects.filter(status="resolved").values_list(
                "pk", "resolved_at"):
            if rng.random() < 0.4:
                ratings.append(SatisfactionRating(
                    conversation_id=pk, score=rng.choices([1, 2, 3, 4, 5], [5, 5, 10, 30, 50])[0],
                    source="chat", created_at=resolved))
        SatisfactionRating.objects.bulk_create(ratings, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated {CONVERSATIONS} conversations, {len(ratings)} ratings, {AGENTS} agents "
          f"in {time.monotonic() - started:.0f} s")


def timed(fn) -> list[float]:
    fn()   # warm-up
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def main(argv: list[str] | None = None) -> int:
    prepare_database("--fresh" in sys.argv)
    setup_django()
    generate()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.choices import Role
    from accounts.models import AgentProfile, User
    from helpdesk.models import AgentPresence, Conversation

    online = list(AgentProfile.objects.filter(status="online").values_list("user_id", flat=True))

    def consoles_seen_now():
        """Every online agent's console was seen just now (as their sockets keep it; a run
        may last longer than AGENT_AWAY_GRACE_SECONDS)."""
        AgentPresence.objects.bulk_create(
            [AgentPresence(user_id=pk, last_seen_at=timezone.now()) for pk in online],
            update_conflicts=True, unique_fields=["user"], update_fields=["last_seen_at"])

    consoles_seen_now()
    manager, created = User.objects.get_or_create(
        email="bench-manager@example.com", defaults={"full_name": "Manager", "is_staff": True})
    if created:
        from django.contrib.auth.models import Group
        manager.groups.add(Group.objects.get(name=Role.MANAGER))
    agent = User.objects.get(email="bench-agent1@example.com")
    open_now = Conversation.objects.exclude(status__in=["resolved", "closed"]).count()
    print(f"{Conversation.objects.count()} conversations, {open_now} open, "
          f"{len(online)} agents online")

    pks = list(Conversation.objects.values_list("pk", flat=True)[:RUNS + 1])
    lookups = iter(pks * 2)
    base = timed(lambda: Conversation.objects.get(pk=next(lookups)))
    base50, base95 = p50_p95(base)
    print(f"baseline: primary-key lookup of a conversation: p50 {base50:.2f} ms, "
          f"p95 {base95:.2f} ms")
    ok = True
    url = "/admin/console/board/data/"
    for label, user in (("manager", manager), ("agent", agent)):
        consoles_seen_now()
        client = Client()
        client.force_login(user)
        response = client.get(url)
        if response.status_code != 200:
            print(f"{label}: status {response.status_code}")
            return 1
        data = response.json()
        connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        samples = timed(lambda client=client: client.get(url))
        p50, p95 = p50_p95(samples)
        print(f"board update as {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"({p50 / base50:.0f}x / {p95 / base95:.0f}x the baseline), "
              f"{len(queries.captured_queries)} queries; waiting {data['queue']['waiting']}, "
              f"agents {data['agents']['online']}/{data['agents']['away']}/"
              f"{data['agents']['offline']}, at risk {data['sla']['at_risk']}, "
              f"ratings today {data['today']['ratings']}")
        ok = ok and len(data["agents"]["rows"]) == AGENTS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
