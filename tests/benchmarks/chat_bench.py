"""Live chat benchmark: customer-agent pairs through the whole stack, and idle sockets.

``python -m tests.benchmarks.chat_bench [--pairs 500] [--rates 200,1000] [--idle 10000]``
(``--quick``: 100 pairs, 200 msg/s, 1,000 idle sockets; ``make bench`` uses it).

It creates its own PostgreSQL database (``helpdesk_bench_chat``, dropped at the end unless
``--keep-db``), migrates it, and creates customers and agents with real sessions, one chat per
pair, assigned. Redis database 10 carries the project's channel layer and cache for the chat
server; database 11 the stock Channels relay's layer.

Per rate, in the same run and on the same number of sockets:

- ``bare``: ``tests.benchmarks.relay_bare`` (a room relay written on ``websockets``);
- ``channels``: ``tests.benchmarks.relay_channels`` (a stock Channels group relay, no database,
  the project's pub/sub layer), both through ``tests.benchmarks.channel_layer.run_one``;
- ``chat``: uvicorn serving ``helpdesk.asgi`` (origin check, session authentication, the chat
  consumer; every message persisted in PostgreSQL and broadcast over Redis), driven by
  ``tests.benchmarks.chat_loadgen`` in separate processes.

Latency is one-way, from each message's scheduled send time to its arrival at the other side;
lost = never arrived; server CPU seconds per 1,000 delivered messages from /proc/<pid>/stat
(the server and its worker processes).

Idle: ``--idle`` sockets (customers with the chat page open: joined to their chat, heartbeats
running) on one server process; memory per socket from the server's RSS before and after,
and its CPU share over ``--idle-window`` seconds once every socket is open.
"""

import argparse
import json
import math
import os
import pathlib
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from tests.benchmarks.channel_layer import server_cpus_prefix
from tests.benchmarks.loadgen import percentile
from tests.services import REPO, free_port, wait_for_port

DB_NAME = "helpdesk_bench_chat"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
REDIS_CHAT = os.environ.get("BENCH_CHAT_REDIS_URL", "redis://127.0.0.1:6379/10")
REDIS_RELAY = os.environ.get("BENCH_RELAY_REDIS_URL", "redis://127.0.0.1:6379/11")
SECRET = "chat-benchmark-only-" + "k" * 40  # noqa: S105 - a throwaway database's sessions
SOCKETS_PER_IDLE_CUSTOMER = 5  # below CHAT_MAX_CONNECTIONS_PER_USER (8)
DEFAULT_SERVER_ARGS = "--ws websockets-sansio --ws-per-message-deflate false"
LOG_DIR = os.environ.get("BENCH_LOG_DIR", "")  # keep each server's log there


# --- the database -----------------------------------------------------------------------------

def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def database_url() -> str:
    return f"{PG_SERVER}/{DB_NAME}"


def create_database() -> None:
    _admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    _admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django() -> None:
    """Django in this process, on the bench database (in-memory layer: nobody listens here)."""
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings", "DATABASE_URL": database_url(),
        "HELPDESK_READ_DOT_ENV": "false", "SECRET_KEY": SECRET, "DEBUG": "true",
        # Tasks go to an in-memory broker nobody reads: the automatic assignment must not
        # requeue the chats assigned below (it would, the agents' consoles being away).
        "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_BROKER_URL": "memory://",
        "HELPDESK_INPROCESS_BEAT": "false", "LOG_LEVEL": "WARNING",
    })
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(*, customers: int, agents: int) -> list[dict]:
    """``customers`` customers with one assigned chat each (agents round-robin) and a session
    per user. Returns [{"ref", "customer": cookie, "agent": cookie}] in creation order."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.choices import Role
    from accounts.models import AgentProfile, AgentStatus, CustomerProfile, User
    from helpdesk.services.assignment import conversation_assign
    from helpdesk.services.conversations import conversation_open

    password = make_password(get_random_string(20))  # hashed once: hashing is slow on purpose
    User.objects.bulk_create(
        [User(email=f"bench-agent{i}@example.com", full_name=f"Agent{i} Bench", is_staff=True,
              password=password) for i in range(agents)]
        + [User(email=f"bench-customer{i}@example.com", full_name=f"Customer{i} Bench",
                password=password) for i in range(customers)], batch_size=1000)
    agent_users = list(User.objects.filter(email__startswith="bench-agent").order_by("pk"))
    customer_users = list(User.objects.filter(email__startswith="bench-customer").order_by("pk"))
    agent_group, _ = Group.objects.get_or_create(name=Role.AGENT)
    customer_group, _ = Group.objects.get_or_create(name=Role.CUSTOMER)
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=u.pk, group_id=agent_group.pk) for u in agent_users]
        + [through(user_id=u.pk, group_id=customer_group.pk) for u in customer_users],
        batch_size=1000)
    AgentProfile.objects.bulk_create([
        AgentProfile(user=u, status=AgentStatus.ONLINE, max_concurrent_chats=100)
        for u in agent_users])
    CustomerProfile.objects.bulk_create([CustomerProfile(user=u) for u in customer_users],
                                        batch_size=1000)

    backend = settings.AUTHENTICATION_BACKENDS[-1]  # the first is axes (no get_user)
    expire = timezone.now() + timedelta(days=1)
    store = SessionStore()
    cookies, sessions = {}, []
    for user in agent_users + customer_users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
                HASH_SESSION_KEY: user.get_session_auth_hash()}
        sessions.append(Session(session_key=key, session_data=store.encode(data),
                                expire_date=expire))
        cookies[user.pk] = f"{settings.SESSION_COOKIE_NAME}={key}"
    Session.objects.bulk_create(sessions, batch_size=1000)

    chats = []
    for i, customer in enumerate(customer_users):
        agent = agent_users[i % len(agent_users)]
        conv = conversation_open(customer=customer, channel="chat", topic="orders",
                                 description="Where is my parcel?", client_id="pre")
        conv = conversation_assign(conversation=conv, agent=agent)
        assert conv.assignee_id == agent.pk  # noqa: S101 - a broken set-up must not measure
        chats.append({"ref": conv.reference, "customer": cookies[customer.pk],
                      "agent": cookies[agent.pk]})
    return chats


# --- processes ------------------------------------------------------------------------------

def cpu_reference_ms() -> float:
    """The same fixed pure-Python loop, timed just before a row (best of 3): this machine's
    cores are shared, and a row measured while they ran at half speed reads as one."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        s = 0
        for i in range(1_000_000):
            s += i
        best = min(best, time.perf_counter() - t)
    return round(1000 * best, 1)


def _stat(pid: int) -> list[str] | None:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn --workers forks its workers)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))):
            parents.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(parents.get(p, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        if fields := _stat(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def raise_nofile(want: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def server_env(extra: dict | None = None) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": REDIS_CHAT,
           "DEBUG": "false", "SECRET_KEY": SECRET, "HELPDESK_READ_DOT_ENV": "false",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "CELERY_TASK_ALWAYS_EAGER": "false",
           "HELPDESK_INPROCESS_BEAT": "false", "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra or {})
    return env


class Server:
    """uvicorn serving helpdesk.asgi on the bench database; its log in a temporary file."""

    def __init__(self, server_args: str, workers: int = 1, env: dict | None = None):
        self.port = free_port()
        self.args = shlex.split(server_args)
        self.workers = workers
        self.env = server_env(env)
        self.log = tempfile.TemporaryFile()
        self.process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat/"

    def start(self) -> "Server":
        # BENCH_SERVER_WRAPPER: a script run instead of ``-m uvicorn`` with the same arguments
        # (e.g. uvicorn under cProfile, for a profile of the event loop's thread).
        wrapper = os.environ.get("BENCH_SERVER_WRAPPER")
        cmd = [*server_cpus_prefix(), sys.executable,
               *([wrapper] if wrapper else ["-m", "uvicorn"]),
               "helpdesk.asgi:application", "--host",
               "127.0.0.1", "--port", str(self.port), "--no-access-log", "--log-level",
               "warning", *self.args]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        wait_for_port("127.0.0.1", self.port, timeout=60, process=self.process)
        if self.workers > 1:
            deadline = time.monotonic() + 30
            while len(self.pids()) < self.workers + 1 and time.monotonic() < deadline:
                time.sleep(0.2)
        time.sleep(1.0)  # let start-up work (imports, lifespan) finish before measuring
        return self

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)

    def stop(self) -> str:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.seek(0)
        text = self.log.read().decode(errors="replace")
        self.log.close()
        if LOG_DIR:
            os.makedirs(LOG_DIR, exist_ok=True)
            Path(LOG_DIR, f"server-{self.port}.log").write_text(text)
        return text


def start_loadgens(mode: str, server: Server, plans: list[list[dict]], extra: list[str],
                   tmp: Path) -> list[subprocess.Popen]:
    procs = []
    for n, plan in enumerate(plans):
        path = tmp / f"plan-{mode}-{n}.json"
        path.write_text(json.dumps(plan))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.chat_loadgen", "--mode", mode,
             "--url", server.ws_url, "--origin", server.origin, "--plan", str(path),
             "--out", str(path.with_suffix(".out.json")), *extra],
            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True))
    return procs


def wait_ready(procs: list[subprocess.Popen]) -> int:
    ready = 0
    for p in procs:
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("a load generator exited before it was ready")
        ready += json.loads(line)["ready"]
    return ready


def collect(procs: list[subprocess.Popen], timeout: float) -> list[dict]:
    results = []
    for p in procs:
        p.communicate(timeout=timeout)
        out = pathlib.Path(p.args[p.args.index("--out") + 1])
        if p.returncode != 0 or not out.exists():
            raise RuntimeError(f"load generator failed with {p.returncode}")
        results.append(json.loads(out.read_text()))
        out.unlink()
    return results


def _split(items: list, n: int) -> list[list]:
    n = max(1, min(n, len(items)))
    return [items[i::n] for i in range(n)]


def _merge_counts(results: list[dict], keys: tuple[str, ...]) -> dict:
    merged: dict = {}
    for key in keys:
        merged[key] = sum(r.get(key, 0) for r in results)
    for key in ("close_codes", "errors"):
        merged[key] = {}
        for r in results:
            for k, v in r.get(key, {}).items():
                merged[key][k] = merged[key].get(k, 0) + v
    errors = sorted({e for r in results for e in r.get("connect_errors", [])})
    if errors:
        merged["connect_errors"] = errors[:5]
    return merged


# --- the rows -------------------------------------------------------------------------------

def run_chat(rate: float, chats: list[dict], args, tag: str) -> dict:
    ref_ms = cpu_reference_ms()
    plan = [{"ref": c["ref"], "role": role, "cookie": c[role]}
            for c in chats for role in ("customer", "agent")]
    server = Server(args.server_args, args.workers).start()
    tmp = Path(tempfile.mkdtemp(prefix="chatbench-"))
    # Keep both sockets of a pair in one process.
    pair_plans = [[p for c in group for p in plan if p["ref"] == c["ref"]]
                  for group in _split(chats, args.loadgen_procs)]
    extra = ["--rate-per-pair", str(rate / len(chats)), "--duration", str(args.duration),
             "--tag", tag]
    procs = start_loadgens("pairs", server, pair_plans, extra, tmp)
    try:
        ready = wait_ready(procs)
        # Let the server finish what the joins set off (queue and inbox updates to every
        # socket, debounced) so the row measures the steady state, not the connection storm.
        time.sleep(args.settle)
        pids = server.pids()
        profiler = _profile(pids[-1], args, f"chat-{rate:.0f}")
        cpu0 = cpu_seconds(pids)
        per_pid0 = {pid: cpu_seconds([pid]) for pid in pids}
        t0 = time.perf_counter()
        start = t0 + 0.5
        for p in procs:
            p.stdin.write(f"{start}\n")
            p.stdin.flush()
        results = collect(procs, timeout=args.duration + 120)
        wall = time.perf_counter() - t0
        cpu = cpu_seconds(pids) - cpu0
        # With --workers: each worker's share (the kernel hands the listening socket's
        # connections to whichever worker accepts first, not evenly).
        per_pid = [round(100 * (cpu_seconds([pid]) - c0) / wall)
                   for pid, c0 in per_pid0.items()] if args.workers > 1 else None
        if profiler is not None:
            profiler.wait(60)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        log = server.stop()
    lat = [x for r in results for x in r["latencies"]]
    ack = [x for r in results for x in r["ack_latencies"]]
    merged = _merge_counts(results, ("offered", "sent", "delivered", "duplicates",
                                     "connect_failed", "send_failed", "closed_early",
                                     "heartbeats"))
    merged["loadgen_gc_max_ms"] = max(r.get("gc_pause_max_ms", 0) for r in results)
    return {
        "variant": "chat", "rate": rate, "sockets": ready, **merged,
        "lost": merged["offered"] - merged["delivered"],
        "late": sum(1 for x in lat if x > 1000),
        "median_ms": statistics.median(lat) if lat else None,
        "p99_ms": percentile(lat, 0.99), "max_ms": max(lat) if lat else None,
        "ack_p50_ms": statistics.median(ack) if ack else None,
        "ack_p99_ms": percentile(ack, 0.99),
        "server_cpu_pct": round(100 * cpu / wall, 1),
        "cpu_s_per_1000": round(1000 * cpu / max(1, merged["delivered"]), 2),
        "load": round(os.getloadavg()[0], 1), "cpu_ref_ms": ref_ms,
        "process_cpu_pct": per_pid, "server_errors": _log_errors(log),
    }


def _profile(pid: int, args, name: str) -> subprocess.Popen | None:
    """``--profile DIR``: py-spy (from PATH or $PY_SPY) records the server during the row."""
    if not args.profile:
        return None
    os.makedirs(args.profile, exist_ok=True)
    out = os.path.join(args.profile, f"{name}.txt")
    return subprocess.Popen([os.environ.get("PY_SPY", "py-spy"), "record", "-p", str(pid),
                             "-o", out, "--format", "raw", "-d", str(int(args.duration) + 2),
                             "-r", "200", "--nonblocking", *shlex.split(os.environ.get("PY_SPY_ARGS", ""))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _log_errors(log: str) -> dict:
    counts = {"tracebacks": log.count("Traceback"), "ERROR": log.count(" ERROR ")}
    if counts["tracebacks"]:
        # The first one, for the reader: the rest are usually the same.
        lines = log[log.index("Traceback"):].splitlines()
        end = next((i for i, ln in enumerate(lines[1:], 1) if ln and not ln[0].isspace()),
                   len(lines) - 1)
        print("  first server traceback (end):\n    " + "\n    ".join(
            lines[max(1, end - 5):end + 1]), file=sys.stderr)
    return {k: v for k, v in counts.items() if v}


def run_relay(variant: str, rate: float, args) -> dict:
    from tests.benchmarks import channel_layer

    ns = SimpleNamespace(sockets=2 * args.pairs, duration=args.duration, logs=None)
    ref_ms = cpu_reference_ms()
    row = channel_layer.run_one("baseline" if variant == "bare" else "project", rate, ns,
                                REDIS_RELAY)
    if row.get("delivered"):
        row["cpu_s_per_1000"] = round(1000 * row["server_cpu_s"] / row["delivered"], 2)
    row["variant"] = variant
    row["cpu_ref_ms"] = ref_ms
    return row


def run_idle(chats: list[dict], args, server_args: str) -> dict:
    raise_nofile(args.idle + 2000)
    customers = math.ceil(args.idle / SOCKETS_PER_IDLE_CUSTOMER)
    plan = [{"ref": c["ref"], "cookie": c["customer"]} for c in chats[:customers]
            for _ in range(SOCKETS_PER_IDLE_CUSTOMER)][:args.idle]
    server = Server(server_args, 1).start()
    tmp = Path(tempfile.mkdtemp(prefix="chatbench-"))
    procs: list[subprocess.Popen] = []
    try:
        # Warm up (imports, first connections, caches) before the "before" figure.
        warm = start_loadgens("idle", server, [plan[:20]], [], tmp)
        wait_ready(warm)
        for p in warm:
            p.stdin.write("stop\n")
            p.stdin.flush()
        collect(warm, timeout=60)
        time.sleep(2)
        pids = server.pids()
        rss0 = rss_bytes(pids)
        t_connect = time.perf_counter()
        procs = start_loadgens("idle", server, _split(plan, args.loadgen_procs),
                               ["--connect-concurrency", "100"], tmp)
        opened = wait_ready(procs)
        connect_s = time.perf_counter() - t_connect
        time.sleep(args.idle_settle)
        rss1 = rss_bytes(pids)
        ref_ms = cpu_reference_ms()
        saved = args.duration
        args.duration = args.idle_window - 2
        profiler = _profile(pids[-1], args, "idle")
        args.duration = saved
        cpu0, t0 = cpu_seconds(pids), time.perf_counter()
        time.sleep(args.idle_window)
        if profiler is not None:
            profiler.wait(60)
        cpu = cpu_seconds(pids) - cpu0
        window = time.perf_counter() - t0
        rss2 = rss_bytes(pids)
        for p in procs:
            p.stdin.write("stop\n")
            p.stdin.flush()
        results = collect(procs, timeout=120)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        log = server.stop()
    merged = _merge_counts(results, ("opened", "connect_failed", "closed_early", "heartbeats",
                                     "frames"))
    return {
        "sockets": opened, "connect_s": round(connect_s, 1),
        "rss_before_mb": round(rss0 / 2**20, 1), "rss_after_mb": round(rss1 / 2**20, 1),
        "rss_end_mb": round(rss2 / 2**20, 1),
        "kb_per_socket": round((rss1 - rss0) / 1024 / max(1, opened), 1),
        "cpu_pct_of_core": round(100 * cpu / window, 2), "window_s": round(window, 1),
        "load": round(os.getloadavg()[0], 1), "cpu_ref_ms": ref_ms, **merged,
        "server_errors": _log_errors(log),
    }


# --- output ---------------------------------------------------------------------------------

def _fmt(value, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def print_header() -> None:
    print(f"{'variant':<10}{'rate':>6}{'socks':>7}{'sent':>7}{'deliv':>7}{'lost':>6}"
          f"{'p50':>8}{'p99':>9}{'max':>9}{'cpu%':>7}{'cpu/1k':>8}{'load':>6}{'ref':>6}  notes")


def print_row(r: dict) -> None:
    if "error" in r:
        print(f"{r['variant']:<10}{r.get('rate', 0):>6.0f}  failed: {r['error']}")
        return
    notes = {k: v for k, v in (r.get("server_errors") or {}).items()}
    for key in ("connect_failed", "closed_early", "duplicates", "send_failed"):
        if r.get(key):
            notes[key] = r[key]
    if r.get("errors"):
        notes["error_frames"] = r["errors"]
    if r.get("process_cpu_pct"):
        notes["cpu % per process"] = r["process_cpu_pct"]
    if r.get("loadgen_gc_max_ms"):
        notes["loadgen gc max"] = r["loadgen_gc_max_ms"]
    if r.get("ack_p50_ms") is not None:
        notes["ack p50/p99"] = f"{r['ack_p50_ms']:.1f}/{r['ack_p99_ms']:.1f}"
    print(f"{r['variant']:<10}{r['rate']:>6.0f}{r.get('sockets', 0):>7}{r.get('sent', 0):>7}"
          f"{r.get('delivered', 0):>7}{r.get('lost', 0):>6}{_fmt(r.get('median_ms')):>8}"
          f"{_fmt(r.get('p99_ms')):>9}{_fmt(r.get('max_ms')):>9}"
          f"{_fmt(r.get('server_cpu_pct')):>7}{_fmt(r.get('cpu_s_per_1000'), '.2f'):>8}"
          f"{_fmt(r.get('load')):>6}{_fmt(r.get('cpu_ref_ms'), '.0f'):>6}  "
          f"{json.dumps(notes) if notes else ''}", flush=True)


def verdict(rows: list[dict]) -> list[str]:
    out = []
    for rate in sorted({r["rate"] for r in rows}):
        bare = next((r for r in rows if r["rate"] == rate and r["variant"] == "bare"), None)
        chat = next((r for r in rows if r["rate"] == rate and r["variant"] == "chat"), None)
        if not bare or not chat or bare.get("p99_ms") is None or chat.get("p99_ms") is None:
            continue
        ratio = chat["p99_ms"] / max(bare["p99_ms"], 0.001)
        ok = ratio <= 2 and chat.get("lost", 1) == 0
        out.append(f"{rate:.0f} msg/s: chat p99 {chat['p99_ms']:.1f} ms = {ratio:.1f} x bare "
                   f"({bare['p99_ms']:.1f} ms), lost {chat.get('lost')}: "
                   f"{'met' if ok else 'MISSED'} (target: <= 2 x, nothing lost)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small: 100 pairs, 200 msg/s, 5 s, 1,000 idle sockets")
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--rates", default="200,1000", help="messages per second, all pairs")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--variants", default="bare,channels,chat")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds between all sockets joined and the first message")
    parser.add_argument("--idle", type=int, default=10000, help="idle sockets (0: skip)")
    parser.add_argument("--idle-window", type=float, default=80.0,
                        help="seconds of idle CPU measurement (two heartbeat rounds at the "
                             "default CHAT_HEARTBEAT_SECONDS)")
    parser.add_argument("--idle-settle", type=float, default=5.0)
    parser.add_argument("--server-args", default=DEFAULT_SERVER_ARGS,
                        help=f"uvicorn options (default: {DEFAULT_SERVER_ARGS!r})")
    parser.add_argument("--idle-server-args", action="append",
                        help="uvicorn options for an idle row (repeat to compare in one run; "
                             "default: --server-args)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--loadgen-procs", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--profile", metavar="DIR",
                        help="record the chat server with py-spy into DIR (collapsed stacks)")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.pairs, args.rates, args.duration = 100, "200", 5.0
        args.idle, args.idle_window = 1000, 40.0
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    raise_nofile(max(args.idle, 2 * args.pairs) + 2000)

    started = time.monotonic()
    import redis

    redis.Redis.from_url(REDIS_CHAT).flushdb()  # counters and caches of earlier runs
    create_database()
    setup_django()
    customers = max(args.pairs, math.ceil(args.idle / SOCKETS_PER_IDLE_CUSTOMER))
    chats = populate(customers=customers, agents=args.pairs)
    from importlib import metadata

    versions = ", ".join(f"{n} {metadata.version(n)}" for n in
                         ("django", "channels", "channels-redis", "uvicorn", "websockets"))
    print(f"chat bench: {args.pairs} pairs ({2 * args.pairs} sockets), {args.duration:.0f} s per "
          f"row; {customers} chats ready in {time.monotonic() - started:.0f} s; server: uvicorn "
          f"{args.server_args} x{args.workers}; {versions}")
    rows: list[dict] = []
    idle: list[dict] = []
    try:
        print_header()
        for n, rate in enumerate(rates):
            for variant in variants:
                try:
                    if variant == "chat":
                        row = run_chat(rate, chats[:args.pairs], args, tag=f"r{n}")
                    else:
                        row = run_relay(variant, rate, args)
                except Exception as exc:  # noqa: BLE001 - report and go on with the others
                    row = {"variant": variant, "rate": rate, "error": repr(exc)[:300]}
                rows.append(row)
                print_row(row)
        for line in verdict(rows):
            print(line)
        idle = []
        for server_args in (args.idle_server_args or [args.server_args]) if args.idle else []:
            row = run_idle(chats, args, server_args)
            idle.append(row)
            per_10k = 10000 / max(1, row["sockets"])
            ok = row["kb_per_socket"] <= 40 and row["cpu_pct_of_core"] * per_10k <= 5
            print(f"idle [{server_args}]: {row['sockets']} sockets open in {row['connect_s']} s; "
                  f"RSS {row['rss_before_mb']} -> {row['rss_after_mb']} MB "
                  f"({row['kb_per_socket']} KB per socket; {row['rss_end_mb']} MB after the "
                  f"window); CPU {row['cpu_pct_of_core']} % of a core over {row['window_s']} s "
                  f"({row['cpu_pct_of_core'] * per_10k:.1f} % per 10,000); "
                  f"{row['heartbeats']} heartbeats received; failed {row['connect_failed']}, "
                  f"closed {row['closed_early']}, errors {row['errors'] or '-'} "
                  f"{row['server_errors'] or ''}; load {row['load']}, ref {row['cpu_ref_ms']:.0f} ms: "
                  f"{'met' if ok else 'MISSED'} (target: <= 40 KB and <= 5 % of a core per "
                  f"10,000)", flush=True)
            if row.get("connect_errors"):
                print(f"  connect errors: {row['connect_errors']}", flush=True)
        print("latency: one-way ms from each message's scheduled send time; cpu/1k: server CPU "
              "seconds per 1,000 delivered messages; ack: sender's send -> ack after commit; ref: ms "
              "for a fixed Python loop just before the row (higher = slower cores then)")
    finally:
        if not args.keep_db:
            drop_database()
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rows": rows, "idle": idle}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
