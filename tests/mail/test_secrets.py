"""No page shows a usable token: a manager reading the outbox (list, change page, any action
on it) finds neither a working password-reset or survey link nor a reply address, and trying
what they do see fails; the email that leaves carries the working link, and its sealed copy
is gone once sent."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.services import password_reset_request
from common.errors import NotFound
from helpdesk.mail.models import OutboundEmail, OutboundKind, OutboundStatus
from helpdesk.mail.secrets import SealBroken, links_redact, seal, unseal
from helpdesk.models import Channel, Status
from helpdesk.services.conversations import chat_message_send, conversation_open
from helpdesk.surveys.services import survey_by_token, surveys_run
from tests.factories import UserFactory
from tests.mail.factories import AgentFactory, CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db
OUTBOX = reverse("admin:mail_outboundemail_changelist")
RESET_LINK = re.compile(r"/accounts/password/reset/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)/")
SURVEY_LINK = re.compile(r"/surveys/([A-Za-z0-9_-]{20,})/")
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{20,}")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://help.example.test"


def run_until_rows(capture, action):
    """Run ``action`` and the after-commit work it schedules, except the delivery itself:
    the rows wait in the outbox as a manager would find them."""
    with capture(execute=False) as callbacks:
        action()
    while callbacks:
        with capture(execute=False) as scheduled:
            for callback in callbacks:
                if "email_send" in repr(callback):
                    continue
                callback()
        callbacks = [c for c in scheduled if "email_send" not in repr(c)]


def manager_pages(client) -> list[str]:
    """Everything a manager can read of the outbox: the list, each change page, and the
    result of every action offered on all rows (any export included)."""
    from django.contrib import admin

    manager = ManagerFactory()
    client.force_login(manager)
    pages = [client.get(OUTBOX).content.decode()]
    rows = list(OutboundEmail.objects.values_list("pk", flat=True))
    for pk in rows:
        pages.append(client.get(reverse("admin:mail_outboundemail_change",
                                        args=[pk])).content.decode())
    request = client.get(OUTBOX).wsgi_request
    model_admin = admin.site._registry[OutboundEmail]
    for name in model_admin.get_actions(request):
        if name == "retry":
            continue  # it sends, it shows nothing
        response = client.post(OUTBOX, {"action": name, "_selected_action": rows})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages.append(body.decode("utf-8", "replace"))
    return pages


def stored_values() -> str:
    return "\n".join(str(v) for row in OutboundEmail.objects.values() for v in row.values())


def test_a_manager_cannot_take_an_account_through_a_reset_link_in_the_outbox(
        client, django_capture_on_commit_callbacks):
    admin_user = UserFactory(email="root@example.com", is_staff=True, is_superuser=True,
                             email_verified_at=timezone.now())
    run_until_rows(django_capture_on_commit_callbacks,
                   lambda: password_reset_request(email=admin_user.email))
    row = OutboundEmail.objects.get(kind=OutboundKind.PASSWORD_RESET)
    assert row.status == OutboundStatus.PENDING and row.sealed

    pages = manager_pages(client)
    seen = "\n".join(pages)
    assert "[hidden link 1" in seen  # the row is readable, its link is not
    assert not RESET_LINK.search(seen) and not RESET_LINK.search(stored_values())
    # Whatever they see, tried as the admin's reset token, fails.
    uid = urlsafe_base64_encode(force_bytes(admin_user.pk))
    anonymous = Client()
    for candidate in set(TOKEN_LIKE.findall(seen)):
        assert not default_token_generator.check_token(admin_user, candidate)
        response = anonymous.get(reverse("accounts:password_reset_confirm",
                                         args=[uid, candidate]))
        assert response.status_code != 302  # a valid token redirects to the password form

    # The email itself leaves with the working link, and the sealed copy is then wiped.
    from helpdesk.mail.delivery import outbox_deliver

    assert outbox_deliver(outbound_id=row.pk).outcome == "sent"
    (message,) = mail.outbox
    uidb64, token = RESET_LINK.search(message.body).groups()
    assert default_token_generator.check_token(admin_user, token)
    row.refresh_from_db()
    assert row.sealed == "" and not RESET_LINK.search(stored_values())


def test_a_manager_sees_no_working_survey_link_or_reply_address(
        client, django_capture_on_commit_callbacks, reply_domain):
    customer = CustomerFactory()
    conversation = conversation_open(customer=customer, channel=Channel.EMAIL,
                                     topic="returns", description="Broken kettle")
    agent = AgentFactory()
    run_until_rows(django_capture_on_commit_callbacks, lambda: chat_message_send(
        conversation=conversation, user=agent, as_agent=True, body="Sorry!", client_id=""))
    conversation.status, conversation.resolved_at = (Status.RESOLVED,
                                                     timezone.now() - timedelta(days=2))
    conversation.save(update_fields=["status", "resolved_at"])
    run_until_rows(django_capture_on_commit_callbacks, surveys_run)
    assert set(OutboundEmail.objects.values_list("kind", flat=True)) == {
        OutboundKind.REPLY, OutboundKind.SURVEY}

    seen = "\n".join(manager_pages(client))
    assert "reply+" not in seen and not SURVEY_LINK.search(seen)
    assert "reply+" not in stored_values() and not SURVEY_LINK.search(stored_values())
    for candidate in set(TOKEN_LIKE.findall(seen)):
        with pytest.raises(NotFound):
            survey_by_token(token=candidate)

    from helpdesk.mail.delivery import outbox_deliver

    for pk in OutboundEmail.objects.values_list("pk", flat=True):
        assert outbox_deliver(outbound_id=pk).outcome == "sent"
    survey_mail = next(m for m in mail.outbox if "/surveys/" in m.body)
    assert survey_by_token(token=SURVEY_LINK.search(survey_mail.body).group(1))
    reply_mail = next(m for m in mail.outbox if m.reply_to)
    assert reply_mail.reply_to[0].startswith("reply+")
    assert not OutboundEmail.objects.exclude(sealed="").exists()


def test_sealing_hides_links_into_the_site_and_token_like_links_and_nothing_else(settings):
    settings.SITE_URL = "https://help.example.test"
    text = ("Track it: https://carrier.example/track?n=12 | home https://help.example.test/ | "
            "reset https://help.example.test/accounts/password/reset/MQ/abc-123/ | "
            "elsewhere https://other.example/t/Zk9x2bQ7Lm4Np8Rs1Tv5 | reply "
            "reply+1a-abcdefghijklmnopqrstuvwx@reply.example.com")
    (sealed_text,), sealed = seal([text])
    assert "https://carrier.example/track?n=12" in sealed_text
    assert "https://help.example.test/ " in sealed_text
    for secret in ("/accounts/password/reset/", "Zk9x2bQ7Lm4Np8Rs1Tv5", "reply+"):
        assert secret not in sealed_text
    assert unseal([sealed_text], sealed) == [text]


def test_a_tampered_sealed_part_is_refused_not_sent():
    (text,), sealed = seal(["go to https://help.example.test/x/Zk9x2bQ7Lm4Np8Rs1Tv5"])
    with pytest.raises(SealBroken):
        unseal([text], sealed[:-4] + "AAAA")


def test_a_failed_row_whose_seal_cannot_be_read_fails_for_good(settings):
    from helpdesk.mail.delivery import outbox_deliver
    from helpdesk.mail.outbox import outbox_enqueue

    settings.SITE_URL = "https://help.example.test"
    row = outbox_enqueue(kind=OutboundKind.NOTIFICATION, to=["guest@example.org"],
                         subject="s", body_text="https://help.example.test/a/b")
    OutboundEmail.objects.filter(pk=row.pk).update(status=OutboundStatus.PENDING,
                                                   sealed="gAAAAbroken")
    assert outbox_deliver(outbound_id=row.pk).outcome == "failed"


def test_a_customer_quoting_our_email_hands_its_live_links_to_nobody(settings):
    settings.SITE_URL = "https://help.example.test"
    quoted = ("Thanks! > Rate us: https://help.example.test/surveys/"
              "Zk9x2bQ7Lm4Np8Rs1Tv5Zk9x2bQ7Lm4Np8Rs1Tv5abc/?score=5 "
              "> reply to reply+1a-abcdefghijklmnopqrstuvwx@reply.example.com "
              "see https://help.example.test/help/articles/returns/")
    redacted = links_redact(quoted)
    assert "/surveys/" not in redacted and "reply+" not in redacted
    assert "https://help.example.test/help/articles/returns/" in redacted
