"""The logic behind ``helpdesk.settings``: each function builds one setting's value from the
environment (``env``, django-environ's reader) so that the settings module stays a list of
values. Nothing here is read at run time; docs/configuration.md lists every variable.
"""

import sys
from pathlib import Path

import environ
from celery.schedules import crontab


def celery_worker(argv: list[str]) -> bool:
    """Whether this process is a Celery worker (``celery ... worker``)."""
    argv0 = Path(argv[0])
    return "celery" in (argv0.name, argv0.parent.name) and "worker" in argv[1:]


def database(env: environ.Env, var_dir: Path) -> dict:
    """``DATABASES["default"]``: SQLite in ``var_dir`` by default, ``DATABASE_URL`` otherwise."""
    db = env.db_url("DATABASE_URL", default=f"sqlite:///{var_dir / 'helpdesk.sqlite3'}")
    test_name = env.str("HELPDESK_TEST_DB_NAME", default="test_helpdesk")
    options = db.setdefault("OPTIONS", {})
    if db["ENGINE"] == "django.db.backends.sqlite3":
        var_dir.mkdir(parents=True, exist_ok=True)
        # A file-backed test database, so a real ASGI server started by the tests in another
        # process sees the same data; WAL and a busy timeout let the two processes share it.
        db.setdefault("TEST", {})["NAME"] = str(var_dir / f"{test_name}.sqlite3")
        options.update({"timeout": 20, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"})
        return db
    # A pool per process: under ASGI a persistent connection per request thread is never reused
    # (issue 12). Not in a Celery worker, which closes pools after every task. Decisions 0027,
    # 0028, 0029; docs/configuration.md "Database connections".
    pool_max = env.int("DATABASE_POOL_MAX_SIZE", default=0 if celery_worker(sys.argv) else 12)
    if pool_max > 0:
        pool_timeout = env.float("DATABASE_POOL_TIMEOUT", default=5.0)
        db["CONN_MAX_AGE"] = 0  # Django's pool requires it
        options["pool"] = {
            "min_size": min(pool_max, env.int("DATABASE_POOL_MIN_SIZE", default=2)),
            "max_size": pool_max,
            "timeout": pool_timeout,
            # psycopg_pool's own reconnect backoff left a database back after an outage unused
            # for 19 s; giving up after the pool timeout lets the next request try at once.
            "reconnect_timeout": pool_timeout,
        }
    else:
        db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    # Seconds, not the minutes of TCP's own retries, before an unanswering server is reported.
    options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    db["CONN_HEALTH_CHECKS"] = True
    # Server-side prepared statements for the cursors that ask for them (the FAQ search, the
    # chat's fast path); off behind a transaction-pooling PgBouncer older than 1.21.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        options.setdefault("prepare_threshold", 5)
    db.setdefault("TEST", {})["NAME"] = test_name
    return db


def redis_channel_layer(url: str) -> dict:
    """The channels-redis layer for ``url``, as measured (docs/decisions 0001, 0002).

    The pub/sub layer: one PUBLISH per group_send, one subscriber connection per process. It
    kept every message at 200 sockets and 1000 messages/s where the core layer, with
    redis-py 8's pool of 100 connections and 5 s socket timeout, refused half the sockets,
    closed idle ones and dropped most messages. Like every layer here it is a hint: clients
    repair what they missed from the database (helpdesk.realtime).

    Redis pub/sub ignores database numbers, so the prefix carries the URL's: two help desks
    (or test runs) on databases 1 and 2 of one server never hear each other's events.
    """
    database = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    database = database if database.isdigit() else "0"
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [{"address": url}], "prefix": f"helpdesk.{database}."},
    }


def channel_layers(redis_url: str) -> dict:
    """``CHANNEL_LAYERS``: Redis pub/sub with ``REDIS_URL``, else one in-memory layer."""
    if redis_url:
        return {"default": redis_channel_layer(redis_url)}
    # One channel per process carries every chat event (helpdesk.chat.consumers.hub): room for
    # bursts, and group memberships that last as long as the process.
    return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                        "CONFIG": {"capacity": 10_000, "group_expiry": 10 * 365 * 86400}}}


def caches(redis_url: str) -> dict:
    """``CACHES``: Redis with ``REDIS_URL`` (every throttle counts there), else local memory."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "helpdesk",
            # A Redis that stops answering fails a request in seconds instead of hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 3},
        }
    }


def email(env: environ.Env, var_dir: Path) -> dict:
    """The ``EMAIL_*`` settings of the delivery backend: ``EMAIL_URL``, the ``EMAIL_HOST``
    family, or the developer's outbox (one .log file per sending in ``var/outbox``)."""
    if env.str("EMAIL_URL", default=""):
        return env.email_url("EMAIL_URL")
    if env.str("EMAIL_HOST", default=""):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": env.str("EMAIL_HOST"),
            "EMAIL_PORT": env.int("EMAIL_PORT", default=587),
            "EMAIL_HOST_USER": env.str("EMAIL_HOST_USER", default=""),
            "EMAIL_HOST_PASSWORD": env.str("EMAIL_HOST_PASSWORD", default=""),
            "EMAIL_USE_TLS": env.bool("EMAIL_USE_TLS", default=True),
            "EMAIL_USE_SSL": env.bool("EMAIL_USE_SSL", default=False),
        }
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": env.str("EMAIL_FILE_PATH", default=str(var_dir / "outbox")),
    }


def beat_schedule(imap_url: str, imap_poll_seconds: int) -> dict[str, dict]:
    """``CELERY_BEAT_SCHEDULE``: run by `celery beat` with a broker, by the ASGI server in
    process on the embedded default (helpdesk.inprocess_beat)."""
    schedule: dict[str, dict] = {
        "clear-expired-sessions": {
            "task": "accounts.tasks.clear_expired_sessions",
            "schedule": crontab(minute=17, hour=3),
        },
        "chat-assign": {"task": "helpdesk.services.tasks.chat_assign", "schedule": 15.0},
        # The live SLA: warnings, escalations, auto-close (helpdesk.services.sla).
        "sla-check": {"task": "helpdesk.services.sla_tasks.sla_check", "schedule": 60.0},
        # Recompute stored business-hours timings that went stale (helpdesk.reports.timings).
        "reports-timings-refresh": {
            "task": "helpdesk.reports.tasks.reports_timings_refresh", "schedule": 60.0},
        # Delete audit log entries older than AUDIT_LOG_RETENTION_DAYS.
        "audit-log-prune": {
            "task": "helpdesk.audit.tasks.audit_log_prune", "schedule": crontab(minute=41, hour=3)},
        "email-outbox-sweep": {
            "task": "helpdesk.mail.send_tasks.email_outbox_sweep", "schedule": 60.0},
        "surveys-run": {"task": "helpdesk.surveys.tasks.surveys_run", "schedule": 300.0},
    }
    if imap_url:
        schedule["email-imap-poll"] = {
            "task": "helpdesk.mail.tasks.email_imap_poll", "schedule": float(imap_poll_seconds)}
    return schedule


def storages(media_root: str, debug: bool) -> dict:
    """``STORAGES``: uploads in ``media_root``; hashed, compressed static files unless DEBUG."""
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media_root},
        },
        "staticfiles": {
            "BACKEND": (
                "whitenoise.storage.CompressedManifestStaticFilesStorage"
                if not debug
                else "django.contrib.staticfiles.storage.StaticFilesStorage"
            )
        },
    }


def logging_config(level: str) -> dict:
    """``LOGGING``: plain lines on stderr at ``level``; SQL statements never logged."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }
