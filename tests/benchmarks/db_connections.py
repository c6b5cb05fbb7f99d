"""Page loads under ASGI: Django's connection pool against a connection per request.

    .venv/bin/python -m tests.benchmarks.db_connections [--levels 1,8,32] [--requests 400]
        [--rounds 2] [--burst 200] [--pool-size N] [--skip-old]

Starts a PostgreSQL of its own (tests/private_postgres.py: a temporary cluster on a free port,
``max_connections`` 100 like this machine's), migrates and seeds the demo into it, then starts
two uvicorn servers on it with the production settings (DEBUG off, Redis at
``BENCH_REDIS_URL``, else ``REDIS_URL``, else database 9 of the local Redis):

- ``pool``: the committed default, Django's psycopg pool (``DATABASE_POOL_MAX_SIZE``);
- ``per-request``: no pool and ``CONN_MAX_AGE=0``, a new connection for every request.

For each concurrency level, in the same run and alternating which goes first, closed-loop
clients (one keep-alive HTTP connection each) load the help center as a visitor and as a
signed-in customer would; latency p50/p95 are printed side by side with the ratio per-request
/ pool, and the most connections each server held (counted in ``pg_stat_activity`` by
application name every 50 ms). Then a burst: ``--burst`` requests released at once, larger
than the pool. Last (unless ``--skip-old``), the old default, ``CONN_MAX_AGE=60``, alone: the
connections it leaves open and whether pages fail once PostgreSQL runs out.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from tests.private_postgres import PrivatePostgres, private_postgres_available
from tests.services import REPO, free_port, port_open, wait_for_port

DB_NAME = "helpdesk_bench_conn"
MAX_CONNECTIONS = 100


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def bench_redis_url() -> str:
    url = (os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")
           or "redis://127.0.0.1:6379/9")
    parsed = urlparse(url)
    return url if port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379) else ""


class Server:
    """One uvicorn process of the help desk with the production settings and ``env``."""

    def __init__(self, name: str, database_url: str, redis: str, var_dir: Path, env: dict):
        self.name = name
        self.port = free_port()
        self.log_path = var_dir / f"server-{name}.log"
        self.env = {
            "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
            "DEBUG": "false" if redis else "true", "REDIS_URL": redis,
            "SECRET_KEY": "bench-" + "k" * 60, "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "SITE_URL": f"http://127.0.0.1:{self.port}",
            "HELPDESK_VAR_DIR": str(var_dir), "HELPDESK_READ_DOT_ENV": "false",
            "LOG_LEVEL": "WARNING",
            # Counted apart in pg_stat_activity by this name (the chat's own pool keeps it too).
            "DATABASE_URL": f"{database_url}?application_name=bench-{name}",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        log = open(self.log_path, "wb")  # noqa: SIM115 - the child holds it; closed with it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host",
             "127.0.0.1", "--port", str(self.port), "--ws", "websockets-sansio",
             "--ws-per-message-deflate", "false", "--lifespan", "on", "--log-level", "warning"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_for_port("127.0.0.1", self.port, timeout=60, process=self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()


class ConnectionCounter:
    """The most connections each server's application name held while it ran (every 50 ms)."""

    def __init__(self, pg: PrivatePostgres):
        import psycopg

        self.conn = psycopg.connect(pg.url("postgres"), autocommit=True,
                                    application_name="bench-counter")
        self.peaks: Counter = Counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> Counter:
        rows = self.conn.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity "
            "WHERE application_name LIKE 'bench-%%' AND application_name <> 'bench-counter' "
            "GROUP BY 1").fetchall()
        return Counter({name.removeprefix("bench-"): count for name, count in rows})

    def __enter__(self):
        self.peaks = Counter()
        self._stop.clear()

        def watch():
            while not self._stop.is_set():
                for name, count in self.now().items():
                    self.peaks[name] = max(self.peaks[name], count)
                time.sleep(0.05)

        self._thread = threading.Thread(target=watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def fetch(conn: http.client.HTTPConnection, path: str, cookie: str) -> int:
    headers = {"Cookie": cookie} if cookie else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def load(server: Server, paths: list[tuple[str, str]], clients: int, total: int,
         at_once: bool = False) -> dict:
    """``total`` page loads by ``clients`` closed-loop clients (``at_once``: one each, all
    released together). Latency in ms per load; status codes counted (errors by name)."""
    latencies: list[float] = []
    codes: Counter = Counter()
    lock = threading.Lock()
    per_client = max(1, total // clients)
    gate = threading.Barrier(clients)

    def client(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        mine, counted = [], Counter()
        gate.wait()
        for k in range(1 if at_once else per_client):
            path, cookie = paths[(index * 7 + k) % len(paths)]
            started = time.perf_counter()
            try:
                status = fetch(conn, path, cookie)
            except Exception as exc:  # noqa: BLE001 - every failure is counted by its name
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            mine.append((time.perf_counter() - started) * 1000)
            counted[status] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            codes.update(counted)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "codes": codes, "seconds": time.perf_counter() - started}


def prepare_database(pg: PrivatePostgres, redis: str, var_dir: Path) -> str:
    pg.psql(f"CREATE DATABASE {DB_NAME}")
    url = pg.url(DB_NAME)
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis, "HELPDESK_VAR_DIR": str(var_dir),
           "HELPDESK_READ_DOT_ENV": "false", "DEBUG": "false", "SECRET_KEY": "bench-" + "k" * 60,
           "LOG_LEVEL": "WARNING"}
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["seed_demo", "--no-logins"],
                    ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    # A signed-in customer's session, as the login form would leave it.
    code = ("from django.contrib.auth import get_user_model; from django.test import Client; "
            "c = Client(); c.force_login(get_user_model().objects.filter(is_staff=False)"
            ".order_by('id').first()); print(c.cookies['sessionid'].value)")
    result = subprocess.run([*manage, "shell", "-c", code], cwd=REPO, env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


def page_set(server: Server, session: str) -> list[tuple[str, str]]:
    """The help center as a visitor and as a signed-in customer load it."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/help/")
    html = conn.getresponse().read().decode()
    conn.close()
    category = re.search(r'href="(/help/categories/[^"]+/)"', html)
    article = re.search(r'href="(/help/articles/[^"]+/)"', html)
    visitor = ["/", "/help/", "/contact/", "/accounts/login/"]
    visitor += [m.group(1) for m in (category, article) if m]
    cookie = f"sessionid={session}"
    customer = ["/help/", "/requests/", "/orders/", "/accounts/"]
    return [(p, "") for p in visitor] + [(p, cookie) for p in customer]


def fmt_ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q):.1f}" if values else "-"


def compare(servers: list[Server], paths, counter: ConnectionCounter, levels: list[int],
            requests: int, rounds: int) -> None:
    print(f"\n### Latency, same run (load average {os.getloadavg()[0]:.1f}, "
          f"{os.cpu_count()} CPUs), {requests} page loads per level, round and server\n")
    names = [s.name for s in servers]
    print("| clients | " + " | ".join(f"{n} p50 ms | {n} p95 ms" for n in names)
          + " | p50 ratio | p95 ratio | " + " | ".join(f"{n} conns max" for n in names)
          + " | failed |")
    print("| ---: " * (1 + 3 * len(names) + 3) + "|")
    for clients in levels:
        results = {s.name: {"latencies": [], "codes": Counter()} for s in servers}
        peaks: Counter = Counter()
        for r in range(rounds):
            order = servers if r % 2 == 0 else list(reversed(servers))
            for server in order:
                with counter:
                    result = load(server, paths, clients, requests)
                peaks[server.name] = max(peaks[server.name], counter.peaks[server.name])
                results[server.name]["latencies"] += result["latencies"]
                results[server.name]["codes"].update(result["codes"])
        a, b = (results[servers[0].name]["latencies"], results[servers[1].name]["latencies"])
        ratio50 = percentile(b, 0.5) / percentile(a, 0.5)
        ratio95 = percentile(b, 0.95) / percentile(a, 0.95)
        failed = {n: sum(c for s, c in results[n]["codes"].items() if s != 200) for n in names}
        print(f"| {clients} | "
              + " | ".join(f"{fmt_ms(results[n]['latencies'], .5)} | "
                           f"{fmt_ms(results[n]['latencies'], .95)}" for n in names)
              + f" | {ratio50:.2f} | {ratio95:.2f} | "
              + " | ".join(str(peaks[n]) for n in names)
              + " | " + ", ".join(f"{n} {failed[n]}" for n in names) + " |", flush=True)


def burst(servers: list[Server], paths, counter: ConnectionCounter, size: int) -> None:
    print(f"\n### Burst: {size} page loads released at once (load average "
          f"{os.getloadavg()[0]:.1f})\n")
    print("| server | answered 200 | other | p50 ms | p95 ms | max ms | conns max |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for server in servers:
        time.sleep(1)
        with counter:
            result = load(server, paths, size, size, at_once=True)
        other = {k: v for k, v in result["codes"].items() if k != 200}
        lat = result["latencies"]
        print(f"| {server.name} | {result['codes'][200]} | {other or '-'} | {fmt_ms(lat, .5)} "
              f"| {fmt_ms(lat, .95)} | {max(lat):.0f} | {counter.peaks[server.name]} |",
              flush=True)


def old_default(server: Server, paths, counter: ConnectionCounter, loads: int) -> None:
    print(f"\n### The old default, CONN_MAX_AGE=60 under ASGI ({loads} loads by 16 clients, "
          f"in waves of 48)\n")
    print("| loads so far | answered 200 | other | conns held after the wave |")
    print("| ---: | ---: | --- | ---: |")
    done = 0
    for _ in range(loads // 48):
        with counter:
            result = load(server, paths, 16, 48)
        done += sum(result["codes"].values())
        other = {k: v for k, v in result["codes"].items() if k != 200}
        print(f"| {done} | {result['codes'][200]} | {other or '-'} "
              f"| {counter.now()[server.name]} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--requests", type=int, default=400,
                        help="page loads per level, round and server")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--pool-size", type=int, default=None,
                        help="DATABASE_POOL_MAX_SIZE of the pool server (default: the setting's)")
    parser.add_argument("--skip-old", action="store_true", help="do not run CONN_MAX_AGE=60")
    args = parser.parse_args(argv)
    if not private_postgres_available():
        print("PostgreSQL's initdb/pg_ctl are not installed: nothing measured")
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    redis = bench_redis_url()
    if not redis:
        print("no Redis: the servers run with DEBUG on and the in-memory layer")
    var_dir = Path(tempfile.mkdtemp(prefix="helpdesk-bench-conn-"))
    pg = PrivatePostgres(max_connections=MAX_CONNECTIONS)
    servers: list[Server] = []
    try:
        pg.start()
        print("preparing the database (migrate, seed_demo)", file=sys.stderr, flush=True)
        session = prepare_database(pg, redis, var_dir)
        url = pg.url(DB_NAME)
        pool_env = {} if args.pool_size is None else {
            "DATABASE_POOL_MAX_SIZE": str(args.pool_size)}
        servers = [
            Server("pool", url, redis, var_dir, pool_env).start(),
            Server("per-request", url, redis, var_dir, {"DATABASE_POOL_MAX_SIZE": "0"}).start(),
        ]
        paths = page_set(servers[0], session)
        counter = ConnectionCounter(pg)
        for server in servers:  # warm both: templates compiled, pool and caches filled
            load(server, paths, 4, 80)
        time.sleep(1)
        idle = counter.now()
        print(f"\n## Database connections: {len(paths)} pages, PostgreSQL max_connections "
              f"{MAX_CONNECTIONS}, pool server: DATABASE_POOL_MAX_SIZE="
              f"{args.pool_size or 'default'}")
        print("\nconnections held while idle after warm-up: "
              + ", ".join(f"{s.name} {idle[s.name]}" for s in servers))
        compare(servers, paths, counter, [int(n) for n in args.levels.split(",")],
                args.requests, args.rounds)
        burst(servers, paths, counter, args.burst)
        time.sleep(1)
        print("\nconnections held 1 s after the burst: "
              + ", ".join(f"{s.name} {counter.now()[s.name]}" for s in servers))
        for server in servers:
            server.stop()
        if not args.skip_old:
            old = Server("old-default", url, redis, var_dir,
                         {"DATABASE_POOL_MAX_SIZE": "0", "DATABASE_CONN_MAX_AGE": "60"}).start()
            servers.append(old)
            old_default(old, paths, counter, 400)
        counter.conn.close()
    finally:
        for server in servers:
            server.stop()
        pg.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
