"""A real SMTP server (aiosmtpd) on a free local port, in a thread of the test process.

``mode`` decides what the next messages get: "ok" (250), "temporary" (451), "permanent"
(550), or "hang" (DATA never answers until ``release()``). Accepted messages are parsed into
``messages``.
"""

import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from tests.services import free_port


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, smtp_server, session, envelope):
        import asyncio

        mode = self.server.next_mode()
        if mode == "temporary":
            return "451 4.3.0 Try again later"
        if mode == "permanent":
            return "550 5.1.1 No such user"
        if mode == "hang":
            self.server.hung.set()
            while not self.server.released.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.0 Going away"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.server.lock:
            self.server.messages.append(msg)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.envelopes = []
        self.modes: list[str] = []  # consumed one per message; then default_mode
        self.default_mode = "ok"
        self.lock = threading.Lock()
        self.hung = threading.Event()
        self.released = threading.Event()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def next_mode(self) -> str:
        with self.lock:
            return self.modes.pop(0) if self.modes else self.default_mode

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.controller.stop()

    def release(self) -> None:
        self.released.set()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]

    def django_settings(self, settings, timeout: int = 5) -> None:
        settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = timeout

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
