"""System checks that refuse an unsafe production start (DEBUG off)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def _secret_key_missing() -> bool:
    # Django raises on reading an empty SECRET_KEY; the check turns that into a clear message.
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:
        return True


@register(Tags.security, deploy=False)
def production_settings(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if _secret_key_missing():
        errors.append(Error(
            "SECRET_KEY is not set.",
            hint="With DEBUG off, set the SECRET_KEY environment variable to a long random "
                 "string (python -c 'import secrets; print(secrets.token_urlsafe(50))').",
            id="helpdesk.E001",
        ))
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(Error(
            "ALLOWED_HOSTS contains '*'.",
            hint="With DEBUG off, list the host names the help desk is served under.",
            id="helpdesk.E002",
        ))
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    if backend.endswith("InMemoryChannelLayer"):
        errors.append(Error(
            "The in-memory channel layer is configured.",
            hint="With DEBUG off, set REDIS_URL so websocket events reach every server "
                 "process through channels-redis.",
            id="helpdesk.E003",
        ))
    if settings.SITE_URL.startswith("http://") and not settings.SITE_URL.startswith(
        ("http://127.0.0.1", "http://localhost")
    ):
        errors.append(Error(
            "SITE_URL is not https.",
            hint="Links in emails are built from SITE_URL; use the public https address.",
            id="helpdesk.E004",
        ))
    if not 0 < settings.CHAT_HEARTBEAT_SECONDS < 60:
        errors.append(Error(
            "CHAT_HEARTBEAT_SECONDS is not between 0 and 60.",
            hint="Chat sockets re-check their session this often; a logout, password change "
                 "or lost role must close them within 60 s (docs/protocol.md). Default: 40.",
            id="helpdesk.E005",
        ))
    if not settings.SUPERUSER_REQUIRE_2FA:
        errors.append(Error(
            "Superusers can sign in without a second factor.",
            hint="With DEBUG off, leave SUPERUSER_REQUIRE_2FA on: a superuser confirms each "
                 "sign-in with a code from an authenticator app (accounts.two_factor).",
            id="helpdesk.E006",
        ))
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql") and database.get("CONN_MAX_AGE", 0) != 0:
        errors.append(Error(
            "Persistent database connections (CONN_MAX_AGE) are on.",
            hint="Under ASGI every request has a thread of its own, so a kept connection is "
                 "never reused and stays open until garbage collection: 150-200 page loads used "
                 "up PostgreSQL (issue 12). Unset DATABASE_CONN_MAX_AGE; the connection pool "
                 "(DATABASE_POOL_MAX_SIZE) keeps connections instead.",
            id="helpdesk.E007",
        ))
    return errors


def startup_refusals() -> list[str]:
    """The production refusals as one line each, for the ASGI server's start-up to stop on.

    ``manage.py check`` reports them too; this makes a server started directly (uvicorn, the
    Procfile's ``web``) refuse to serve with an unsafe configuration as well.
    """
    return [f"({error.id}) {error.msg} {error.hint}" for error in production_settings(None)]
