"""Confirmed addresses: sign-up sends a confirmation link, which confirms only for the signed-in
account holder; the mailbox holder can take an address back by a password reset; which
accounts' addresses are trusted (``email_trusted``)."""

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts import mails
from accounts.models import User
from accounts.selectors import email_trusted, password_reset_allowed
from accounts.signals import email_verified
from accounts.tokens import email_verification_token
from helpdesk.mail.models import OutboundEmail
from tests.accounts.conftest import MODEL_BACKEND
from tests.factories import PASSWORD, AgentFactory, CustomerFactory, UserFactory

SIGNUP = reverse("accounts:signup")
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "Quartz-Meadow-42!"


def sign_up(client, capture, email="anna@example.com", **extra):
    data = {"email": email, "full_name": "Anna Petrova", "password1": PASSWORD,
            "password2": PASSWORD, "language": "ru"}
    with capture(execute=True):
        return client.post(SIGNUP, data, **extra)


def link_in(message, kind: str) -> str:
    found = re.search(rf"https?://\S+/accounts/{kind}/\S+/\S+/", message.body)
    assert found, message.body
    return found.group(0)


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def kind_of(message) -> str:
    """The kind of the outbox row a delivered email was sent from."""
    return OutboundEmail.objects.get(message_id=message.extra_headers["Message-ID"]).kind


def verified(user) -> bool:
    user.refresh_from_db()
    return user.email_verified_at is not None


@pytest.fixture
def unconfirmed(db):
    return CustomerFactory(email="olga@example.com", full_name="Olga Ivanova", language="ru",
                           email_verified_at=None)


def verify_path(user) -> str:
    return path_of(mails.email_verification_link(user=user))


# --- Sign-up ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_sign_up_leaves_the_address_unconfirmed_and_sends_a_confirmation_link(
    client, settings, django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://help.example.test"

    sign_up(client, django_capture_on_commit_callbacks, HTTP_HOST="testserver")

    user = User.objects.get(email="anna@example.com")
    assert user.email_verified_at is None and not email_trusted(user)
    [message] = mail.outbox
    assert message.to == ["anna@example.com"]
    assert kind_of(message) == "verify"
    assert message.extra_headers["Content-Language"] == "ru"  # the language chosen at sign-up
    link = link_in(message, "verify")
    assert link.startswith("https://help.example.test/accounts/verify/")
    assert "1" in message.body  # how long it works ("1 hour", in the user's language)


@pytest.mark.django_db
def test_sign_up_with_an_address_in_use_answers_exactly_as_for_a_new_one_and_tells_the_owner(
    django_capture_on_commit_callbacks,
):
    owner = CustomerFactory(email="olga@example.com", full_name="Olga Ivanova", language="zh-hans",
                            email_verified_at=None)

    first, second = Client(), Client()
    new = sign_up(first, django_capture_on_commit_callbacks, email="anna@example.com")
    taken = sign_up(second, django_capture_on_commit_callbacks, email="OLGA@example.com")

    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    new_page = without_csrf(first.get(new["Location"]).content.decode())
    taken_page = without_csrf(second.get(taken["Location"]).content.decode())
    assert new_page.replace("anna@example.com", "X") == taken_page.replace("olga@example.com", "X")
    assert User.objects.filter(email="olga@example.com").get() == owner
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # untouched

    notice = next(m for m in mail.outbox if m.to == ["olga@example.com"])
    # A password-reset link: a proof link, which may go to an address not yet trusted.
    assert kind_of(notice) == "password"
    assert notice.extra_headers["Content-Language"] == "zh-hans"  # the owner's language
    reset = path_of(link_in(notice, "password/reset"))
    assert Client().get(reset).status_code == 302  # a working reset link


@pytest.mark.django_db
def test_the_owner_notice_is_not_sent_for_an_inactive_account(django_capture_on_commit_callbacks):
    CustomerFactory(email="olga@example.com", is_active=False)
    response = sign_up(Client(), django_capture_on_commit_callbacks, email="olga@example.com")
    assert response["Location"] == reverse("accounts:signup_done")
    assert mail.outbox == []


# --- Following the link -----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_signed_in_owner_confirms_by_following_the_link_and_pressing_confirm(
    unconfirmed, django_capture_on_commit_callbacks,
):
    heard = []
    email_verified.connect(lambda sender, user, **kw: heard.append(user.pk), weak=False,
                           dispatch_uid="test-heard")
    try:
        client = Client()
        client.force_login(unconfirmed, backend=MODEL_BACKEND)
        path = verify_path(unconfirmed)

        page = client.get(path)
        assert page.status_code == 200 and 'data-testid="verify-form"' in page.content.decode()
        assert not verified(unconfirmed)  # a GET changes nothing (mail scanners follow links)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(path)
    finally:
        email_verified.disconnect(dispatch_uid="test-heard")

    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    assert verified(unconfirmed) and email_trusted(unconfirmed)
    assert heard == [unconfirmed.pk]
    # Spent: following it again says so (the owner is told it is already confirmed).
    assert client.get(path)["Location"] == reverse("accounts:account")
    assert 'data-testid="invalid-link"' in Client().get(path).content.decode()


@pytest.mark.django_db
def test_following_the_link_signed_out_asks_to_sign_in_and_confirms_nothing(unconfirmed):
    visitor = Client()
    path = verify_path(unconfirmed)

    page = visitor.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="sign-in-to-confirm"' in html
    assert 'data-testid="reclaim-form"' in html
    assert 'data-testid="verify-form"' not in html
    assert visitor.post(path).status_code == 403
    assert not verified(unconfirmed)


@pytest.mark.django_db
def test_following_the_link_signed_in_as_another_account_confirms_nothing(unconfirmed):
    squatter = CustomerFactory(email_verified_at=None)
    client = Client()
    client.force_login(squatter, backend=MODEL_BACKEND)
    path = verify_path(unconfirmed)

    html = client.get(path).content.decode()
    assert 'data-testid="other-account"' in html and 'data-testid="verify-form"' not in html
    assert client.post(path).status_code == 403
    assert not verified(unconfirmed) and not verified(squatter)


@pytest.mark.django_db
def test_the_owner_logs_in_from_the_link_and_comes_back_to_confirm(unconfirmed):
    client = Client()
    path = verify_path(unconfirmed)
    login_url = f"{LOGIN}?{urlencode({'next': path})}"
    assert f'href="{login_url}"' in client.get(path).content.decode()

    response = client.post(LOGIN, {"username": unconfirmed.email, "password": PASSWORD,
                                   "next": path})
    assert response["Location"] == path
    client.post(path)
    assert verified(unconfirmed)


@pytest.mark.django_db
def test_a_confirmation_link_expires_after_one_hour(unconfirmed, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    client = Client()
    client.force_login(unconfirmed, backend=MODEL_BACKEND)
    path = verify_path(unconfirmed)
    later = datetime.now() + timedelta(hours=1, minutes=1)  # noqa: DTZ005 - Django's token clock

    with mock.patch.object(email_verification_token, "_now", return_value=later):
        page = client.get(path)
        client.post(path)

    assert 'data-testid="invalid-link"' in page.content.decode()
    assert not verified(unconfirmed)


@pytest.mark.django_db
def test_a_confirmation_link_is_void_for_a_changed_address_and_as_a_reset_token(unconfirmed):
    token = email_verification_token.make_token(unconfirmed)
    assert not default_token_generator.check_token(unconfirmed, token)
    assert not email_verification_token.check_token(
        unconfirmed, default_token_generator.make_token(unconfirmed))

    unconfirmed.email = "someone.else@example.com"
    assert not email_verification_token.check_token(unconfirmed, token)


@pytest.mark.django_db
def test_a_tampered_or_unknown_link_confirms_nothing(unconfirmed):
    client = Client()
    client.force_login(unconfirmed, backend=MODEL_BACKEND)
    good = mails.email_verification_link(user=unconfirmed)
    uid, token = path_of(good).strip("/").split("/")[-2:]
    for path in (f"/accounts/verify/{uid}/{token[:-1]}x/", f"/accounts/verify/!!/{token}/",
                 f"/accounts/verify/OTk5OTk/{token}/"):
        response = client.post(path)
        assert response.status_code == 200
        assert 'data-testid="invalid-link"' in response.content.decode()
    assert not verified(unconfirmed)


# --- Taking an address back -------------------------------------------------------------------

@pytest.mark.django_db
def test_the_mailbox_holder_takes_back_an_address_a_squatter_signed_up_with(
    django_capture_on_commit_callbacks,
):
    squatter = Client()
    sign_up(squatter, django_capture_on_commit_callbacks, email="victim@example.com")
    squatter.post(LOGIN, {"username": "victim@example.com", "password": PASSWORD})
    assert squatter.get(reverse("accounts:account")).status_code == 200
    account = User.objects.get(email="victim@example.com")

    # The victim opens the confirmation mail that reached their mailbox.
    victim = Client()
    verify = path_of(link_in(mail.outbox[0], "verify"))
    assert 'data-testid="reclaim-form"' in victim.get(verify).content.decode()
    reclaim = reverse("accounts:email_verify_reclaim", args=verify.strip("/").split("/")[-2:])
    with django_capture_on_commit_callbacks(execute=True):
        response = victim.post(reclaim)
    assert response["Location"] == reverse("accounts:password_reset_done")
    reset_mail = mail.outbox[-1]
    assert reset_mail.to == ["victim@example.com"]
    assert kind_of(reset_mail) == "password"

    form_url = victim.get(path_of(link_in(reset_mail, "password/reset")))["Location"]
    victim.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert verified(account) and email_trusted(account)
    assert account.check_password(NEW_PASSWORD)
    # The squatter's session is over, and their password no longer works.
    assert squatter.get(reverse("accounts:account")).status_code == 302
    assert Client().post(LOGIN, {"username": account.email,
                                 "password": PASSWORD}).status_code == 200


@pytest.mark.django_db
def test_completing_a_password_reset_confirms_the_address_and_ends_other_sessions(
    unconfirmed, django_capture_on_commit_callbacks,
):
    laptop, phone = Client(), Client()
    laptop.force_login(unconfirmed, backend=MODEL_BACKEND)
    phone.force_login(unconfirmed, backend=MODEL_BACKEND)

    with django_capture_on_commit_callbacks(execute=True):
        laptop.post(reverse("accounts:password_reset"), {"email": unconfirmed.email})
    form_url = laptop.get(path_of(link_in(mail.outbox[-1], "password/reset")))["Location"]
    laptop.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert verified(unconfirmed)
    assert laptop.get(reverse("accounts:account")).status_code == 302
    assert phone.get(reverse("accounts:account")).status_code == 302


@pytest.mark.django_db
def test_a_password_change_while_signed_in_does_not_confirm_the_address(unconfirmed):
    client = Client()
    client.force_login(unconfirmed, backend=MODEL_BACKEND)
    client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    unconfirmed.refresh_from_db()
    assert unconfirmed.check_password(NEW_PASSWORD) and unconfirmed.email_verified_at is None


@pytest.mark.django_db
def test_password_reset_links_expire_after_one_hour(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("accounts:password_reset"), {"email": customer.email})
    message = mail.outbox[-1]
    path = path_of(link_in(message, "password/reset"))
    assert "1 hour" in message.body
    later = datetime.now() + timedelta(minutes=61)  # noqa: DTZ005 - Django's token clock
    soon = datetime.now() + timedelta(minutes=59)  # noqa: DTZ005

    with mock.patch.object(default_token_generator, "_now", return_value=soon):
        assert Client().get(path, follow=True).context["validlink"] is True
    with mock.patch.object(default_token_generator, "_now", return_value=later):
        assert Client().get(path, follow=True).context["validlink"] is False


# --- The notice and the resend button ---------------------------------------------------------

@pytest.mark.django_db
def test_an_unconfirmed_customer_sees_the_notice_and_gets_a_new_link_from_its_button(
    unconfirmed, django_capture_on_commit_callbacks,
):
    client = Client()
    client.force_login(unconfirmed, backend=MODEL_BACKEND)
    for page in (reverse("home"), reverse("accounts:account"), reverse("requests:list")):
        assert 'data-testid="verify-notice"' in client.get(page).content.decode(), page
    assert 'data-testid="email-unconfirmed"' in client.get(
        reverse("accounts:account")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:email_verify_resend"), {"next": "/requests/"})
    assert response.status_code == 302 and response["Location"] == "/requests/"
    [message] = mail.outbox
    assert message.to == [unconfirmed.email]
    assert kind_of(message) == "verify"
    assert message.extra_headers["Content-Language"] == "ru"

    client.post(path_of(link_in(message, "verify")))
    assert 'data-testid="verify-notice"' not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_confirmed_customer_gets_no_notice_and_no_new_link(
    customer, django_capture_on_commit_callbacks,
):
    User.objects.filter(pk=customer.pk).update(email_verified_at=timezone.now())
    client = Client()
    client.force_login(customer, backend=MODEL_BACKEND)
    assert 'data-testid="verify-notice"' not in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:email_verify_resend"))
    assert mail.outbox == []


@pytest.mark.django_db
def test_visitors_see_no_notice(client):
    assert 'data-testid="verify-notice"' not in client.get(reverse("home")).content.decode()


# --- Which addresses are trusted --------------------------------------------------------------

def _inbound_customer():
    user = CustomerFactory(password=None, email_verified_at=None)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _passwordless_staff():
    user = AgentFactory(email_verified_at=None)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "trusted"), [
    pytest.param(lambda: CustomerFactory(email_verified_at=None), False,
                 id="signed-up-customer-unconfirmed"),
    pytest.param(lambda: CustomerFactory(email_verified_at=timezone.now()), True,
                 id="signed-up-customer-confirmed"),
    pytest.param(_inbound_customer, True, id="customer-made-from-inbound-mail"),
    pytest.param(lambda: AgentFactory(email_verified_at=None), False, id="staff-unconfirmed"),
    pytest.param(lambda: AgentFactory(email_verified_at=timezone.now()), True,
                 id="staff-confirmed"),
    pytest.param(_passwordless_staff, False, id="staff-without-password"),
    pytest.param(lambda: UserFactory(is_superuser=True, is_staff=True, email_verified_at=None),
                 False,
                 id="superuser-unconfirmed"),
])
def test_email_trusted_for_each_kind_of_account(make, trusted):
    assert email_trusted(make()) is trusted


@pytest.mark.django_db
def test_password_reset_is_allowed_exactly_where_a_passwordless_account_is_trusted():
    inbound, staff = _inbound_customer(), _passwordless_staff()
    assert password_reset_allowed(inbound) and email_trusted(inbound)
    assert not password_reset_allowed(staff) and not email_trusted(staff)
    # An unconfirmed account with a password may reset: the link is itself the proof.
    unconfirmed = CustomerFactory(email_verified_at=None)
    assert password_reset_allowed(unconfirmed) and not email_trusted(unconfirmed)


@pytest.mark.django_db
def test_the_demo_seed_confirms_the_addresses_it_creates():
    from helpdesk.demo.seed import seed_demo

    seed_demo(out=lambda *a, **k: None)
    assert User.objects.exists()
    assert not User.objects.filter(email_verified_at__isnull=True).exists()
