"""Load generator: opens the sockets, pairs them in rooms, sends on a schedule, counts.

``python -m tests.benchmarks.loadgen --url ws://127.0.0.1:N/ws/bench --sockets 200 --rate 1000``
prints one JSON object. Runs in its own process so it never shares an event loop or a CPU
slice accounting with the server it measures.

Each room has a sender and a receiver. Senders follow an open-loop schedule (message k of
room r is due at ``start + phase_r + k / per_room_rate``); latency is measured from that
scheduled time to arrival, so a stalled sender or server shows up as latency instead of
quietly lowering the offered load. A message not received ``--drain`` seconds after the last
one arrived (at most 30 s after the last was due) counts as lost; ``late`` counts those
that arrived more than a second after they were due.
"""

import argparse
import asyncio
import json
import statistics
import time

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed


def quiet_gc() -> None:
    """Keep the load generator's own garbage collector out of the measurement: what exists
    once the sockets are open is frozen and collection is off while it sends (a full collection
    of a thousand sockets' objects paused it for up to ~50 ms, which showed as latency)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.disable()


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def run(url: str, sockets: int, rate: float, duration: float, drain: float,
              connect_concurrency: int, max_wait: float = 30.0) -> dict:
    rooms = sockets // 2
    per_room = rate / rooms
    counts_per_room = int(duration * per_room)
    stats = {"connect_failed": 0, "send_failed": 0, "closed_early": 0, "close_codes": {}}
    latencies: list[float] = []
    received: set[tuple[int, int]] = set()
    duplicates = 0
    gate = asyncio.Semaphore(connect_concurrency)

    async def open_socket(room: int):
        async with gate:
            try:
                return await connect(f"{url}/{room}/", compression=None, open_timeout=20,
                                     max_queue=None)
            except Exception as exc:  # noqa: BLE001 - every failure counts the same
                stats["connect_failed"] += 1
                stats.setdefault("connect_errors", []).append(repr(exc)[:200])
                return None

    pairs = await asyncio.gather(
        *[asyncio.gather(open_socket(r), open_socket(r)) for r in range(rooms)]
    )
    await asyncio.sleep(1.0)  # let every group_add settle before the clock starts
    quiet_gc()
    start = time.perf_counter() + 0.2
    last_due = start + duration

    async def sender(room: int, ws) -> int:
        phase = (room / rooms) / per_room
        sent = 0
        for k in range(counts_per_room):
            due = start + phase + k / per_room
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                await ws.send(f"{room} {k} {due:.6f}")
            except ConnectionClosed:
                stats["send_failed"] += counts_per_room - k
                break
            sent += 1
        return sent

    async def receiver(ws) -> None:
        nonlocal duplicates
        try:
            async for message in ws:
                now = time.perf_counter()
                room, k, due = message.split(" ")
                key = (int(room), int(k))
                if key in received:
                    duplicates += 1
                    continue
                received.add(key)
                latencies.append((now - float(due)) * 1000)
        except ConnectionClosed:
            pass
        if ws.close_code is not None:
            stats["closed_early"] += 1
            code = str(ws.close_code)
            stats["close_codes"][code] = stats["close_codes"].get(code, 0) + 1

    live = [(r, a, b) for r, (a, b) in enumerate(pairs) if a is not None and b is not None]
    receivers = [asyncio.create_task(receiver(b)) for _, _, b in live]
    # Senders' own sockets must be read too, or a server close goes unnoticed.
    watchers = [asyncio.create_task(receiver(a)) for _, a, _ in live]
    sent_counts = await asyncio.gather(*[sender(r, a) for r, a, _ in live])
    # Wait until everything sent has arrived, or nothing has for ``drain`` seconds (a
    # backlog still draining is late, not lost), but never past ``max_wait``.
    sent_total = sum(sent_counts)
    seen, quiet_since = len(received), time.perf_counter()
    while len(received) < sent_total and time.perf_counter() - last_due < max_wait:
        await asyncio.sleep(0.1)
        if len(received) != seen:
            seen, quiet_since = len(received), time.perf_counter()
        elif time.perf_counter() - quiet_since > drain:
            break
    for task in receivers + watchers:
        task.cancel()
    for pair in pairs:
        for ws in pair:
            if ws is not None:
                await ws.close()

    offered = rooms * counts_per_room
    sent = sum(sent_counts)
    delivered = len(received)
    return {
        "sockets": sockets,
        "rate": rate,
        "duration": duration,
        "offered": offered,
        "sent": sent,
        "delivered": delivered,
        "lost": offered - delivered,
        "duplicates": duplicates,
        "late": sum(1 for ms in latencies if ms > 1000),
        "median_ms": statistics.median(latencies) if latencies else None,
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies) if latencies else None,
        **stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200.0, help="messages per second, all rooms")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--drain", type=float, default=3.0)
    parser.add_argument("--connect-concurrency", type=int, default=1000,
                        help="handshakes in flight at once (default: all, a reconnect storm)")
    args = parser.parse_args()
    coro = run(args.url, args.sockets, args.rate, args.duration, args.drain,
               args.connect_concurrency)
    try:
        import uvloop  # the same loop for every variant; keeps the generator's own cost low
    except ImportError:
        result = asyncio.run(coro)
    else:
        result = uvloop.run(coro)
    if "connect_errors" in result:
        result["connect_errors"] = sorted(set(result["connect_errors"]))[:5]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
