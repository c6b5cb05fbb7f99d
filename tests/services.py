"""Finding the real services the suite exercises, and skipping honestly without them.

A test that needs a service calls ``require(name, reason)`` when the service is absent: it
skips with the reason, unless HELPDESK_REQUIRE_SERVICES=1 (CI), where it fails instead.
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def services_required() -> bool:
    return os.environ.get("HELPDESK_REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def require(available: bool, reason: str) -> None:
    if available:
        return
    if services_required():
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_url(db: int | None = None) -> str:
    """The Redis the suite may use: REDIS_URL, else the local default if it answers.

    ``db`` picks another database number on the same server (an area's own, so that
    concurrent runs and FLUSHDB-style clean-ups never meet).
    """
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parsed = urlparse(url)
    if not port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        return ""
    if db is not None:
        url = parsed._replace(path=f"/{db}").geturl()
    return url


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres" if port_open("127.0.0.1", 5432) else ""


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def wait_for_port(host: str, port: int, timeout: float = 20.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        if port_open(host, port, timeout=0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on {host}:{port} within {timeout}s")


class PrivateRedis:
    """A redis-server of the test's own on a free port, which the test may stop and start."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port("127.0.0.1", self.port, process=self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def redis_server_available() -> bool:
    return shutil.which("redis-server") is not None
