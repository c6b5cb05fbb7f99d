"""The embedded server runs every scheduled job, though a web process never imports tasks modules."""

import json
import os
import subprocess
import sys

from django.conf import settings

from tests.conftest import database_url_for_subprocess
from tests.services import REPO

SCRIPT = """
import json, os
from datetime import UTC, datetime
import helpdesk.asgi  # what the ASGI server imports, and nothing more
from django.conf import settings
from helpdesk import inprocess_beat
long_ago = datetime(2000, 1, 1, tzinfo=UTC)
ran = inprocess_beat.run_due({name: long_ago for name in settings.CELERY_BEAT_SCHEDULE},
                             datetime.now(tz=UTC))
print(json.dumps(ran))
"""


def test_a_fresh_server_process_runs_every_scheduled_job(transactional_db):
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(),
           "HELPDESK_READ_DOT_ENV": "false", "CELERY_TASK_ALWAYS_EAGER": "true"}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    ran = json.loads(result.stdout.strip().splitlines()[-1])
    assert "scheduled job" not in result.stderr, result.stderr[-2000:]
    assert sorted(ran) == sorted(settings.CELERY_BEAT_SCHEDULE)
