"""Channel-layer benchmark: 200 websockets in rooms of two, through a real ASGI server.

``python -m tests.benchmarks.channel_layer [--variants ...] [--rates 200,1000]``

For each variant and rate it starts a fresh server process (uvicorn serving
``tests.benchmarks.relay_channels``, or the bare ``websockets`` relay for ``baseline``), runs
``tests.benchmarks.loadgen`` in a second process, and prints delivered / lost, the one-way
latency from each message's scheduled send time, the server's CPU time, and the errors the
server logged (``MaxConnectionsError``, ``ChannelFull``, tracebacks). The baseline is always
measured in the same run, so the other rows can be read against it on a busy machine.

Redis comes from ``BENCH_REDIS_URL`` or ``REDIS_URL`` (default ``redis://127.0.0.1:6379/8``);
keys and pub/sub channels use the ``bench`` prefix.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from importlib import metadata

from tests.services import REPO, free_port, port_open, wait_for_port

# Each variant is a CHANNEL_LAYERS["default"] entry; {url} is replaced by the Redis URL.
VARIANTS: dict[str, object] = {
    "baseline": None,  # the bare websockets relay
    "memory": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    # What a new user writes from the channels-redis README.
    "core": {"BACKEND": "channels_redis.core.RedisChannelLayer",
             "CONFIG": {"hosts": ["{url}"], "prefix": "bench"}},
    # The same with redis-py's async pool limit raised (redis-py 8 made it 100).
    "core-pool1000": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                      "CONFIG": {"hosts": [{"address": "{url}", "max_connections": 1000}],
                                 "prefix": "bench"}},
    # redis-py 8 also made socket_timeout 5 s, the length of channels-redis' BZPOPMIN.
    "core-notimeout": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                       "CONFIG": {"hosts": [{"address": "{url}", "socket_timeout": None}],
                                  "prefix": "bench"}},
    "core-tuned": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                   "CONFIG": {"hosts": [{"address": "{url}", "socket_timeout": None,
                                         "max_connections": 1000}],
                              "capacity": 1000, "prefix": "bench"}},
    "pubsub": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
               "CONFIG": {"hosts": ["{url}"], "prefix": "bench"}},
    # Whatever helpdesk/settings.py configures for REDIS_URL.
    "project": "project",
}
DEFAULT_VARIANTS = "baseline,memory,core,pubsub,project"
ERROR_PATTERNS = {
    "MaxConnectionsError": r"MaxConnectionsError",
    "ConnectionError": r"redis\.exceptions\.ConnectionError",
    "ChannelFull": r"ChannelFull",
    "tracebacks": r"^Traceback",
}


def server_cpus_prefix() -> list[str]:
    """``BENCH_SERVER_CPUS=0``: run the servers measured on those CPUs only (``taskset -c``),
    e.g. to see what is left of the latency when the server has a core to itself."""
    cpus = os.environ.get("BENCH_SERVER_CPUS")
    return ["taskset", "-c", cpus] if cpus else []


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or (
        "redis://127.0.0.1:6379/8"
    )


def _substitute(value, url: str):
    if isinstance(value, str):
        return value.replace("{url}", url)
    if isinstance(value, list):
        return [_substitute(v, url) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, url) for k, v in value.items()}
    return value


def _cpu_seconds(pid: int) -> float:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _flush_redis(url: str) -> None:
    try:
        import redis

        redis.Redis.from_url(url).flushdb()
    except Exception as exc:  # noqa: BLE001 - a benchmark without Redis just skips those rows
        print(f"  (could not flush {url}: {exc!r})", file=sys.stderr)


def run_one(variant: str, rate: float, args, url: str) -> dict:
    layer = VARIANTS[variant]
    port = free_port()
    env = {**os.environ, "HELPDESK_READ_DOT_ENV": "false", "REDIS_URL": url,
           "PYTHONPATH": str(REPO)}
    if layer is None:
        cmd = [sys.executable, "-m", "tests.benchmarks.relay_bare", "--port", str(port)]
    else:
        env["BENCH_LAYER"] = layer if layer == "project" else json.dumps(_substitute(layer, url))
        cmd = [sys.executable, "-m", "uvicorn", "tests.benchmarks.relay_channels:application",
               "--host", "127.0.0.1", "--port", str(port), "--ws-per-message-deflate", "false",
               "--log-level", "warning", "--no-access-log", "--lifespan", "off"]
        _flush_redis(url)
    cmd = server_cpus_prefix() + cmd
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port("127.0.0.1", port, timeout=30, process=server)
            cpu_before = _cpu_seconds(server.pid)
            started = time.perf_counter()
            gen = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.loadgen",
                 "--url", f"ws://127.0.0.1:{port}/ws/bench", "--sockets", str(args.sockets),
                 "--rate", str(rate), "--duration", str(args.duration)],
                cwd=REPO, env=env, capture_output=True, text=True, timeout=args.duration + 120,
            )
            wall = time.perf_counter() - started
            cpu = _cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        log.seek(0)
        server_log = log.read().decode(errors="replace")
    if gen.returncode != 0:
        result = {"error": gen.stderr.strip().splitlines()[-1:] or ["load generator failed"]}
    else:
        result = json.loads(gen.stdout.strip().splitlines()[-1])
    result.update(variant=variant, server_cpu_pct=round(100 * cpu / wall, 1),
                  server_cpu_s=round(cpu, 2), load=round(os.getloadavg()[0], 1))
    if args.logs:
        os.makedirs(args.logs, exist_ok=True)
        with open(os.path.join(args.logs, f"{variant}-{rate:.0f}.log"), "w") as fh:
            fh.write(server_log)
    result["server_errors"] = {
        name: n for name, pattern in ERROR_PATTERNS.items()
        if (n := len(re.findall(pattern, server_log, re.MULTILINE)))
    }
    return result


def print_header() -> None:
    print(f"{'variant':<15}{'rate':>6}{'sent':>7}{'deliv':>7}{'lost':>7}{'late':>7}{'median':>9}"
          f"{'p99':>9}{'cpu%':>7}{'load':>6}  errors")


def print_row(r: dict) -> None:
    if "error" in r:
        print(f"{r['variant']:<15}{r.get('rate', ''):>6}  load generator failed: {r['error']}")
        return
    errors = dict(r["server_errors"])
    for key in ("connect_failed", "closed_early"):
        if r.get(key):
            errors[f"client:{key}"] = r[key]
    print(f"{r['variant']:<15}{r['rate']:>6.0f}{r['sent']:>7}{r['delivered']:>7}"
          f"{r['lost']:>7}{r.get('late', 0):>7}{_fmt(r['median_ms']):>9}{_fmt(r['p99_ms']):>9}"
          f"{_fmt(r['server_cpu_pct']):>7}{_fmt(r['load']):>6}  "
          f"{json.dumps(errors) if errors else ''}")


def print_summary(rows: list[dict]) -> None:
    """Per variant and rate, the median over the repetitions of each figure."""
    import statistics

    print("median over repetitions:")
    print_header()
    keys = sorted({(r["rate"], r["variant"]) for r in rows if "error" not in r},
                  key=lambda k: (k[0], list(VARIANTS).index(k[1])))
    for rate, variant in keys:
        same = [r for r in rows if r.get("rate") == rate and r["variant"] == variant
                and "error" not in r]
        merged = {"variant": variant, "rate": rate, "server_errors": {}}
        for key in ("sent", "delivered", "lost", "late", "median_ms", "p99_ms", "server_cpu_pct",
                    "load", "connect_failed", "closed_early"):
            values = [r[key] for r in same if r.get(key) is not None]
            merged[key] = statistics.median(values) if values else None
        for key in ("sent", "delivered", "lost", "late"):
            merged[key] = int(merged[key] or 0)
        for r in same:
            for name, n in r["server_errors"].items():
                merged["server_errors"][name] = merged["server_errors"].get(name, 0) + n
        print_row(merged)


def _fmt(value, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def versions() -> str:
    names = ("channels", "channels-redis", "redis", "uvicorn", "websockets")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} -")
    return ", ".join(found)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=DEFAULT_VARIANTS,
                        help=f"comma-separated, from: {', '.join(VARIANTS)}")
    parser.add_argument("--rates", default="200,1000", help="messages per second, comma-separated")
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending per run")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the whole matrix this many times, interleaved")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--logs", help="keep each server's log in this directory")
    args = parser.parse_args(argv)
    url = redis_url()
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if "baseline" not in variants:
        variants.insert(0, "baseline")
    host_port = url.split("//", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    redis_up = port_open(host_port.split(":")[0], int(host_port.split(":")[1] or 6379))
    print(f"channel layer: {args.sockets} sockets in rooms of 2, {args.duration:.0f} s per run; "
          f"{versions()}; Redis {url} ({'up' if redis_up else 'DOWN: Redis rows skipped'})")
    print_header()
    rows = []
    runs = [(rate, variant) for _ in range(args.repeat)
            for rate in [float(r) for r in args.rates.split(",")] for variant in variants]
    for rate, variant in runs:
        layer = VARIANTS[variant]
        uses_redis = layer == "project" or "redis" in json.dumps(layer).lower()
        if uses_redis and not redis_up:
            continue
        rows.append(run_one(variant, rate, args, url))
        print_row(rows[-1])
        sys.stdout.flush()
    if args.repeat > 1:
        print_summary(rows)
    print("latency: one-way ms from each message's scheduled send time; lost = offered - "
          "delivered (never arrived); late = arrived over 1 s after it was due")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    return rows


if __name__ == "__main__":
    main()
