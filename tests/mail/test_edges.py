"""The ways mail comes in: webhook and ``manage.py ingest_email`` (the IMAP poller:
test_imap.py); and the download-only attachment view."""

import io
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from helpdesk.mail.models import InboundEmail, InboundStatus
from helpdesk.mail.views import webhook_signature
from helpdesk.models import Attachment
from tests.mail.factories import CustomerFactory

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


def test_ingest_email_records_a_poisonous_message_and_exits_0():
    out = io.StringIO()
    call_command("ingest_email", str(CORPUS / "raw_utf8_headers.eml"), stdout=out)
    assert out.getvalue().startswith("created new HD-")
    out = io.StringIO()
    call_command("ingest_email", str(CORPUS / "from_two_addresses.eml"), stdout=out)
    assert out.getvalue().startswith("quarantined ambiguous_sender -")


@pytest.fixture
def broken_storage(settings, tmp_path):
    """File storage that cannot write (its folder is under a regular file), like a full disk."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocker / "media")}}}


def test_ingest_email_exits_75_when_the_message_cannot_be_stored_now(broken_storage):
    with pytest.raises(SystemExit) as exit_:
        call_command("ingest_email", str(CORPUS / "no_sender.eml"), stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert exit_.value.code == 75
    assert not InboundEmail.objects.exists()  # nothing half-recorded: the retry starts clean


def test_ingest_email_exits_75_when_the_database_cannot_be_reached(tmp_path):
    import subprocess

    from tests.services import REPO

    result = subprocess.run(
        [sys.executable, "manage.py", "ingest_email", str(CORPUS / "html_only.eml")],
        cwd=REPO, capture_output=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "HELPDESK_READ_DOT_ENV": "false",
             "HELPDESK_VAR_DIR": str(tmp_path),
             "DATABASE_URL": f"sqlite:///{tmp_path}/missing/folder/db.sqlite3"})
    assert result.returncode == 75, result.stderr[-2000:]


def test_ingest_email_exits_65_for_an_empty_message(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\r\n  \r\n")))
    with pytest.raises(SystemExit) as exit_:
        call_command("ingest_email", stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_.value.code == 65


def test_the_webhook_answers_503_when_the_message_cannot_be_stored_now(client, settings,
                                                                      broken_storage):
    settings.EMAIL_WEBHOOK_SECRET = SECRET
    response = post(client, (CORPUS / "no_sender.eml").read_bytes())
    assert response.status_code == 503 and response["Retry-After"]
    assert not InboundEmail.objects.exists()


def test_the_webhook_records_hostile_mail(client, settings):
    settings.EMAIL_WEBHOOK_SECRET = SECRET
    from tests.mail import hostile

    response = post(client, hostile.nested_multipart(1000))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("quarantined",
                                                                      "too_complex")


def test_attachments_download_only_for_whoever_may_see_them(client):
    from helpdesk.mail.inbound import email_ingest

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
