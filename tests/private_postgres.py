"""A PostgreSQL server of a test's (or a benchmark's) own, which it may fill up, stop and start.

The shared server on 5432 serves every concurrent test run on the machine: a test that uses up
its connections or stops it would break the others. This one runs from a temporary data
directory on a free port with the settings the caller asks for (``max_connections``...), with
durability off (a throwaway). As root, the server runs as the ``postgres`` user, because
PostgreSQL refuses to run as root.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.services import free_port, wait_for_port


def _bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def private_postgres_available() -> bool:
    if _bindir() is None:
        return False
    if os.geteuid() != 0:
        return True
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


class PrivatePostgres:
    """``initdb`` + ``pg_ctl`` on a free port; ``url(name)`` points at one of its databases."""

    def __init__(self, max_connections: int = 30, **settings):
        self.port = free_port()
        self.settings = {"max_connections": max_connections, "fsync": "off",
                         "synchronous_commit": "off", "full_page_writes": "off",
                         "shared_buffers": "16MB", **settings}
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.initialized = False

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> "PrivatePostgres":
        if not self.initialized:
            if os.geteuid() == 0:
                user = pwd.getpwnam("postgres")
                os.chown(self.root, user.pw_uid, user.pw_gid)
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--locale=C", "--no-sync")
            self.initialized = True
        options = " ".join(f"-c {key}={value}" for key, value in self.settings.items())
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 "
                        f"-c unix_socket_directories={self.root} {options}", "start")
        wait_for_port("127.0.0.1", self.port)
        return self

    def stop(self, mode: str = "fast") -> None:
        if self.initialized and (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run ``sql`` with psql as the superuser; its unaligned output."""
        psql = shutil.which("psql") or str(self.bindir / "psql")
        result = subprocess.run(
            [psql, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-Atc", sql], check=True, capture_output=True, text=True, timeout=60)
        return result.stdout.strip()

    def connections(self, database: str) -> int:
        """Client connections open to ``database`` (this count's own not included)."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
            ).fetchone()[0]

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
