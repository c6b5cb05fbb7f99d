"""Settings in both modes, read from a real ``manage.py`` process with a controlled environment.

Each run builds its environment from scratch (only PATH is inherited), so a variable set in the
developer's shell or CI cannot leak into what a test claims about "no variables".
"""

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests.services import REPO

OUTBOX = "helpdesk.mail.backend.OutboxBackend"  # every email is an outbox row first

DUMP = """
import json
from django.conf import settings
from helpdesk.celery import app
print("SETTINGS=" + json.dumps({
    "debug": settings.DEBUG,
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "layer_hosts": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts", []),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "app_eager": app.conf.task_always_eager,
    "app_broker": app.conf.broker_url,
    "inprocess_beat": settings.HELPDESK_INPROCESS_BEAT,
    "email_backend": settings.EMAIL_BACKEND,
    "email_delivery_backend": settings.EMAIL_DELIVERY_BACKEND,
    "email_file_path": getattr(settings, "EMAIL_FILE_PATH", None),
    "email_host": getattr(settings, "EMAIL_HOST", None),
    "email_port": getattr(settings, "EMAIL_PORT", None),
    "email_user": getattr(settings, "EMAIL_HOST_USER", None),
    "email_tls": getattr(settings, "EMAIL_USE_TLS", None),
    "site_url": settings.SITE_URL,
    "csrf_trusted": settings.CSRF_TRUSTED_ORIGINS,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def manage(args: list[str], env: dict[str, str], var_dir) -> subprocess.CompletedProcess:
    """Run manage.py with exactly ``env`` (plus PATH and a private var dir)."""
    full_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HELPDESK_READ_DOT_ENV": "false",
        "HELPDESK_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=full_env,
        capture_output=True, text=True, timeout=120,
    )


def settings_with(env: dict[str, str], var_dir) -> dict:
    result = manage(["shell", "-c", DUMP], env, var_dir)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("SETTINGS="))
    return json.loads(line.removeprefix("SETTINGS="))


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "help.example.com",
        "REDIS_URL": "redis://127.0.0.1:6379/4",
        "DATABASE_URL": "postgres://helpdesk:secret@db.internal:5432/helpdesk",
        "SITE_URL": "https://help.example.com",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def test_no_variables_give_the_embedded_default(tmp_path):
    s = settings_with({}, tmp_path / "var")
    assert s["debug"] is True
    assert s["db_engine"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(tmp_path / "var" / "helpdesk.sqlite3")
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["eager"] is True and s["app_eager"] is True
    assert s["inprocess_beat"] is True
    assert s["email_backend"] == OUTBOX
    assert s["email_delivery_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["email_file_path"] == str(tmp_path / "var" / "outbox")
    assert s["static_storage"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_embedded_default_passes_the_system_checks(tmp_path):
    result = manage(["check"], {}, tmp_path / "var")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_outbox_email_lands_in_var_outbox_as_a_readable_file(tmp_path):
    # send_mail writes an outbox row; the eager task delivers it to var/outbox at once.
    assert manage(["migrate", "--noinput"], {}, tmp_path / "var").returncode == 0
    send = (
        "from django.core.mail import send_mail;"
        "from helpdesk.mail.models import OutboundEmail;"
        "send_mail('Outbox subject', 'Outbox body', 'a@example.com', ['b@example.com']);"
        "print('ROWS=' + ','.join(OutboundEmail.objects.values_list('status', flat=True)))"
    )
    result = manage(["shell", "-c", send], {}, tmp_path / "var")
    assert result.returncode == 0, result.stderr
    assert "ROWS=sent" in result.stdout
    files = list((tmp_path / "var" / "outbox").iterdir())
    assert len(files) == 1
    assert "Outbox subject" in files[0].read_text()


def test_database_url_switches_to_postgresql(tmp_path):
    s = settings_with(
        {"DATABASE_URL": "postgres://helpdesk:secret@db.internal:5433/helpdesk"}, tmp_path
    )
    assert s["db_engine"] == "django.db.backends.postgresql"
    assert s["db_name"] == "helpdesk"
    assert s["db_host"] == "db.internal"
    # The rest of the embedded default is untouched.
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"


def test_redis_url_switches_layer_broker_and_cache_to_redis(tmp_path):
    url = "redis://127.0.0.1:6379/4"
    s = settings_with({"REDIS_URL": url}, tmp_path)
    # The pub/sub layer: docs/decisions 0001 says why.
    assert s["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert s["layer_hosts"] == [{"address": url}]
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert s["cache_location"] == url
    assert s["broker"] == url and s["app_broker"] == url
    assert s["eager"] is False and s["app_eager"] is False
    # With a real broker, `celery beat` owns the schedule, not the web process.
    assert s["inprocess_beat"] is False


def test_email_url_switches_to_smtp(tmp_path):
    s = settings_with({"EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587"}, tmp_path)
    assert s["email_backend"] == OUTBOX
    assert s["email_delivery_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["email_host"] == "smtp.example.com"
    assert s["email_port"] == 587
    assert s["email_user"] == "mailer"
    assert s["email_tls"] is True


def test_email_host_switches_to_smtp(tmp_path):
    s = settings_with({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "2525",
                       "EMAIL_USE_TLS": "false"}, tmp_path)
    assert s["email_backend"] == OUTBOX
    assert s["email_delivery_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["email_host"] == "smtp.example.com"
    assert s["email_port"] == 2525
    assert s["email_tls"] is False


def test_site_url_comes_from_the_environment_only(tmp_path):
    s = settings_with({"SITE_URL": "https://help.example.com/"}, tmp_path)
    assert s["site_url"] == "https://help.example.com"
    assert s["csrf_trusted"] == ["https://help.example.com"]


@pytest.mark.parametrize(
    ("overrides", "code", "message"),
    [
        ({"SECRET_KEY": None}, "helpdesk.E001", "SECRET_KEY is not set."),
        ({"ALLOWED_HOSTS": "*"}, "helpdesk.E002", "ALLOWED_HOSTS contains '*'."),
        ({"REDIS_URL": None}, "helpdesk.E003", "The in-memory channel layer is configured."),
        ({"SITE_URL": "http://help.example.com"}, "helpdesk.E004", "SITE_URL is not https."),
        ({"CHAT_HEARTBEAT_SECONDS": "90"}, "helpdesk.E005",
         "CHAT_HEARTBEAT_SECONDS is not between 0 and 60."),
        ({"SUPERUSER_REQUIRE_2FA": "false"}, "helpdesk.E006",
         "Superusers can sign in without a second factor."),
    ],
)
def test_debug_off_refuses_an_unsafe_setting(tmp_path, overrides, code, message):
    result = manage(["check"], production_env(**overrides), tmp_path)
    assert result.returncode != 0
    assert f"({code}) {message}" in result.stderr
    assert "Traceback" not in result.stderr
    # Exactly the one refusal this variable causes.
    assert result.stderr.count("(helpdesk.E") == 1


def test_debug_off_with_nothing_set_names_every_refusal(tmp_path):
    result = manage(["check"], {"DEBUG": "false"}, tmp_path)
    assert result.returncode != 0
    assert "(helpdesk.E001)" in result.stderr
    assert "(helpdesk.E003)" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_variables_pass_the_deploy_check_at_warning_level(tmp_path):
    env = production_env()
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    s = settings_with(env, tmp_path)
    assert s["debug"] is False
    assert s["db_engine"] == "django.db.backends.postgresql"
    assert s["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert s["eager"] is False
    assert s["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert s["allowed_hosts"] == ["help.example.com"]
    assert s["site_url"] == "https://help.example.com"


def test_deploy_check_warns_about_a_short_secret_key(tmp_path):
    env = production_env(SECRET_KEY="short")
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_a_request_for_a_foreign_host_is_refused(client, settings):
    settings.SITE_URL = "https://help.example.com"
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
