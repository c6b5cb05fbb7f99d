"""Chat load generator for ``chat_bench``: real chat sockets against ``/ws/chat/``.

``python -m tests.benchmarks.chat_loadgen --mode pairs|idle --url ws://... --origin http://...
--plan plan.json`` where the plan is a JSON list of sockets to open (``cookie``, ``ref``, and
for pairs ``role``). Runs in its own process (``chat_bench`` may start several) and talks to
its parent over stdin/stdout so that every process starts together:

1. opens every socket (session cookie and Origin, as a browser sends them), reads ``hello``
   and ``join``s its conversation, then prints ``{"ready": n}``;
2. reads one line from stdin: for ``pairs`` the ``time.perf_counter()`` value at which to
   start sending (perf_counter is CLOCK_MONOTONIC, the same clock in every process); for
   ``idle`` anything, when the parent has finished measuring;
3. prints one JSON object with its counts (and, for pairs, every one-way latency in ms).

Pairs: a customer and an agent socket per conversation; message k of a pair is due at
``start + phase + k / per_pair_rate`` and is sent by the customer when k is even, by the agent
when odd. Latency is measured on the other side, from the scheduled time to the arrival of
the ``message`` frame, so a stalled sender or server shows as latency. ``ack`` latency (after
the commit) is measured on the sender's side.
"""

import argparse
import asyncio
import json
import sys
import time

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.benchmarks.loadgen import quiet_gc


async def _open(url: str, origin: str, cookie: str, ref: str, gate: asyncio.Semaphore,
                stats: dict):
    async with gate:
        try:
            ws = await connect(url, compression=None, open_timeout=120, max_queue=None,
                               ping_interval=None,  # browsers send no pings; the server does
                               additional_headers={"Origin": origin, "Cookie": cookie})
            hello = json.loads(await asyncio.wait_for(ws.recv(), 120))
            if hello.get("type") != "hello":
                raise RuntimeError(f"no hello: {hello}")
            await ws.send(json.dumps({"type": "join", "conversation": ref, "last_seq": 0}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 120))
                if frame.get("type") == "joined":
                    break
                if frame.get("type") == "error":
                    raise RuntimeError(f"join failed: {frame}")
            return ws
        except Exception as exc:  # noqa: BLE001 - every failure counts the same
            stats["connect_failed"] += 1
            stats.setdefault("connect_errors", []).append(repr(exc)[:200])
            return None


async def _stdin_line() -> str:
    return await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


def _ready(n: int) -> None:
    print(json.dumps({"ready": n}), flush=True)


async def run_pairs(args, plan: list[dict]) -> dict:
    stats = {"connect_failed": 0, "send_failed": 0, "closed_early": 0, "close_codes": {},
             "errors": {}, "heartbeats": 0}
    gate = asyncio.Semaphore(args.connect_concurrency)
    pairs = {}
    for item in plan:
        pairs.setdefault(item["ref"], {})[item["role"]] = item
    refs = sorted(pairs)
    opened = await asyncio.gather(*[
        asyncio.gather(_open(args.url, args.origin, pairs[r]["customer"]["cookie"], r, gate,
                             stats),
                       _open(args.url, args.origin, pairs[r]["agent"]["cookie"], r, gate, stats))
        for r in refs])
    live = [(i, refs[i], c, a) for i, (c, a) in enumerate(opened) if c and a]
    _ready(2 * len(live))
    quiet_gc()
    _PAUSES.clear()  # the collection quiet_gc ran before the clock starts is not measured
    start = float(await _stdin_line())
    per_pair = args.rate_per_pair
    count = int(args.duration * per_pair)
    tag = args.tag
    latencies: list[float] = []
    ack_latencies: list[float] = []
    received: set[tuple[int, int]] = set()
    dup = 0

    async def reader(ws, own_role: str):
        nonlocal dup
        try:
            async for raw in ws:
                now = time.perf_counter()
                f = json.loads(raw)
                kind = f.get("type")
                if kind == "message":
                    cid = f.get("client_id") or ""
                    if f.get("author_role") == own_role or not cid.startswith(tag):
                        continue
                    _tag, i, k = cid.split("-")
                    key = (int(i), int(k))
                    if key in received:
                        dup += 1
                        continue
                    received.add(key)
                    latencies.append((now - float(f["body"].split(" ")[2])) * 1000)
                elif kind == "ack":
                    cid = f.get("client_id") or ""
                    if cid.startswith(tag):
                        due = sent_due.pop(cid, None)
                        if due is not None:
                            ack_latencies.append((now - due) * 1000)
                elif kind == "heartbeat":
                    stats["heartbeats"] += 1
                elif kind == "error":
                    code = f.get("code", "?")
                    stats["errors"][code] = stats["errors"].get(code, 0) + 1
        except ConnectionClosed:
            pass
        if ws.close_code is not None:
            stats["closed_early"] += 1
            code = str(ws.close_code)
            stats["close_codes"][code] = stats["close_codes"].get(code, 0) + 1

    sent_due: dict[str, float] = {}

    async def sender(i: int, ref: str, c, a) -> int:
        phase = (i / max(1, len(refs))) / per_pair
        sent = 0
        for k in range(count):
            due = start + phase + k / per_pair
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            cid = f"{tag}-{i}-{k}"
            sent_due[cid] = due
            try:
                await (c if k % 2 == 0 else a).send(json.dumps({
                    "type": "send", "conversation": ref, "client_id": cid,
                    "body": f"{i} {k} {due:.6f}"}))
            except ConnectionClosed:
                stats["send_failed"] += count - k
                break
            sent += 1
        return sent

    readers = [asyncio.create_task(reader(ws, role)) for _, _, c, a in live
               for ws, role in ((c, "customer"), (a, "agent"))]
    sent = sum(await asyncio.gather(*[sender(i, r, c, a) for i, r, c, a in live]))
    last_due = start + args.duration
    seen, quiet_since = len(received), time.perf_counter()
    while len(received) < sent and time.perf_counter() - last_due < args.max_wait:
        await asyncio.sleep(0.1)
        if len(received) != seen:
            seen, quiet_since = len(received), time.perf_counter()
        elif time.perf_counter() - quiet_since > args.drain:
            break
    for task in readers:
        task.cancel()
    for _, _, c, a in live:
        await c.close()
        await a.close()
    return {"pairs": len(refs), "offered": len(refs) * count, "sent": sent,
            "delivered": len(received), "duplicates": dup, "latencies": latencies,
            "ack_latencies": ack_latencies, **stats}


async def run_idle(args, plan: list[dict]) -> dict:
    stats = {"connect_failed": 0, "closed_early": 0, "close_codes": {}, "errors": {},
             "heartbeats": 0, "frames": 0}
    gate = asyncio.Semaphore(args.connect_concurrency)
    sockets = await asyncio.gather(*[_open(args.url, args.origin, item["cookie"], item["ref"],
                                           gate, stats) for item in plan])
    live = [ws for ws in sockets if ws is not None]

    async def reader(ws):
        try:
            async for raw in ws:
                stats["frames"] += 1
                f = json.loads(raw)
                if f.get("type") == "heartbeat":
                    stats["heartbeats"] += 1
                elif f.get("type") == "error":
                    code = f.get("code", "?")
                    stats["errors"][code] = stats["errors"].get(code, 0) + 1
        except ConnectionClosed:
            pass
        if ws.close_code is not None:
            stats["closed_early"] += 1
            code = str(ws.close_code)
            stats["close_codes"][code] = stats["close_codes"].get(code, 0) + 1

    readers = [asyncio.create_task(reader(ws)) for ws in live]
    _ready(len(live))
    await _stdin_line()
    for task in readers:
        task.cancel()
    await asyncio.gather(*[ws.close() for ws in live], return_exceptions=True)
    return {"opened": len(live), **stats}


_PAUSES: list[float] = []  # the load generator's own garbage-collector pauses, ms


def _watch_gc() -> None:
    """Record into ``_PAUSES`` how long each collection takes: a pause here shows as latency."""
    import gc

    started = [0.0]

    def callback(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            _PAUSES.append((time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(callback)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["pairs", "idle"], required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--plan", required=True, help="JSON file: the sockets to open")
    parser.add_argument("--out", required=True, help="JSON file: the result")
    parser.add_argument("--rate-per-pair", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--drain", type=float, default=3.0)
    parser.add_argument("--max-wait", type=float, default=30.0)
    parser.add_argument("--tag", default="b0")
    parser.add_argument("--connect-concurrency", type=int, default=50)
    args = parser.parse_args()
    with open(args.plan) as fh:
        plan = json.load(fh)
    _watch_gc()
    coro = (run_pairs if args.mode == "pairs" else run_idle)(args, plan)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(coro)
    else:
        result = uvloop.run(coro)
    result["gc_pause_max_ms"] = round(max(_PAUSES, default=0.0), 1)
    result["gc_pause_total_ms"] = round(sum(_PAUSES), 1)
    if "connect_errors" in result:
        result["connect_errors"] = sorted(set(result["connect_errors"]))[:5]
    with open(args.out, "w") as fh:  # not stdout: a result past the pipe's 64 KB was cut
        json.dump(result, fh)


if __name__ == "__main__":
    main()
