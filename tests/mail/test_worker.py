"""The outbox with a real Celery worker on Redis and a real SMTP server (aiosmtpd).

The worker is a separate process on this area's Redis database (1) and the test database; the
SMTP server runs in a thread here. Transactional tests: the worker only sees committed rows.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk.celery import app
from helpdesk.mail.models import OutboundEmail, OutboundKind, OutboundStatus
from helpdesk.mail.outbox import outbox_enqueue
from helpdesk.mail.send_tasks import email_outbox_sweep
from helpdesk.mail.tokens import reply_token_parse
from helpdesk.models import Channel
from helpdesk.services.conversations import chat_message_send, conversation_open
from tests.conftest import database_url_for_subprocess
from tests.mail.factories import AgentFactory, CustomerFactory
from tests.services import REPO, redis_url, require

REDIS_DB = 1  # the email area's own Redis database
pytestmark = [pytest.mark.real_worker, pytest.mark.services,
              pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


class Worker:
    def __init__(self, broker: str, smtp_port: int, log_path, name: str):
        self.env = {
            **os.environ, "REDIS_URL": broker, "DATABASE_URL": database_url_for_subprocess(),
            "HELPDESK_READ_DOT_ENV": "false", "HELPDESK_VAR_DIR": str(log_path.parent),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "EMAIL_TIMEOUT": "3",
            "EMAIL_RETRY_BASE_SECONDS": "1", "EMAIL_SEND_LEASE_SECONDS": "2",
            "HELPDESK_REPLY_DOMAIN": "reply.help.test", "LOG_LEVEL": "INFO",
        }
        self.log_path = log_path
        self.name = name
        self.process = None

    def start(self) -> "Worker":
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "solo",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--hostname", f"{self.name}-{os.getpid()}@%h"],
            cwd=REPO, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        assert wait_until(lambda: b" ready." in self.log_path.read_bytes()
                          or self.process.poll() is not None, 90), self.log()
        assert self.process.poll() is None, self.log()
        return self

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-8000:]


def _reset_pools():
    """Forget cached connections and producers (what Celery itself does after a fork)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker():
    url = redis_url(db=REDIS_DB)
    require(bool(url), "Redis is needed for a real Celery broker")
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    _reset_pools()  # producers connect to this broker, not an earlier one
    yield client
    app.conf.task_always_eager, app.conf.broker_url = previous
    _reset_pools()
    client.flushdb()


@pytest.fixture
def workers(broker, smtp_server, tmp_path, settings):
    settings.HELPDESK_REPLY_DOMAIN = "reply.help.test"
    started = []

    def start(name="w1"):
        worker = Worker(broker.connection_pool.connection_kwargs and redis_url(db=REDIS_DB),
                        smtp_server.port, tmp_path / f"worker-{name}.log", name).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def enqueue(**extra) -> OutboundEmail:
    return outbox_enqueue(kind=OutboundKind.NOTIFICATION, to=[("anna@example.com", "Anna")],
                          subject="Hello", body_text="Plain", **extra)


def row_status(pk):
    return OutboundEmail.objects.get(pk=pk).status


def test_a_reply_is_threaded_and_delivered_once(workers, smtp_server):
    worker = workers()
    customer = CustomerFactory(email="anna@example.com")
    agent = AgentFactory()
    conv = conversation_open(customer=customer, channel=Channel.EMAIL, topic="orders",
                             description="Where is my parcel?", subject="Parcel late")
    chat_message_send(conversation=conv, user=agent, as_agent=True, body="Tomorrow.",
                      client_id="c1")
    row = OutboundEmail.objects.get(kind=OutboundKind.REPLY)
    assert wait_until(lambda: row_status(row.pk) == OutboundStatus.SENT), worker.log()
    time.sleep(1.5)  # a second delivery would have arrived by now
    assert smtp_server.message_ids() == [row.message_id]
    msg = smtp_server.messages[0]
    assert conv.reference in str(msg["Subject"])
    assert str(msg["In-Reply-To"]) in str(msg["References"])
    assert reply_token_parse(msg["Reply-To"].addresses[0].addr_spec).conversation_id == conv.pk


def test_a_temporary_failure_is_retried_and_a_permanent_one_recorded(workers, smtp_server):
    worker = workers()
    smtp_server.modes = ["temporary"]
    retried = enqueue()
    assert wait_until(lambda: row_status(retried.pk) == OutboundStatus.SENT), worker.log()
    row = OutboundEmail.objects.get(pk=retried.pk)
    assert row.attempts == 2 and smtp_server.message_ids() == [row.message_id]

    smtp_server.modes = ["permanent"]
    refused = enqueue()
    assert wait_until(lambda: row_status(refused.pk) == OutboundStatus.FAILED), worker.log()
    assert "550" in OutboundEmail.objects.get(pk=refused.pk).last_error
    assert smtp_server.message_ids() == [row.message_id]


def test_a_rolled_back_transaction_sends_nothing(workers, smtp_server):
    workers()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("rolled back")
    sent_after = enqueue()  # proves the worker is alive and would have sent the first
    assert wait_until(lambda: row_status(sent_after.pk) == OutboundStatus.SENT)
    assert OutboundEmail.objects.count() == 1
    assert smtp_server.message_ids() == [sent_after.message_id]


def test_a_flushed_broker_is_recovered_by_the_sweeper(broker, workers, smtp_server, settings):
    row = enqueue()  # its task is in Redis; no worker yet
    broker.flushdb()  # Redis lost the queue
    worker = workers()
    time.sleep(1)
    assert row_status(row.pk) == OutboundStatus.PENDING and smtp_server.messages == []
    settings.EMAIL_SWEEP_GRACE_SECONDS = 0
    assert email_outbox_sweep() == 1
    assert wait_until(lambda: row_status(row.pk) == OutboundStatus.SENT), worker.log()
    assert smtp_server.message_ids() == [row.message_id]


def test_a_worker_killed_mid_send_still_gets_the_email_delivered(workers, smtp_server,
                                                                  settings):
    smtp_server.modes = ["hang"]
    first = workers("doomed")
    row = enqueue()
    assert smtp_server.hung.wait(30), first.log()
    first.kill()  # in the middle of the SMTP conversation: the row stays "sending"
    smtp_server.release()
    assert row_status(row.pk) == OutboundStatus.SENDING
    second = workers("survivor")
    settings.EMAIL_SEND_LEASE_SECONDS = 2
    assert wait_until(lambda: OutboundEmail.objects.get(pk=row.pk).claimed_at
                      < timezone.now() - timedelta(seconds=2.5), 10)
    assert email_outbox_sweep() == 1
    assert wait_until(lambda: row_status(row.pk) == OutboundStatus.SENT), second.log()
    time.sleep(1)
    sent = OutboundEmail.objects.get(pk=row.pk)
    assert smtp_server.message_ids() == [sent.message_id] and sent.attempts == 2


# --- Other apps' emails through the outbox (EMAIL_BACKEND = OutboxBackend in the worker) -------


def test_a_password_reset_goes_through_the_outbox_to_the_smtp_server(workers, smtp_server):
    from accounts.services import password_reset_request

    worker = workers()
    customer = CustomerFactory(email="olga@example.com")
    assert password_reset_request(email="OLGA@example.com") == 1
    assert wait_until(lambda: OutboundEmail.objects.filter(
        kind=OutboundKind.PASSWORD_RESET, status=OutboundStatus.SENT).exists()), worker.log()
    row = OutboundEmail.objects.get()
    time.sleep(1)
    assert smtp_server.message_ids() == [row.message_id]
    assert smtp_server.envelopes[0][1] == [customer.email]
    assert "/accounts/password/reset/" in smtp_server.messages[0].get_body(
        ("plain",)).get_content()
    assert "X-Helpdesk-Kind" not in smtp_server.messages[0]


def test_a_return_status_change_goes_through_the_outbox_to_the_smtp_server(workers,
                                                                           smtp_server):
    from orders import services as orders
    from orders.models import ReturnReason
    from tests.orders.conftest import make_delivered_order

    worker = workers()
    customer = CustomerFactory(email="ivan@example.com")
    order = make_delivered_order(customer)
    request = orders.return_request_create(
        customer=customer, order=order, quantities={order.items.order_by("id")[0].pk: 1},
        reason=ReturnReason.DAMAGED)
    orders.return_approve(return_request=request, actor=AgentFactory(), note="Pack it well")
    assert wait_until(lambda: OutboundEmail.objects.filter(
        status=OutboundStatus.SENT).count() == 2), worker.log()
    rows = list(OutboundEmail.objects.order_by("created_at"))
    assert all(request.reference in r.subject for r in rows)
    time.sleep(1)
    assert sorted(smtp_server.message_ids()) == sorted(r.message_id for r in rows)
    assert any("Pack it well" in m.get_body(("plain",)).get_content()
               for m in smtp_server.messages)
