"""Admin pages of the email channel: the outbox (status filter, retry), the quarantine
(review, let in, discard) and surveys (low ratings to review). Managers only."""

from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from helpdesk.mail.inbound import email_ingest
from helpdesk.mail.models import (
    InboundEmail,
    InboundStatus,
    OutboundEmail,
    OutboundKind,
    OutboundStatus,
)
from helpdesk.mail.outbox import outbox_enqueue
from helpdesk.models import Channel, Conversation, RatingSource, SatisfactionRating, Team
from helpdesk.services.conversations import conversation_open
from helpdesk.surveys.models import Survey, SurveyStatus
from tests.mail.factories import AgentFactory, CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"
OUTBOX = reverse("admin:mail_outboundemail_changelist")
INBOUND = reverse("admin:mail_inboundemail_changelist")
SURVEYS = reverse("admin:surveys_survey_changelist")


@pytest.fixture
def manager_client(client):
    client.force_login(ManagerFactory())
    return client


def action(client, url, name, pks, capture=None):
    data = {"action": name, "_selected_action": [str(pk) for pk in pks]}
    if capture is None:
        return client.post(url, data, follow=True)
    with capture(execute=True):
        return client.post(url, data, follow=True)


def failed_row(subject="Your return"):
    row = outbox_enqueue(kind=OutboundKind.RETURN_STATUS, to=[("anna@example.com", "Anna")],
                         subject=subject, body_text="Approved")
    OutboundEmail.objects.filter(pk=row.pk).update(status=OutboundStatus.FAILED, attempts=8,
                                                   last_error="550 5.1.1 No such user")
    return row


# --- Outbox --------------------------------------------------------------------------------


def test_the_outbox_filters_by_status(manager_client):
    failed_row("Failed one")
    outbox_enqueue(kind=OutboundKind.NOTIFICATION, to=["b@example.com"], subject="Still pending",
                   body_text="x")
    page = manager_client.get(OUTBOX, {"status__exact": "failed"})
    assert page.status_code == 200
    assert b"Failed one" in page.content and b"Still pending" not in page.content


def test_retrying_a_failed_email_sends_it_again_with_its_message_id(
        manager_client, django_capture_on_commit_callbacks):
    row = failed_row()
    sent = OutboundEmail.objects.create(
        kind=OutboundKind.NOTIFICATION, status=OutboundStatus.SENT, to=["c@example.com"],
        subject="Sent", body_text="x", message_id="<sent@x>", from_email="a@example.com",
        next_attempt_at=timezone.now(), created_at=timezone.now())
    response = action(manager_client, OUTBOX, "retry", [row.pk, sent.pk],
                      django_capture_on_commit_callbacks)
    assert b"1 email queued again." in response.content
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.SENT, 1)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [row.message_id]
    assert OutboundEmail.objects.get(pk=sent.pk).status == OutboundStatus.SENT


def test_nobody_edits_or_deletes_an_outbox_row(manager_client):
    row = failed_row()
    change = reverse("admin:mail_outboundemail_change", args=[row.pk])
    page = manager_client.get(change)
    assert page.status_code == 200 and b'name="subject"' not in page.content
    manager_client.post(change, {"subject": "Changed", "status": "sent"})
    row.refresh_from_db()
    assert (row.subject, row.status) == ("Your return", OutboundStatus.FAILED)
    assert manager_client.get(
        reverse("admin:mail_outboundemail_delete", args=[row.pk])).status_code == 403


# --- Quarantine ------------------------------------------------------------------------------


@pytest.fixture
def anna_conversation(reply_domain):
    anna = CustomerFactory(email="anna@example.com", full_name="Anna Petrova")
    return conversation_open(customer=anna, channel=Channel.EMAIL, topic="orders",
                             description="Where is my parcel?", subject="Parcel late")


def quarantined(name: str) -> InboundEmail:
    result = email_ingest((CORPUS / name).read_bytes(), source="test")
    assert result.status == InboundStatus.QUARANTINED
    return result.inbound


def test_only_managers_see_quarantined_mail(client, anna_conversation):
    forged = quarantined("reply_forged_token.eml")
    agent = AgentFactory()
    Team.objects.create(name="Everyone").members.add(agent)  # even in the right team
    client.force_login(agent)
    for url in (INBOUND, reverse("admin:mail_inboundemail_change", args=[forged.pk]),
                OUTBOX, SURVEYS):
        assert client.get(url).status_code == 403
    assert b"Put this into" not in client.get(reverse("admin:index")).content
    client.force_login(ManagerFactory())
    page = client.get(INBOUND, {"outcome": "quarantined"})
    assert page.status_code == 200 and b"forged_token" in page.content


def test_a_manager_reads_the_quarantined_text_escaped(manager_client, anna_conversation):
    raw = (b"From: Eve <eve@example.net>\r\nTo: reply+1-aaaaaaaaaaaaaaaaaaaaaaaa@reply.help.test\r\n"
           b"Subject: hi\r\nMessage-ID: <xss@example.net>\r\nContent-Type: text/plain\r\n\r\n"
           b"<script>alert(1)</script> hello\r\n")
    inbound = email_ingest(raw, source="test").inbound
    assert inbound.reason == "forged_token"
    page = manager_client.get(reverse("admin:mail_inboundemail_change", args=[inbound.pk]))
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; hello" in page.content
    assert b"<script>alert(1)" not in page.content


def test_letting_a_forged_reply_in_starts_a_new_conversation(manager_client,
                                                             anna_conversation):
    forged = quarantined("reply_forged_token.eml")
    response = action(manager_client, INBOUND, "release", [forged.pk])
    assert b"1 email let in." in response.content
    forged.refresh_from_db()
    assert (forged.status, forged.reason) == (InboundStatus.CREATED, "released_new")
    assert forged.conversation_id != anna_conversation.pk
    assert "someone else" in forged.conversation_message.body
    assert Conversation.objects.count() == 2


def test_staff_mail_is_never_let_in_and_discarding_deletes_the_raw_bytes(
        manager_client, anna_conversation, django_capture_on_commit_callbacks):
    AgentFactory(email="agent.ivan@example.com")
    staff = quarantined("staff_sender.eml")
    response = action(manager_client, INBOUND, "release", [staff.pk])
    assert b"1 email cannot be let in" in response.content
    staff.refresh_from_db()
    assert staff.status == InboundStatus.QUARANTINED and staff.conversation_id is None
    stored = staff.raw.path
    assert Path(stored).exists()
    response = action(manager_client, INBOUND, "discard", [staff.pk],
                      django_capture_on_commit_callbacks)
    assert b"1 email discarded." in response.content
    staff.refresh_from_db()
    assert (staff.status, staff.reason, staff.raw.name) == (InboundStatus.IGNORED,
                                                            "discarded", "")
    assert not Path(stored).exists()
    # Recorded still: the same message arriving again is a duplicate, not new mail.
    assert email_ingest((CORPUS / "staff_sender.eml").read_bytes(), source="test").duplicate


# --- Surveys -------------------------------------------------------------------------------


def rated_survey(score: int, comment: str) -> Survey:
    customer = CustomerFactory()
    conv = conversation_open(customer=customer, channel=Channel.WEB, topic="returns",
                             description="Broken kettle")
    now = timezone.now()
    SatisfactionRating.objects.create(conversation=conv, score=score, comment=comment,
                                      source=RatingSource.SURVEY, created_at=now)
    return Survey.objects.create(conversation=conv, customer=customer,
                                 status=SurveyStatus.ANSWERED, answered_at=now,
                                 needs_review=score <= 2, created_at=now,
                                 token_hash=(f"{score:x}" * 64)[:64] if score > 2 else "f" * 64)


def test_low_ratings_are_listed_for_review_and_marked_reviewed(manager_client):
    low = rated_survey(1, "Nobody answered for a week")
    rated_survey(5, "Lovely and quick")
    page = manager_client.get(SURVEYS, {"needs_review": "1"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert list(page.context["cl"].result_list) == [low]
    detail = manager_client.get(reverse("admin:surveys_survey_change", args=[low.pk]))
    assert b"Nobody answered for a week" in detail.content
    assert b"f" * 64 not in detail.content  # the token hash is never shown
    response = action(manager_client, SURVEYS, "mark_reviewed", [low.pk])
    assert b"1 survey marked as reviewed." in response.content
    low.refresh_from_db()
    assert low.needs_review is False
    assert manager_client.get(SURVEYS, {"needs_review": "1"}).context["cl"].result_count == 0
