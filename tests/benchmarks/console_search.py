"""Console search benchmark (helpdesk/console/search.py) on PostgreSQL.

100,000 conversations with 1,000,000 messages (English, Russian and Chinese, one in ten an
internal note), 100,000 customers with phones, 100,000 orders each with a shipment, 10,000
returns. Times a mix of what agents type (a reference, an exact word, a misspelt word, Russian,
Chinese, an email, a name, a phone, an order number, a tracking number) as an agent in one of
five teams (the visibility filter is part of every query) and as a manager: p50 and p95 of
every search, beside a same-run baseline (a conversation fetched by primary key) and the
ratio. Target: p95 <= 100 ms. Also the cost of the message index on an INSERT (with and
without it, in one transaction each, rolled back).

    python -m tests.benchmarks.console_search [--quick] [--fresh]

--quick: a tenth of the data (10,000 conversations, 100,000 messages), its own database.
Uses CONSOLE_SEARCH_BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/helpdesk_bench_search[_quick]); data is generated once
(INSERT ... SELECT generate_series) and reused.
"""

import os
import random
import statistics
import sys
import time

QUICK = "--quick" in sys.argv
SCALE = 10 if QUICK else 1
URL = os.environ.get(
    "CONSOLE_SEARCH_BENCH_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/helpdesk_bench_search" + ("_quick" if QUICK else ""))
CONVERSATIONS = 100_000 // SCALE
MESSAGES_PER_CONVERSATION = 10
CUSTOMERS = 100_000 // SCALE
ORDERS = 100_000 // SCALE
RETURNS = 10_000 // SCALE
TEAMS = 5
RUNS = 10  # per query of the mix
TARGET_P95_MS = 100

# Message text: sentences in three languages, and rare words (products, cities) that make some
# searches selective and others common.
SENTENCES = [
    "Where is my delivery? The parcel has not arrived yet",
    "I would like a refund for the damaged item",
    "The courier did not call before coming",
    "Payment was charged twice on my card",
    "Can I change the delivery address of my order",
    "Thank you, the problem is solved",
    "The package was delivered to the wrong door",
    "I want to return the headphones, they are broken",
    "Где моя доставка? Посылка задерживается",
    "Хочу вернуть товар и получить деньги обратно",
    "Курьер не позвонил перед доставкой",
    "Оплата списалась дважды",
    "我的快递在哪里？包裹还没到",
    "我想申请退货，耳机坏了",
    "付款被扣了两次",
    "请更改我的收货地址",
]
PRODUCTS = [f"{p}{i}" for i in range(50) for p in ("kettle", "blender", "jacket", "lamp")]
CITIES = ["Omsk", "Kazan", "Tver", "Perm", "Samara", "Tula", "Sochi", "Ufa", "Penza", "Kirov"]
FIRST = ["Anna", "Ivan", "Maria", "Oleg", "Elena", "Dmitry", "Olga", "Sergey", "Wei", "Li",
         "Анна", "Иван", "Мария", "Олег", "Елена", "王", "李", "张"]
LAST = ["Smirnova", "Ivanov", "Kuznetsova", "Popov", "Sokolova", "Lebedev", "Novikova",
        "Кузнецова", "Смирнов", "Попова", "Соколов", "伟", "娜", "敏", "静"]
SUBJECTS = ["Late delivery", "Refund request", "Damaged item", "Payment problem",
            "Change of address", "Задержка доставки", "Возврат денег", "退货申请", "付款问题"]


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


def _array(values: list[str]) -> str:
    """A SQL text array literal of known-safe constants (no quotes in them)."""
    assert all("'" not in v for v in values)
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def _pick(array: list[str], expr: str) -> str:
    return f"({_array(array)})[1 + ({expr}) % {len(array)}]"


def generate() -> None:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.choices import Role
    from accounts.models import User
    from faq.models import Category
    from faq.services import TranslationInput, article_save
    from helpdesk.models import Conversation, Team

    if Conversation.objects.exists():
        return
    started = time.monotonic()
    with transaction.atomic():
        teams = [Team.objects.create(name=f"Team {i}") for i in range(TEAMS)]
        agents = User.objects.bulk_create(
            [User(email=f"bench-agent{i}@example.com", full_name=f"Agent {i}", is_staff=True)
             for i in range(40)])
        Group.objects.get(name=Role.AGENT).user_set.add(*agents)
        for i, agent in enumerate(agents):
            teams[i % TEAMS].members.add(agent)
        manager = User.objects.create(email="bench-manager@example.com", full_name="Manager",
                                      is_staff=True)
        Group.objects.get(name=Role.MANAGER).user_set.add(manager)
        # The help centre's vocabulary, from which misspelt words are corrected.
        category = Category.objects.create(slug="bench")
        article_save(slug="delivery", category=category, translations={
            "en": TranslationInput(title="Delivery times", body="Delivery and refund and "
                                   "payment and courier and parcel."),
            "ru": TranslationInput(title="Сроки доставки", body="Доставка, возврат, оплата, "
                                   "курьер, посылка."),
        })
    team_ids = [t.pk for t in teams]
    agent_ids = [a.pk for a in agents]
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        # Indexes are built after the bulk load: faster than keeping them up row by row.
        cursor.execute("DROP INDEX IF EXISTS message_search_gin")
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, email, full_name, language, "  # noqa: S608 - constants of this module
            "is_staff, is_active, date_joined) "
            "SELECT '!', false, 'customer' || g || '@example.com', "
            f"{_pick(FIRST, 'g')} || ' ' || {_pick(LAST, 'g / 7')}, 'en', false, true, now() "
            f"FROM generate_series(1, {CUSTOMERS}) g")
        cursor.execute(
            "INSERT INTO accounts_customerprofile (user_id, phone, tier, notify_order_updates, "
            "notify_request_replies, notify_surveys, notify_promotions) "
            "SELECT id, '+7 (9' || substr(lpad(id::text, 9, '0'), 1, 2) || ') ' "
            "|| substr(lpad(id::text, 9, '0'), 3, 3) || '-' || substr(lpad(id::text, 9, '0'), 6, 2)"
            " || '-' || substr(lpad(id::text, 9, '0'), 8, 2), "
            "'standard', true, true, true, false FROM accounts_user WHERE NOT is_staff")
        cursor.execute("SELECT min(id) FROM accounts_user WHERE NOT is_staff")
        first_customer = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO orders_order (number, customer_id, status, payment_status, "  # noqa: S608 - constants of this module
            "payment_method, currency, total, shipping_address, placed_at) "
            f"SELECT 'B' || lpad(g::text, 9, '0'), {first_customer} + g % {CUSTOMERS}, "
            "'shipped', 'paid', 'card', 'RUB', g % 5000, '', "
            f"now() - (g % 365) * interval '1 day' FROM generate_series(1, {ORDERS}) g")
        cursor.execute(
            "INSERT INTO orders_shipment (order_id, carrier, tracking_number, status) "
            "SELECT id, 'Russian Post', 'RB' || lpad(id::text, 9, '0') || 'CN', 'in_transit' "
            "FROM orders_order")
        cursor.execute(
            "INSERT INTO orders_returnrequest (reference, order_id, customer_id, status, reason, "  # noqa: S608 - constants of this module
            "description, refund_amount, fee, created_at, updated_at) "
            "SELECT 'RT-B' || lpad(id::text, 7, '0'), id, customer_id, 'requested', "
            "'damaged', '', 0, 0, now(), now() FROM orders_order "
            f"ORDER BY id LIMIT {RETURNS}")
        # A third of the conversations about an order; teams and assignees spread; a tenth
        # waiting in the queue (no team, no agent: every agent may see those).
        cursor.execute(
            "INSERT INTO helpdesk_conversation (reference, customer_id, channel, status, topic, "  # noqa: S608 - constants of this module
            "priority, language, subject, order_id, team_id, assignee_id, last_seq, created_at, "
            "updated_at) "
            "SELECT 'HD-B' || lpad(g::text, 7, '0'), "
            f"{first_customer} + g % {CUSTOMERS}, 'chat', "
            "CASE WHEN g % 10 = 0 THEN 'waiting' ELSE 'resolved' END, 'orders', 2, 'en', "
            f"{_pick(SUBJECTS, 'g')}, "
            "CASE WHEN g % 3 = 0 THEN (SELECT min(id) FROM orders_order) + g % "
            f"{ORDERS} END, "
            f"CASE WHEN g % 10 = 0 THEN NULL ELSE ({_array([str(t) for t in team_ids])}::int[])"
            f"[1 + g % {TEAMS}] END, "
            f"CASE WHEN g % 10 = 0 THEN NULL ELSE ({_array([str(a) for a in agent_ids])}::int[])"
            f"[1 + g % {len(agent_ids)}] END, "
            f"{MESSAGES_PER_CONVERSATION}, now() - g * interval '5 minutes', now() "
            f"FROM generate_series(1, {CONVERSATIONS}) g")
        cursor.execute(
            "INSERT INTO helpdesk_message (conversation_id, seq, author_role, kind, body, "  # noqa: S608 - constants of this module
            "client_id, event, created_at) "
            "SELECT c.id, s, CASE WHEN s % 2 = 1 THEN 'customer' ELSE 'agent' END, "
            "CASE WHEN s = 10 THEN 'note' ELSE 'message' END, "
            f"{_pick(SENTENCES, 'c.id * 7 + s')} || ' ' || {_pick(PRODUCTS, 'c.id * 13 + s')}"
            f" || ' ' || {_pick(CITIES, 'c.id + s * 3')}, '', '', "
            "c.created_at + s * interval '3 minutes' "
            f"FROM helpdesk_conversation c, generate_series(1, {MESSAGES_PER_CONVERSATION}) s")
        print(f"generated data in {time.monotonic() - started:.0f} s", flush=True)
        index_started = time.monotonic()
        cursor.execute("CREATE INDEX message_search_gin ON helpdesk_message "
                       "USING gin (helpdesk_search_vector(body))")
        print(f"built the message index in {time.monotonic() - index_started:.0f} s", flush=True)
        cursor.execute("VACUUM ANALYZE")  # noqa: S608 - outside a transaction: autocommit


def queries() -> list[tuple[str, str]]:
    from django.db import connection

    rng = random.Random(16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reference FROM helpdesk_conversation ORDER BY random() LIMIT 5")
        references = [r for (r,) in cursor.fetchall()]
        cursor.execute("SELECT number FROM orders_order ORDER BY random() LIMIT 5")
        numbers = [r for (r,) in cursor.fetchall()]
        cursor.execute("SELECT tracking_number FROM orders_shipment ORDER BY random() LIMIT 5")
        tracking = [r for (r,) in cursor.fetchall()]
        cursor.execute("SELECT u.email, u.full_name, p.phone FROM accounts_user u JOIN "
                       "accounts_customerprofile p ON p.user_id = u.id ORDER BY random() LIMIT 5")
        people = cursor.fetchall()
    mix = [("reference", r) for r in references]
    mix += [("word", w) for w in ("refund", "courier", "kettle17", "Omsk", "headphones")]
    mix += [("words", w) for w in ("refund damaged", "delivery address", "blender3 Kazan")]
    mix += [("typo", w) for w in ("delivry", "refnud", "curier")]
    mix += [("russian", w) for w in ("доставка", "вернуть товар", "достаква", "Курьер")]
    mix += [("chinese", w) for w in ("退货", "快递", "收货地址", "付款")]
    mix += [("email", e) for e, _, _ in people]
    mix += [("name", n) for _, n, _ in people[:3]]
    mix += [("phone", p) for _, _, p in people[:3]]
    mix += [("order number", n) for n in numbers]
    mix += [("tracking number", t) for t in tracking]
    rng.shuffle(mix)
    return mix


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def cpu_per_search(user, mix) -> tuple[float | None, float]:
    """CPU ms per search of the mix: the PostgreSQL backend's (from /proc, so only with a local
    server) and this process's. CPU time moves little with other processes' load, unlike wall
    time on a shared machine (reports_bench.cpu_per_run)."""
    from django.db import connection

    from helpdesk.console.search import search

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
    for _kind, text in mix:
        search(user=user, text=text)
    after, process_after = backend_ms(), time.process_time()
    backend = None if before is None or after is None else (after - before) / len(mix)
    return backend, (process_after - process_before) * 1000 / len(mix)


def insert_cost() -> None:
    """Per-row cost of a message INSERT (the chat fast path writes one row) with the search
    index and without it, each in a transaction that is rolled back."""
    from django.db import connection, transaction

    rows = 2000

    def run(drop: bool) -> float:
        with transaction.atomic(), connection.cursor() as cursor:
            if drop:
                cursor.execute("DROP INDEX message_search_gin")
            cursor.execute("SELECT id FROM helpdesk_conversation ORDER BY id LIMIT 1")
            conv_id = cursor.fetchone()[0]
            started = time.perf_counter()
            for i in range(rows):
                cursor.execute(
                    "INSERT INTO helpdesk_message (conversation_id, seq, author_role, kind, "
                    "body, client_id, event, created_at) VALUES (%s, %s, 'customer', "
                    "'message', %s, '', '', now())",
                    [conv_id, 1000 + i, f"{SENTENCES[i % len(SENTENCES)]} {PRODUCTS[i % 200]}"])
            elapsed = (time.perf_counter() - started) * 1_000_000 / rows
            transaction.set_rollback(True)
        return elapsed

    samples = {True: [], False: []}
    for _ in range(3):
        for drop in (False, True):
            samples[drop].append(run(drop))
    with_index, without = statistics.median(samples[False]), statistics.median(samples[True])
    print(f"message INSERT: {with_index:.0f} us with the search index, {without:.0f} us "
          f"without (x{with_index / without:.2f}; median of 3 x {rows} rows)")


def main() -> int:
    prepare_database("--fresh" in sys.argv)
    setup_django()
    generate()
    from django.db import connection

    from accounts.models import User
    from helpdesk.console.search import search
    from helpdesk.models import Conversation

    agent = User.objects.get(email="bench-agent0@example.com")
    manager = User.objects.get(email="bench-manager@example.com")
    counts = {"conversations": Conversation.objects.count()}
    with connection.cursor() as cursor:
        for table in ("helpdesk_message", "accounts_user", "orders_order"):
            cursor.execute(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    print("data: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)

    ids = list(Conversation.objects.values_list("pk", flat=True)[:1000])
    base = []
    for i in range(RUNS * 10):
        started = time.perf_counter()
        Conversation.objects.get(pk=ids[i % len(ids)])
        base.append((time.perf_counter() - started) * 1000)
    base_p50, base_p95 = statistics.median(base), percentile(base, 95)
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"baseline: conversation by primary key: p50 {base_p50:.2f} ms, p95 {base_p95:.2f} ms")

    mix = queries()
    ok = True
    for label, user in (("agent (one team of five)", agent), ("manager", manager)):
        per_kind: dict[str, list[float]] = {}
        found: dict[str, int] = {}
        everything = []
        for _kind, text in mix:  # warm-up: plans, caches
            search(user=user, text=text)
        for _ in range(RUNS):
            for kind, text in mix:
                started = time.perf_counter()
                results = search(user=user, text=text)
                ms = (time.perf_counter() - started) * 1000
                per_kind.setdefault(kind, []).append(ms)
                everything.append(ms)
                found[kind] = found.get(kind, 0) + (1 if results.total else 0)
        p50, p95 = statistics.median(everything), percentile(everything, 95)
        verdict = "OK" if p95 <= TARGET_P95_MS else "SLOW"
        print(f"\nsearch as {label}: {len(everything)} searches, p50 {p50:.1f} ms, "
              f"p95 {p95:.1f} ms (x{p95 / base_p95:.0f} the baseline's p95; target "
              f"{TARGET_P95_MS} ms) {verdict}")
        ok = ok and p95 <= TARGET_P95_MS
        backend_cpu, python_cpu = cpu_per_search(user, mix * 3)
        print(f"  CPU per search: PostgreSQL "
              f"{'n/a' if backend_cpu is None else f'{backend_cpu:.1f} ms'}, "
              f"Python {python_cpu:.1f} ms")
        for kind, samples in sorted(per_kind.items()):
            print(f"  {kind:16} p50 {statistics.median(samples):6.1f} ms  "
                  f"p95 {percentile(samples, 95):6.1f} ms  "
                  f"found something {found[kind] * 100 // len(samples)}%")
    print()
    insert_cost()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
