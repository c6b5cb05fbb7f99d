"""A counting SMTP server (aiosmtpd) for the email benchmark, run as its own process.

``python -m tests.benchmarks.smtp_sink PORT EXPECTED``: accepts every message, and prints
``READY`` once listening, ``COUNT n`` each second and ``DONE n <unix time>`` the moment the
EXPECTED-th message has been accepted (then keeps serving until terminated). Message-IDs are
counted once each, so a duplicate delivery shows as ``DUPLICATES n``.
"""

import asyncio
import sys
import time


class Sink:
    def __init__(self, expected: int):
        self.expected = expected
        self.count = 0
        self.seen: set[bytes] = set()
        self.duplicates = 0
        self.done = False

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or b""
        start = content.find(b"Message-ID:")
        mid = content[start:content.find(b"\n", start)] if start >= 0 else b""
        if mid in self.seen:
            self.duplicates += 1
        else:
            self.seen.add(mid)
            self.count += 1
        if self.count >= self.expected and not self.done:
            self.done = True
            sys.stdout.write(f"DONE {self.count} {time.time():.6f}\n")
            sys.stdout.flush()
        return "250 OK"


async def serve(port: int, expected: int) -> None:
    from aiosmtpd.smtp import SMTP

    sink = Sink(expected)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="bench.local"),
                                      host="127.0.0.1", port=port)
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    async with server:
        while True:
            await asyncio.sleep(1)
            sys.stdout.write(f"COUNT {sink.count} DUPLICATES {sink.duplicates}\n")
            sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2])))
