"""Moving the channels' models out of the core moves no data: a database at the schema before
(helpdesk 0012), with rows in every moved table, migrates with its rows, content type ids, role
groups' permissions and foreign keys intact (tests/helpdesk/migration_check.py does the
migrating, in a process of its own on an empty database of the same engine as the suite's)."""

import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings

from tests.helpdesk.migration_check import MOVED, TABLES
from tests.services import REPO


@pytest.fixture
def empty_database_url(tmp_path):
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"{db['NAME']}_move_{uuid.uuid4().hex[:8]}"
    params = {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432,
              "user": db.get("USER") or "postgres", "password": db.get("PASSWORD") or None,
              "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    try:
        yield f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("interrupted", [False, True], ids=["in-one-run", "interrupted"])
def test_models_leave_the_core_with_their_rows_content_types_permissions_and_keys(
        empty_database_url, interrupted):
    """``interrupted``: an earlier migrate stopped after the new apps' first migrations and
    its post_migrate made content types under the new labels: the old ones still win."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HELPDESK_READ_DOT_ENV": "false",
           "DATABASE_URL": empty_database_url, "LOG_LEVEL": "WARNING",
           "HELPDESK_VAR_DIR": os.environ.get("HELPDESK_VAR_DIR", str(REPO / "var"))}
    args = [sys.executable, "-m", "tests.helpdesk.migration_check"]
    result = subprocess.run(args + ["--interrupted"] * interrupted, cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    before, after, now = report["before"], report["after"], report["references"]

    # Every row of every moved table, column for column.
    assert all(before["rows"][table] for table in TABLES)
    assert after["rows"] == before["rows"]
    # Each moved model has one content type, under its new app, with the id it had.
    for model, (old_app, new_app) in MOVED.items():
        assert after["content_types"][f"{new_app}.{model}"] == \
            before["content_types"][f"{old_app}.{model}"]
        assert f"{old_app}.{model}" not in after["content_types"]
        assert now["content_types"][f"{new_app}.{model}"] == \
            before["content_types"][f"{old_app}.{model}"]
    # The role groups hold the same permissions (ids), and the logs point where they did.
    assert after["groups"] == before["groups"]
    assert before["groups"]["manager"] and before["groups"]["agent"]
    assert after["logs"] == before["logs"]
    # Foreign keys from and to the moved models, and generic references, resolve.
    assert now == {
        "content_types": now["content_types"],
        "outbound": ["HD-MOVE-1", "Hello"], "inbound": "HD-MOVE-1", "receipt": "HD-MOVE-1",
        "survey": ["HD-MOVE-1", now["survey"][1]], "reverse": [1, 1], "sla": 480,
        "timing": "HD-MOVE-1", "admin_log": "OutboundEmail", "audit_log": "SlaTarget",
    }
