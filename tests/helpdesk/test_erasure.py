"""Erasing a customer (accounts.erasure.customer_erase and each app's erasure receiver).

The central test scans every row of every model for what the customer gave us (address, name,
phone, words they wrote) after the erasure, so data added by a future model is caught too.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from accounts.erasure import ERASED_DOMAIN, ERASED_TEXT, ErasureRefused, customer_erase
from accounts.models import User
from accounts.signals import customer_erasing
from faq.models import Article, Category, Vote
from helpdesk.mail.models import (
    InboundEmail,
    InboundStatus,
    OutboundEmail,
    OutboundKind,
    OutboundStatus,
)
from helpdesk.mail.tokens import reply_address
from helpdesk.models import (
    Attachment,
    AuthorRole,
    Channel,
    Conversation,
    Message,
    SatisfactionRating,
    Team,
)
from helpdesk.services.conversations import conversation_open
from helpdesk.services.messages import message_post
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.tokens import survey_token_new
from orders.models import ReturnPhoto, ReturnRequest
from tests.factories import (
    PASSWORD,
    AddressFactory,
    AgentFactory,
    CustomerFactory,
    DeliveredOrderFactory,
    ManagerFactory,
    OrderItemFactory,
)

pytestmark = pytest.mark.django_db

EMAIL = "olga.secret@example.com"
NAME = "Olga Zhivago"
PHONE = "+7 999 123-45-67"
# Every string the customer gave us; none may be left anywhere after the erasure.
PERSONAL = [EMAIL, NAME, PHONE, "Lesnaya 5", "card ends 4242", "box was crushed",
            "answers were slow", "article was unclear", "Where is my parcel", "photo-bytes",
            "attachment-bytes", "raw-mail-bytes"]


@pytest.fixture
def story():
    """A customer with something in every place the help desk keeps personal data."""
    customer = CustomerFactory(email=EMAIL, full_name=NAME, profile__phone=PHONE)
    AddressFactory(user=customer, recipient=NAME, line1="Lesnaya 5", phone=PHONE)
    order = DeliveredOrderFactory(customer=customer, shipping_address=f"{NAME}, Lesnaya 5")
    item = OrderItemFactory(order=order)
    ret = ReturnRequest.objects.create(order=order, customer=customer, reason="damaged",
                                       description="The box was crushed")
    ret.items.create(order_item=item, quantity=1)
    photo = ReturnPhoto.objects.create(return_request=ret, content_type="image/png", size=11,
                                       width=1, height=1,
                                       file=ContentFile(b"photo-bytes", name="p.png"))
    conversation = conversation_open(customer=customer, channel=Channel.EMAIL, topic="orders",
                                     subject="Where is my parcel",
                                     description="Paid, my card ends 4242")
    agent = AgentFactory(full_name="Boris Agent")
    message_post(conversation=conversation, author=agent, author_role=AuthorRole.AGENT,
                 body="We are looking into it.")
    mine = message_post(conversation=conversation, author=customer,
                        author_role=AuthorRole.CUSTOMER, body="Thanks, my card ends 4242").message
    attachment = Attachment.objects.create(
        message=mine, original_name="receipt.png", content_type="image/png", size=16,
        file=ContentFile(b"attachment-bytes", name="a.png"))
    SatisfactionRating.objects.create(conversation=conversation, score=2, source="survey",
                                      comment="The answers were slow", created_at=timezone.now())
    _token, token_hash = survey_token_new()
    Survey.objects.create(conversation=conversation, customer=customer, created_at=timezone.now(),
                          status=SurveyStatus.SENT, token_hash=token_hash)
    category = Category.objects.create(slug="delivery")
    article = Article.objects.create(category=category, slug="where-is-my-order")
    Vote.objects.create(article=article, user=customer, helpful=False,
                        comment="The article was unclear")
    now = timezone.now()
    sent = OutboundEmail.objects.create(
        kind=OutboundKind.REPLY, status=OutboundStatus.SENT, conversation=conversation,
        message_id="<1@reply.example.com>", from_email="support@example.com",
        to=[f"{NAME} <{EMAIL}>"], subject="Re: Where is my parcel",
        body_text=f"Dear {NAME}, ...", next_attempt_at=now, created_at=now)
    pending = OutboundEmail.objects.create(
        kind=OutboundKind.PASSWORD_RESET, message_id="<2@reply.example.com>",
        from_email="support@example.com", to=[EMAIL.upper()], subject="Reset",
        body_text=f"Hello {NAME}", next_attempt_at=now + timedelta(hours=1), created_at=now)
    inbound = InboundEmail.objects.create(
        message_id="<in-1@mail.example.com>", sha256="a" * 64, source="imap",
        from_address=EMAIL, from_name=NAME, subject="Where is my parcel",
        status=InboundStatus.QUARANTINED, reason="rate_limited", received_at=now,
        raw=ContentFile(b"raw-mail-bytes", name="m.eml"))
    AccessAttempt.objects.create(username=EMAIL, ip_address="10.0.0.1", user_agent="x",
                                 failures_since_start=2, get_data="", post_data="",
                                 http_accept="", path_info="/accounts/login/")
    AccessFailureLog.objects.create(username=EMAIL, ip_address="10.0.0.1", user_agent="x",
                                    http_accept="", path_info="/accounts/login/")
    files = [photo.file.name, attachment.file.name, inbound.raw.name]
    assert all(default_storage.exists(name) for name in files)
    return {"customer": customer, "conversation": conversation, "agent": agent, "files": files,
            "sent": sent, "pending": pending, "order": order, "return": ret}


def leftovers() -> list[str]:
    """Every (model, value) in the database that still holds something of ``PERSONAL``."""
    found = []
    for model in apps.get_models():
        if model._meta.label in {"sessions.Session", "contenttypes.ContentType",
                                 "auth.Permission"}:
            continue
        for row in model._default_manager.values():
            text = " ".join(str(v) for v in row.values()).lower()
            found += [f"{model._meta.label}: {p}" for p in PERSONAL if p.lower() in text]
    return found


def test_the_story_holds_personal_data_everywhere_before(story):
    # The scan below would prove nothing if it could not see the data in the first place.
    assert len({entry.split(": ")[0] for entry in leftovers()}) >= 10


def test_erasure_leaves_nothing_of_the_customer_and_deletes_their_files_after_commit(
        story, django_capture_on_commit_callbacks):
    customer = story["customer"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        customer_erase(customer=customer, actor=customer)
    # Files go only once the erasure has committed.
    assert all(default_storage.exists(name) for name in story["files"])
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in story["files"])
    assert leftovers() == []

    customer.refresh_from_db()
    assert customer.email.endswith("@" + ERASED_DOMAIN) and customer.full_name == ""
    assert not customer.is_active and not customer.has_usable_password()
    assert customer.get_full_name() == "Deleted customer" and str(customer) == "Deleted customer"
    # Conversations, ratings' scores and orders stay for the reports.
    conversation = Conversation.objects.get(pk=story["conversation"].pk)
    assert conversation.customer_id == customer.pk
    assert conversation.rating.score == 2
    texts = dict(Message.objects.filter(conversation=conversation, kind="message")
                 .values_list("author_role", "body"))
    assert texts[AuthorRole.CUSTOMER] == ERASED_TEXT
    assert texts[AuthorRole.AGENT] == "We are looking into it."
    assert not Attachment.objects.exists() and not ReturnPhoto.objects.exists()
    survey = Survey.objects.get()
    assert survey.token_hash is None and survey.reminder_token_hash is None
    vote = Vote.objects.get()
    assert vote.user_id is None and vote.helpful is False
    # Mail still waiting for them is never sent.
    story["pending"].refresh_from_db()
    assert story["pending"].status == OutboundStatus.FAILED and story["pending"].to == []
    story["order"].refresh_from_db()
    assert story["order"].total == story["order"].total and story["order"].shipping_address == ""


def test_a_failure_halfway_leaves_everything_as_it_was(story, django_capture_on_commit_callbacks):
    customer = story["customer"]
    before = leftovers()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    customer_erasing.connect(broken, dispatch_uid="test_broken_eraser")
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, \
                pytest.raises(RuntimeError):
            customer_erase(customer=customer, actor=customer)
    finally:
        customer_erasing.disconnect(dispatch_uid="test_broken_eraser")
    assert callbacks == []
    assert leftovers() == before
    assert all(default_storage.exists(name) for name in story["files"])
    customer.refresh_from_db()
    assert customer.is_active and customer.email == EMAIL and customer.erased_at is None


def test_a_customer_deletes_their_account_from_my_account_with_their_password(story, client):
    customer = story["customer"]
    other_device = Client()
    other_device.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    assert 'href="/accounts/delete/"' in client.get("/accounts/").content.decode()

    page = client.get("/accounts/delete/").content.decode()
    assert "What is erased" in page and "What stays" in page

    wrong = client.post("/accounts/delete/", {"password": "not-it", "confirm": "on"})
    assert "The password is not correct." in wrong.content.decode()
    unconfirmed = client.post("/accounts/delete/", {"password": PASSWORD})
    assert unconfirmed.status_code == 200
    assert User.objects.get(pk=customer.pk).erased_at is None

    done = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == "/"
    assert User.objects.get(pk=customer.pk).erased_at is not None
    # Signed out here and on every other device; the old password opens nothing.
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")
    assert other_device.get("/accounts/")["Location"].startswith("/accounts/login/")
    login = Client().post("/accounts/login/", {"username": EMAIL, "password": PASSWORD})
    assert login.status_code == 200  # the form again, no session


def test_the_address_signs_up_again_as_a_new_account_that_never_gets_the_old_conversations(
        story):
    from helpdesk.mail.inbound import email_ingest

    old = story["conversation"]
    customer_erase(customer=story["customer"], actor=story["customer"])
    client = Client()
    response = client.post("/accounts/signup/", {
        "email": EMAIL, "full_name": NAME, "password1": PASSWORD, "password2": PASSWORD,
        "language": "en"})
    assert response.status_code == 302
    new = User.objects.get(email__iexact=EMAIL)
    assert new.pk != story["customer"].pk and new.erased_at is None
    assert not Conversation.objects.filter(customer=new).exists()
    # Even a reply to an old email, once the new account's address is proven, stays out.
    User.objects.filter(pk=new.pk).update(email_verified_at=timezone.now())
    count = old.messages.count()
    raw = (f"From: {NAME} <{EMAIL}>\r\nTo: {reply_address(old.pk)}\r\n"
           "Subject: Re: parcel\r\nMessage-ID: <again-1@mail.example.com>\r\n\r\n"
           "Any news?\r\n").encode()
    email_ingest(raw, source="test")
    assert old.messages.count() == count
    assert Conversation.objects.get(pk=old.pk).customer_id == story["customer"].pk


def test_an_agent_erases_a_customer_from_the_console_with_a_reason(story, client):
    agent, conversation = story["agent"], story["conversation"]
    Conversation.objects.filter(pk=conversation.pk).update(assignee=agent)
    client.force_login(agent)
    page = client.get(f"/admin/console/{conversation.reference}/")
    assert f"/admin/console/{conversation.reference}/erase-customer/" in page.content.decode()
    url = f"/admin/console/{conversation.reference}/erase-customer/"
    assert client.get(url).status_code == 200

    no_reason = client.post(url, {"confirm": "on"})
    assert no_reason.status_code == 200
    assert User.objects.get(pk=story["customer"].pk).erased_at is None

    done = client.post(url, {"reason": "Asked in chat of 12 May", "confirm": "on"})
    assert done.status_code == 302
    assert User.objects.get(pk=story["customer"].pk).erased_at is not None
    after = client.get(f"/admin/console/{conversation.reference}/").content.decode()
    assert "Deleted customer" in after and NAME not in after
    # The audit log has the erasure, with its reason, and nothing of the customer.
    assert leftovers() == []
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get(additional_data__event="customer.erase")
    assert entry.actor_id == agent.pk
    assert entry.additional_data["reason"] == "Asked in chat of 12 May"


def test_audit_entries_written_about_the_customer_before_lose_their_personal_data(story):
    from accounts.audit import acting

    manager = ManagerFactory()
    customer = story["customer"]
    with acting(user=manager, remote_addr="10.0.0.9"):
        customer.full_name = "Olga Zhivago-Petrova"
        customer.save(update_fields=["full_name"])
    assert any(e.startswith("auditlog.LogEntry") for e in leftovers())
    customer_erase(customer=customer, actor=manager, reason="asked by phone")
    assert leftovers() == []


def test_an_agent_cannot_erase_a_customer_of_a_conversation_they_cannot_see(story, client):
    outsider = AgentFactory()
    Team.objects.create(name="Elsewhere").members.add(outsider)
    conversation = story["conversation"]
    Conversation.objects.filter(pk=conversation.pk).update(
        assignee=story["agent"], team=Team.objects.create(name="Delivery"))
    client.force_login(outsider)
    url = f"/admin/console/{conversation.reference}/erase-customer/"
    assert client.post(url, {"reason": "because", "confirm": "on"}).status_code == 404
    assert User.objects.get(pk=story["customer"].pk).erased_at is None


def test_customers_cannot_use_the_console_erasure(story, client):
    other = CustomerFactory()
    client.force_login(other)
    url = f"/admin/console/{story['conversation'].reference}/erase-customer/"
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 302  # admin login
    assert User.objects.get(pk=story["customer"].pk).erased_at is None


def test_only_the_customer_or_staff_with_a_reason_may_erase_and_never_a_staff_account(story):
    customer = story["customer"]
    with pytest.raises(PermissionDenied):
        customer_erase(customer=customer, actor=CustomerFactory())
    with pytest.raises(ValueError):
        customer_erase(customer=customer, actor=ManagerFactory(), reason="  ")
    with pytest.raises(ErasureRefused):
        customer_erase(customer=story["agent"], actor=ManagerFactory(), reason="asked")
    customer_erase(customer=customer, actor=ManagerFactory(), reason="asked by phone")
    with pytest.raises(ErasureRefused):
        customer_erase(customer=customer, actor=ManagerFactory(), reason="again")


def test_staff_see_no_delete_button_and_cannot_delete_themselves(client):
    agent = AgentFactory()
    client.force_login(agent)
    assert "/accounts/delete/" not in client.get("/accounts/").content.decode()
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert User.objects.get(pk=agent.pk).erased_at is None


def test_reports_csv_holds_nothing_of_an_erased_customer(story, client):
    manager = ManagerFactory()
    customer_erase(customer=story["customer"], actor=manager, reason="asked")
    client.force_login(manager)
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    for table in ("conversations", "low_ratings"):
        response = client.get(f"/admin/reports/export/{table}.csv?period=custom&start={since}")
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode()
        assert story["conversation"].reference in text or table == "low_ratings"
        assert not [p for p in PERSONAL if p.lower() in text.lower()]
