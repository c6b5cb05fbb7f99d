"""Settings for the help desk, driven by environment variables.

With no variables at all the help desk runs embedded: SQLite, the in-memory channel layer,
Celery tasks run eagerly in process, email written to ``var/outbox``, a local-memory cache and
DEBUG on. ``DATABASE_URL`` switches to PostgreSQL; ``REDIS_URL`` to channels-redis, the Celery
broker and the cache; ``EMAIL_URL`` (or the ``EMAIL_HOST`` family) to real SMTP. Every
variable is listed in ``.env.example`` and in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from helpdesk import settings_env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("HELPDESK_VAR_DIR", default=str(BASE_DIR / "var")))
# Local state of every mode: the embedded database, the outbox, beat's schedule file.
try:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only deployment keeps its state elsewhere (HELPDESK_VAR_DIR)
    pass

env = environ.Env()
if env.bool("HELPDESK_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
# In DEBUG a fixed development key is fine; with DEBUG off the system check
# helpdesk.E001 refuses to start without a real one.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-embedded-development-key-change-me-0123456789"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
# Base of every absolute link in an email; never taken from the request's Host header.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "axes",
    # Two-factor sign-in for staff (accounts.two_factor): TOTP devices and static backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "orders",
    "faq",
    # The conversation core, then the channels and features on top of it (docs/architecture.md).
    "helpdesk",
    "helpdesk.chat",
    "helpdesk.mail",
    "helpdesk.surveys",
    "helpdesk.reports",
    "helpdesk.console",
    "helpdesk.helpcenter",
    # Development data: seed_demo and show_demo_logins (make run, the tests).
    "helpdesk.demo",
    # The audit log (helpdesk.audit): django-auditlog's entries, after every app whose models
    # and admins it tracks.
    "auditlog",
    "helpdesk.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "helpdesk.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    # Attributes audited changes to the signed-in staff member and REMOTE_ADDR (accounts.audit).
    "accounts.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A view's NotFound (missing or not yours) answers the 404 page (common.errors).
    "helpdesk.middleware.NotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
ASGI_APPLICATION = "helpdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database, Redis (channel layer, Celery broker, cache) ---------------------------------
# Embedded default: SQLite in var/; DATABASE_URL=postgres://... switches to PostgreSQL with a
# connection pool per process (helpdesk.settings_env.database; decisions 0027-0029).
DATABASES = {"default": settings_env.database(env, VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
REDIS_URL = env.str("REDIS_URL", default="")
CHANNEL_LAYERS = settings_env.channel_layers(REDIS_URL)  # decisions 0001, 0002
CACHES = settings_env.caches(REDIS_URL)

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
HELPDESK_INPROCESS_BEAT = env.bool("HELPDESK_INPROCESS_BEAT", default=CELERY_TASK_ALWAYS_EAGER)

# --- Email ---------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
_email = settings_env.email(env, VAR_DIR)
vars().update(_email)
# Every email of every app is first a row of the outbox (helpdesk.mail.backend), sent after
# commit by a Celery task with retries and a sweeper, through the delivery backend above.
EMAIL_DELIVERY_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_BACKEND = "helpdesk.mail.backend.OutboxBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Help Desk <support@example.com>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Password-reset and address-confirmation links (accounts.tokens) stop working after this long:
# a link that proves a mailbox should not outlive the visit that asked for it.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Two-factor sign-in (accounts.two_factor): superusers must confirm a TOTP code after their
# password in production (helpdesk.E006 refuses DEBUG off without it); agents and managers too
# with STAFF_REQUIRE_2FA. Code attempts are throttled per account and per IP in the window.
SUPERUSER_REQUIRE_2FA = env.bool("SUPERUSER_REQUIRE_2FA", default=not DEBUG)
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=False)
TWO_FACTOR_ATTEMPTS_PER_ACCOUNT = env.int("TWO_FACTOR_ATTEMPTS_PER_ACCOUNT", default=5)
TWO_FACTOR_ATTEMPTS_PER_IP = env.int("TWO_FACTOR_ATTEMPTS_PER_IP", default=20)
TWO_FACTOR_ATTEMPTS_WINDOW_SECONDS = env.int("TWO_FACTOR_ATTEMPTS_WINDOW_SECONDS", default=900)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env.str("TWO_FACTOR_ISSUER", default="Help Desk")
# Never show a device's key or QR code in the admin (django-otp's device admins are not
# registered at all: accounts.apps; a superuser resets a device through the service).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Failed logins: a pause per (email, address) by django-axes, and per email or per address
# alone by accounts.lockout (docs/configuration.md, docs/security.md).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Count failures per email whatever its letter case (else each spelling gets its own allowance).
AXES_USERNAME_CALLABLE = "accounts.forms.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
# The client address every throttle counts under: REMOTE_ADDR (uvicorn's --proxy-headers puts
# the proxy's X-Forwarded-For there), an IPv6 address as its /64 network.
AXES_CLIENT_IP_CALLABLE = "accounts.limits.client_ip"

# Throttles (accounts.limits), each counted per account (or address) and per client address
# over a fixed window, in the shared cache; over the limit the page answers 429 and says why.
# 0 turns that count off.
SIGNUP_PER_ADDRESS = env.int("SIGNUP_PER_ADDRESS", default=3)
SIGNUP_PER_IP = env.int("SIGNUP_PER_IP", default=10)
SIGNUP_WINDOW_SECONDS = env.int("SIGNUP_WINDOW_SECONDS", default=3600)
PASSWORD_RESET_MAILS_PER_ACCOUNT = env.int("PASSWORD_RESET_MAILS_PER_ACCOUNT", default=3)
PASSWORD_RESET_MAILS_PER_IP = env.int("PASSWORD_RESET_MAILS_PER_IP", default=10)
PASSWORD_RESET_MAILS_WINDOW_SECONDS = env.int("PASSWORD_RESET_MAILS_WINDOW_SECONDS", default=3600)
VERIFY_MAILS_PER_ACCOUNT = env.int("VERIFY_MAILS_PER_ACCOUNT", default=3)
VERIFY_MAILS_PER_IP = env.int("VERIFY_MAILS_PER_IP", default=10)
VERIFY_MAILS_WINDOW_SECONDS = env.int("VERIFY_MAILS_WINDOW_SECONDS", default=3600)
WEB_REQUESTS_PER_ACCOUNT = env.int("WEB_REQUESTS_PER_ACCOUNT", default=10)
WEB_REQUESTS_PER_IP = env.int("WEB_REQUESTS_PER_IP", default=30)
WEB_REQUESTS_WINDOW_SECONDS = env.int("WEB_REQUESTS_WINDOW_SECONDS", default=3600)
WEB_REPLIES_PER_ACCOUNT = env.int("WEB_REPLIES_PER_ACCOUNT", default=20)
WEB_REPLIES_PER_IP = env.int("WEB_REPLIES_PER_IP", default=60)
WEB_REPLIES_WINDOW_SECONDS = env.int("WEB_REPLIES_WINDOW_SECONDS", default=600)

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = settings_env.storages(MEDIA_ROOT, DEBUG)
# Uploads are never served from a public URL: attachments go through views that check owners.
MEDIA_URL = "/media-not-public/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Database sessions whose chat sockets follow a new key (helpdesk/sessions.py).
SESSION_ENGINE = "helpdesk.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Help desk ----------------------------------------------------------------------------
# Tests that need PostgreSQL, Redis or Chromium skip without them unless this is set (CI).
HELPDESK_REQUIRE_SERVICES = env.bool("HELPDESK_REQUIRE_SERVICES", default=False)

# Returns: the window after delivery, the fee when the customer simply changed their mind
# (returns of damaged, defective or wrong items are free), where parcels go, how long it takes.
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)
RETURN_CHANGED_MIND_FEE = env.str("RETURN_CHANGED_MIND_FEE", default="199.00")
RETURN_ADDRESS = env.str(
    "RETURN_ADDRESS", default="Returns centre, 12 Warehouse Street, Podolsk, 142100, Russia"
)
RETURN_PROCESSING_DAYS = env.int("RETURN_PROCESSING_DAYS", default=7)
RETURN_PHOTO_MAX_COUNT = 5
RETURN_PHOTO_MAX_BYTES = env.int("RETURN_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
RETURN_PHOTO_MAX_PIXELS = env.int("RETURN_PHOTO_MAX_PIXELS", default=4096 * 4096)
# Every photo (returns, chat, email) is checked by orders.photos: at most this many decoded at
# once per process (a waiting upload gets "busy" after PHOTO_DECODE_WAIT_SECONDS), and each
# account and client address may upload so many per window (0 turns that count off).
PHOTO_DECODE_CONCURRENCY = env.int("PHOTO_DECODE_CONCURRENCY", default=2)
PHOTO_DECODE_WAIT_SECONDS = env.float("PHOTO_DECODE_WAIT_SECONDS", default=10.0)
PHOTO_UPLOADS_PER_ACCOUNT = env.int("PHOTO_UPLOADS_PER_ACCOUNT", default=30)
PHOTO_UPLOADS_PER_IP = env.int("PHOTO_UPLOADS_PER_IP", default=120)
PHOTO_UPLOADS_WINDOW_SECONDS = env.int("PHOTO_UPLOADS_WINDOW_SECONDS", default=600)

# Contact us: business hours and holidays are set in the admin, in this time zone.
SUPPORT_TIME_ZONE = env.str("SUPPORT_TIME_ZONE", default="Europe/Moscow")
SUPPORT_PHONE = env.str("SUPPORT_PHONE", default="+7 800 555-35-35")
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@example.com")
SUPPORT_EMAIL_RESPONSE_DAYS = (1, 2)
# The live SLA (helpdesk.sla): first-response and next-response times in business minutes per
# channel where no SLA target (reports) is set for the tier and channel; the assignee is warned
# SLA_WARNING_MINUTES before the answer is due. Open chats with nothing owed close after
# CHAT_IDLE_CLOSE_MINUTES without a message, conversations waiting for the customer after
# PENDING_CLOSE_DAYS (0 turns either off), with a message to the customer.
SLA_FIRST_RESPONSE_MINUTES = {"chat": 5, "email": 480, "web": 480, "phone": 240}
SLA_NEXT_RESPONSE_MINUTES = {"chat": 5, "email": 480, "web": 480, "phone": 480}
SLA_WARNING_MINUTES = env.int("SLA_WARNING_MINUTES", default=15)
CHAT_IDLE_CLOSE_MINUTES = env.int("CHAT_IDLE_CLOSE_MINUTES", default=30)
PENDING_CLOSE_DAYS = env.int("PENDING_CLOSE_DAYS", default=7)
# A conversation opened within this many minutes of reading a help article names that article
# (helpdesk.attribution; the reports count them).
ARTICLE_ATTRIBUTION_MINUTES = env.int("ARTICLE_ATTRIBUTION_MINUTES", default=30)

# --- Live chat (docs/protocol.md) ----------------------------------------------------------
# Sockets send a heartbeat with the latest sequence numbers, and re-check their session, the
# user and the agent role, every CHAT_HEARTBEAT_SECONDS (so a logout, password change,
# deactivation or lost role closes them within that time even if the broadcast is lost; keep it
# under 60). 40 s: 25 s cost a third more idle CPU per 10,000 sockets (docs/decisions 0023).
CHAT_HEARTBEAT_SECONDS = env.float("CHAT_HEARTBEAT_SECONDS", default=40.0)
CHAT_MAX_FRAME_BYTES = env.int("CHAT_MAX_FRAME_BYTES", default=16 * 1024)
CHAT_MAX_CONNECTIONS_PER_USER = env.int("CHAT_MAX_CONNECTIONS_PER_USER", default=8)
# Messages (and notes) per user per window, over all of their sockets.
CHAT_RATE_LIMIT = env.int("CHAT_RATE_LIMIT", default=20)
CHAT_RATE_WINDOW_SECONDS = env.int("CHAT_RATE_WINDOW_SECONDS", default=10)
# An agent is present (and may be given work, and counts for the contact page and the queue
# estimate) when their status is online and their console was seen within this time; past it
# they count as away everywhere (helpdesk.services.routing). 120 s: three missed heartbeats.
# (It replaces CHAT_PRESENCE_TIMEOUT_SECONDS.) Their chats return to the queue after
# CHAT_DISCONNECT_GRACE_SECONDS without a console.
AGENT_AWAY_GRACE_SECONDS = env.int("AGENT_AWAY_GRACE_SECONDS", default=120)
CHAT_DISCONNECT_GRACE_SECONDS = env.int("CHAT_DISCONNECT_GRACE_SECONDS", default=180)
CHAT_DEFAULT_HANDLING_SECONDS = env.int("CHAT_DEFAULT_HANDLING_SECONDS", default=360)
CHAT_ATTACHMENT_MAX_BYTES = env.int("CHAT_ATTACHMENT_MAX_BYTES", default=8 * 1024 * 1024)
# Threads (each with its own database connection) that run the chat sockets' database work
# in one server process (docs/decisions 0010).
CHAT_DB_THREADS = env.int("CHAT_DB_THREADS", default=8)
# On PostgreSQL a text message from a joined socket is posted by the event loop in one
# statement (helpdesk.chat.consumers.chat_fast); off: every message takes the general path.
CHAT_FAST_PATH = env.bool("CHAT_FAST_PATH", default=True)
# Its connections per server process, at most. More is not faster: PostgreSQL spends more CPU
# per commit with more of them busy (2 processes x 16 saturated this 2-core machine where
# 2 x 8 did not; docs/decisions 0024).
CHAT_FAST_POOL_SIZE = env.int("CHAT_FAST_POOL_SIZE", default=8)
# The garbage collector's thresholds in server processes, set at start-up after freezing what
# start-up created (helpdesk.gc_tuning); empty: Python's defaults (700, 10, 10).
GC_THRESHOLDS = [int(n) for n in env.list("GC_THRESHOLDS", default=["50000", "20", "100"]) if n]
# The audit log (helpdesk.audit): entries older than this many days are deleted every night;
# 0 keeps them all.
AUDIT_LOG_RETENTION_DAYS = env.int("AUDIT_LOG_RETENTION_DAYS", default=365)
LOGGING = settings_env.logging_config(env.str("LOG_LEVEL", default="INFO"))

# --- Email channel and surveys (docs/email.md) ---------------------------------------------
# Replies to help desk emails go to reply+<signed token>@HELPDESK_REPLY_DOMAIN; route that
# domain (or a catch-all) to the IMAP mailbox or the webhook.
HELPDESK_REPLY_DOMAIN = env.str("HELPDESK_REPLY_DOMAIN", default="reply.example.com")
HELPDESK_EMAIL_FROM_NAME = env.str("HELPDESK_EMAIL_FROM_NAME", default="Help Desk")
# A claimed email whose worker has not reported back within the lease is sent again (same
# Message-ID); rows still pending after the grace period are re-queued by the sweeper.
EMAIL_SEND_LEASE_SECONDS = env.int("EMAIL_SEND_LEASE_SECONDS", default=3 * EMAIL_TIMEOUT + 30)
EMAIL_SWEEP_GRACE_SECONDS = env.int("EMAIL_SWEEP_GRACE_SECONDS", default=120)
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=30)
EMAIL_RETRY_MAX_SECONDS = env.int("EMAIL_RETRY_MAX_SECONDS", default=3600)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=8)
# Bulk mail (surveys) is claimed and sent this many rows per task over one SMTP connection.
EMAIL_SEND_BATCH = env.int("EMAIL_SEND_BATCH", default=100)
# Inbound: per-sender limit, sizes, and what to do with mail from addresses without an account
# ("create": a customer account without a usable password; "quarantine").
EMAIL_INBOUND_RATE_LIMIT = env.int("EMAIL_INBOUND_RATE_LIMIT", default=20)
EMAIL_INBOUND_RATE_WINDOW_SECONDS = env.int("EMAIL_INBOUND_RATE_WINDOW_SECONDS", default=3600)
EMAIL_INBOUND_MAX_BYTES = env.int("EMAIL_INBOUND_MAX_BYTES", default=25 * 1024 * 1024)
EMAIL_ATTACHMENT_MAX_BYTES = env.int("EMAIL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
EMAIL_MAX_ATTACHMENTS = 10
EMAIL_UNKNOWN_SENDERS = env.str("EMAIL_UNKNOWN_SENDERS", default="create")
# Hostile mail: deeper MIME nesting, more parts or a larger header block than these is
# quarantined unread ("too_complex"); a message the IMAP poller could not store is tried at
# this many polls, then given up (logged).
EMAIL_INBOUND_MAX_DEPTH = env.int("EMAIL_INBOUND_MAX_DEPTH", default=30)
EMAIL_INBOUND_MAX_PARTS = env.int("EMAIL_INBOUND_MAX_PARTS", default=500)
EMAIL_INBOUND_MAX_HEADER_BYTES = env.int("EMAIL_INBOUND_MAX_HEADER_BYTES", default=256 * 1024)
EMAIL_INBOUND_MAX_ATTEMPTS = env.int("EMAIL_INBOUND_MAX_ATTEMPTS", default=5)
# The authserv-id of our receiving mail server (RFC 8601): its Authentication-Results header
# decides DMARC; mail failing it is quarantined ("dmarc_fail"). Empty: no header is trusted.
EMAIL_AUTHSERV_ID = env.str("EMAIL_AUTHSERV_ID", default="")
# Mail from an address whose account has not proved it is held and the address gets a proof
# (password-reset) link, at most this many an hour; acknowledgements of new email requests,
# at most this many an hour to one address (the request is created either way).
EMAIL_PROOF_LINKS_PER_HOUR = env.int("EMAIL_PROOF_LINKS_PER_HOUR", default=1)
EMAIL_ACKS_PER_HOUR = env.int("EMAIL_ACKS_PER_HOUR", default=5)
# imaps://user:password@imap.example.com:993/INBOX; empty: no polling.
IMAP_URL = env.str("IMAP_URL", default="")
IMAP_POLL_SECONDS = env.int("IMAP_POLL_SECONDS", default=60)
# Shared secret of the inbound webhook (HMAC-SHA256); empty: the webhook answers 404.
EMAIL_WEBHOOK_SECRET = env.str("EMAIL_WEBHOOK_SECRET", default="")
# Surveys: sent SURVEY_DELAY_HOURS after resolution, one reminder SURVEY_REMINDER_HOURS later,
# links valid SURVEY_LINK_DAYS, at most one survey per customer per SURVEY_COOLDOWN_DAYS.
SURVEY_DELAY_HOURS = env.float("SURVEY_DELAY_HOURS", default=24.0)
SURVEY_REMINDER_HOURS = env.float("SURVEY_REMINDER_HOURS", default=72.0)
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=14)
SURVEY_COOLDOWN_DAYS = env.int("SURVEY_COOLDOWN_DAYS", default=7)
SURVEY_MAX_AGE_DAYS = 30  # conversations resolved longer ago than this are never surveyed
# Due surveys are stepped this many per transaction, one Celery task per batch.
SURVEY_BATCH_SIZE = env.int("SURVEY_BATCH_SIZE", default=200)
# Periodic jobs: `celery -A helpdesk beat`, or in process on the embedded default.
CELERY_BEAT_SCHEDULE = settings_env.beat_schedule(IMAP_URL, IMAP_POLL_SECONDS)
