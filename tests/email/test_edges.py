"""The ways mail comes in: webhook, ``manage.py ingest_email``, the IMAP poller; and the
download-only attachment view."""

import io
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from helpdesk.email.imap import imap_poll
from helpdesk.email.views import webhook_signature
from helpdesk.models import Attachment, ImapState, InboundEmail, InboundStatus
from tests.factories import CustomerFactory

CORPUS = Path(__file__).parent / "corpus"
pytestmark = pytest.mark.django_db
SECRET = "webhook-secret-for-tests"


def post(client, body: bytes, secret=SECRET, timestamp=None):
    ts = str(int(timestamp if timestamp is not None else time.time()))
    return client.post(reverse("email:inbound_webhook"), data=body,
                       content_type="message/rfc822",
                       headers={"X-Helpdesk-Timestamp": ts,
                                "X-Helpdesk-Signature": webhook_signature(secret, ts, body)})


def test_the_webhook_ingests_a_correctly_signed_message(client, settings):
    settings.EMAIL_WEBHOOK_SECRET = SECRET
    raw = (CORPUS / "plain_utf8_new.eml").read_bytes()
    response = post(client, raw)
    assert response.status_code == 200 and response.json()["status"] == "created"
    again = post(client, raw)
    assert again.json()["duplicate"] is True and InboundEmail.objects.count() == 1


@pytest.mark.parametrize("how", ["wrong secret", "stale", "tampered"])
def test_the_webhook_refuses_bad_signatures(client, settings, how):
    settings.EMAIL_WEBHOOK_SECRET = SECRET
    raw = (CORPUS / "plain_utf8_new.eml").read_bytes()
    if how == "wrong secret":
        response = post(client, raw, secret="guess")
    elif how == "stale":
        response = post(client, raw, timestamp=time.time() - 3600)
    else:
        ts = str(int(time.time()))
        response = client.post(reverse("email:inbound_webhook"), data=raw + b"x",
                               content_type="message/rfc822",
                               headers={"X-Helpdesk-Timestamp": ts,
                                        "X-Helpdesk-Signature": webhook_signature(SECRET, ts,
                                                                                  raw)})
    assert response.status_code == 403 and InboundEmail.objects.count() == 0


def test_the_webhook_is_off_without_a_secret(client, settings):
    settings.EMAIL_WEBHOOK_SECRET = ""
    assert post(client, b"x").status_code == 404


def test_ingest_email_reads_a_file_and_standard_input(monkeypatch, tmp_path):
    out = io.StringIO()
    call_command("ingest_email", str(CORPUS / "html_only.eml"), stdout=out)
    assert out.getvalue().startswith("created new HD-")
    raw = (CORPUS / "html_only.eml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    assert out.getvalue().startswith("duplicate ")


class FakeImap:
    """Stands in for the remote IMAP server (it leaves the machine)."""

    def __init__(self, messages: dict[int, bytes], uidvalidity=7):
        self.messages = messages
        self.uidvalidity = uidvalidity
        self.fetched_criteria = []
        outer = self

        class Folder:
            def status(self, folder, items):
                return {"UIDVALIDITY": outer.uidvalidity}

        self.folder = Folder()

    def login(self, user, password, initial_folder="INBOX"):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def fetch(self, criteria, mark_seen=True, bulk=False, limit=None):
        from email import message_from_bytes
        from types import SimpleNamespace

        text = str(criteria)
        self.fetched_criteria.append(text)
        start = int(text.split("UID ")[1].split(":")[0])
        uids = [u for u in sorted(self.messages) if u >= start] or [max(self.messages)]
        for uid in uids:
            yield SimpleNamespace(uid=str(uid), obj=message_from_bytes(self.messages[uid]))


def test_the_imap_poller_remembers_the_last_uid(settings):
    settings.IMAP_URL = "imaps://desk:pw@imap.example.com/INBOX"
    server = FakeImap({10: (CORPUS / "plain_utf8_new.eml").read_bytes(),
                       11: (CORPUS / "html_only.eml").read_bytes()})

    def factory(url):
        return server, "desk", "pw", "INBOX"

    assert imap_poll(mailbox_factory=factory) == 2
    assert ImapState.objects.get().last_uid == 11
    assert imap_poll(mailbox_factory=factory) == 0  # "12:*" returns 11 again: skipped
    assert "UID 12:*" in server.fetched_criteria[-1]
    server.messages[12] = (CORPUS / "gb2312_quoted_reply.eml").read_bytes()
    assert imap_poll(mailbox_factory=factory) == 1
    assert InboundEmail.objects.filter(source="imap").count() == 3


def test_a_new_uidvalidity_starts_over_without_duplicates(settings):
    settings.IMAP_URL = "imaps://desk:pw@imap.example.com/INBOX"
    server = FakeImap({10: (CORPUS / "plain_utf8_new.eml").read_bytes()})
    imap_poll(mailbox_factory=lambda url: (server, "desk", "pw", "INBOX"))
    server.uidvalidity, server.messages = 8, {1: server.messages[10]}
    assert imap_poll(mailbox_factory=lambda url: (server, "desk", "pw", "INBOX")) == 1
    assert ImapState.objects.get().last_uid == 1
    assert InboundEmail.objects.count() == 1  # the same message, recognised


def test_attachments_download_only_for_whoever_may_see_them(client):
    from helpdesk.email.inbound import email_ingest

    owner = CustomerFactory(email="anna@example.com")
    result = email_ingest((CORPUS / "attachments.eml").read_bytes(), source="test")
    assert result.status == InboundStatus.CREATED
    att = Attachment.objects.get(original_name="receipt.pdf")
    url = reverse("email:attachment_download", args=[att.pk])
    client.force_login(CustomerFactory())
    assert client.get(url).status_code == 404
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 fake receipt"
