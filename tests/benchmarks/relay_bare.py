"""The baseline: the same room relay written directly on the ``websockets`` library.

``python -m tests.benchmarks.relay_bare --port N``. What one member of ``/ws/bench/<room>/``
sends goes to the room's other members. It shows what the machine and the load generator
cost on their own, so Channels figures from the same run can be read against it.
"""

import argparse
import asyncio
from collections import defaultdict

from websockets.asyncio.server import serve

ROOMS: dict[str, set] = defaultdict(set)


async def handler(ws):
    room = ws.request.path
    ROOMS[room].add(ws)
    try:
        async for message in ws:
            for other in list(ROOMS[room]):
                if other is not ws:
                    try:
                        await other.send(message)
                    except Exception:  # noqa: S112 - a closing peer just misses it
                        continue
    finally:
        ROOMS[room].discard(ws)


async def main(host: str, port: int) -> None:
    async with serve(handler, host, port, compression=None, max_queue=None):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop  # the same event loop uvicorn picks when it is installed
    except ImportError:
        asyncio.run(main(args.host, args.port))
    else:
        uvloop.run(main(args.host, args.port))
