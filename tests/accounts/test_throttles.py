"""Throttles of the account pages (sign-up, password-reset mail, confirmation links) and the
login lockout: each holds per account across client addresses and per client address across
accounts, answers 429 and says why in the visitor's language."""

import html

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.limits import THROTTLES, client_ip
from accounts.models import User
from tests.accounts.conftest import MODEL_BACKEND
from tests.accounts.html import form_errors
from tests.factories import PASSWORD, CustomerFactory

LOGIN = reverse("accounts:login")
RESET = reverse("accounts:password_reset")
SIGNUP = reverse("accounts:signup")
RESEND = reverse("accounts:email_verify_resend")


def from_ip(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def message(name: str, language: str = "ru") -> str:
    with translation.override(language):
        return str(THROTTLES[name].message)


def assert_refused_in_russian(response, name: str) -> None:
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert html.escape(message(name)) in page


# --- Password-reset mail ----------------------------------------------------------------------

@pytest.fixture
def two_resets(settings):
    settings.PASSWORD_RESET_MAILS_PER_ACCOUNT = 2
    settings.PASSWORD_RESET_MAILS_PER_IP = 3


def ask_reset(client, email, capture):
    with capture(execute=True):
        return client.post(RESET, {"email": email}, HTTP_ACCEPT_LANGUAGE="ru")


@pytest.mark.django_db
def test_reset_mail_for_one_account_is_refused_over_the_limit_from_any_address(
    two_resets, customer, django_capture_on_commit_callbacks,
):
    for n in range(2):
        response = ask_reset(from_ip(f"203.0.113.{n}"), customer.email,
                             django_capture_on_commit_callbacks)
        assert response.status_code == 302
    # Another address, and another spelling of the same email.
    response = ask_reset(from_ip("198.51.100.9"), customer.email.upper(),
                         django_capture_on_commit_callbacks)

    assert_refused_in_russian(response, "password_reset")
    assert message("password_reset") in form_errors(response.content.decode())
    assert f'value="{customer.email.upper()}"' in response.content.decode()  # kept in the form
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_reset_mail_from_one_address_is_refused_over_the_limit_for_any_accounts(
    two_resets, django_capture_on_commit_callbacks,
):
    client = from_ip("203.0.113.7")
    users = CustomerFactory.create_batch(4)
    answers = [ask_reset(client, u.email, django_capture_on_commit_callbacks) for u in users]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert_refused_in_russian(answers[-1], "password_reset")
    assert len(mail.outbox) == 3
    # Unknown addresses count the same (the answer must not tell which exist).
    assert ask_reset(from_ip("203.0.113.8"), "nobody@example.com",
                     django_capture_on_commit_callbacks).status_code == 302


# --- Sign-up ----------------------------------------------------------------------------------

def signup_data(email: str) -> dict:
    return {"email": email, "full_name": "Anna Petrova", "password1": PASSWORD,
            "password2": PASSWORD, "language": "en"}


@pytest.mark.django_db
def test_sign_up_from_one_address_is_refused_over_the_limit(settings):
    settings.SIGNUP_PER_IP = 2
    client = from_ip("203.0.113.7")
    answers = [client.post(SIGNUP, signup_data(f"a{n}@example.com"), HTTP_ACCEPT_LANGUAGE="ru")
               for n in range(3)]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert_refused_in_russian(answers[-1], "signup")
    page = answers[-1].content.decode()
    assert 'value="a2@example.com"' in page and 'value="Anna Petrova"' in page
    assert User.objects.count() == 2


@pytest.mark.django_db
def test_sign_up_for_one_address_is_refused_over_the_limit_from_any_client_address(
    settings, django_capture_on_commit_callbacks,
):
    settings.SIGNUP_PER_ADDRESS = 2
    CustomerFactory(email="olga@example.com")  # each try would mail its owner a notice
    with django_capture_on_commit_callbacks(execute=True):
        answers = [from_ip(f"203.0.113.{n}").post(SIGNUP, signup_data("olga@example.com"),
                                                  HTTP_ACCEPT_LANGUAGE="ru")
                   for n in range(3)]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert_refused_in_russian(answers[-1], "signup")
    assert len(mail.outbox) == 2


# --- Confirmation links -----------------------------------------------------------------------

@pytest.mark.django_db
def test_resending_the_confirmation_link_is_refused_over_the_limit_from_any_address(
    settings, customer, django_capture_on_commit_callbacks,
):
    settings.VERIFY_MAILS_PER_ACCOUNT = 2
    customer.language = "ru"  # a signed-in user's pages are in their own language
    customer.email_verified_at = None  # only an unconfirmed address is sent a new link
    customer.save(update_fields=["language", "email_verified_at"])
    answers = []
    for n in range(3):
        client = from_ip(f"203.0.113.{n}")
        client.force_login(customer, backend=MODEL_BACKEND)
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(RESEND, HTTP_ACCEPT_LANGUAGE="ru"))

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert_refused_in_russian(answers[-1], "verify_mail")
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_resending_confirmation_links_from_one_address_is_refused_over_the_limit(
    settings, django_capture_on_commit_callbacks,
):
    settings.VERIFY_MAILS_PER_IP = 2
    answers = []
    for user in CustomerFactory.create_batch(3, language="ru", email_verified_at=None):
        client = from_ip("203.0.113.7")
        client.force_login(user, backend=MODEL_BACKEND)
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(RESEND, HTTP_ACCEPT_LANGUAGE="ru"))

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert_refused_in_russian(answers[-1], "verify_mail")


# --- Login lockout ----------------------------------------------------------------------------

def fail_login(client, email):
    return client.post(LOGIN, {"username": email, "password": "wrong-password"},
                       HTTP_ACCEPT_LANGUAGE="ru")


@pytest.mark.django_db
def test_login_lockout_of_an_account_holds_across_rotating_addresses(settings, customer):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 8
    # Never 5 from one address: the (email, address) pair alone would never lock.
    answers = [fail_login(from_ip(f"203.0.113.{n}"), customer.email).status_code
               for n in range(8)]
    assert answers == [200] * 7 + [429]  # the failure that reaches the limit locks

    response = from_ip("198.51.100.7").post(LOGIN, {"username": customer.email,
                                                    "password": PASSWORD},
                                            HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    with translation.override("ru"):
        assert html.escape(gettext("Too many failed logins")) in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.mark.django_db
def test_login_lockout_of_an_address_holds_across_accounts(settings, customer):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    attacker = from_ip("203.0.113.7")
    for n in range(8):
        fail_login(attacker, f"guess{n}@example.com")

    # Even the right password of an account never tried is refused from that address...
    response = attacker.post(LOGIN, {"username": customer.email, "password": PASSWORD})
    assert response.status_code == 429
    # ...and works from anywhere else.
    owner = from_ip("198.51.100.7")
    assert owner.post(LOGIN, {"username": customer.email,
                              "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_an_ipv6_attacker_cannot_rotate_through_their_64(settings, customer):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 0
    for n in range(5):
        fail_login(from_ip(f"2001:db8:1:2::{n + 1:x}"), customer.email)
    response = from_ip("2001:db8:1:2:ffff::1").post(LOGIN, {"username": customer.email,
                                                            "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_successful_login_does_not_wipe_failures_against_other_accounts(settings, customer):
    settings.AXES_FAILURE_LIMIT = 50
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    attacker_account = CustomerFactory()
    attacker = from_ip("203.0.113.7")
    for n in range(5):
        fail_login(attacker, customer.email if n % 2 else f"guess{n}@example.com")
    assert attacker.post(LOGIN, {"username": attacker_account.email,
                                 "password": PASSWORD}).status_code == 302
    attacker.post(reverse("accounts:logout"))

    fail_login(attacker, customer.email)
    assert attacker.post(LOGIN, {"username": customer.email,
                                 "password": PASSWORD}).status_code == 429


@pytest.mark.django_db
def test_an_account_locked_from_everywhere_is_freed_by_a_password_reset(
    settings, customer, django_capture_on_commit_callbacks,
):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    for n in range(6):
        fail_login(from_ip(f"203.0.113.{n}"), customer.email)
    owner = from_ip("198.51.100.7")
    assert owner.post(LOGIN, {"username": customer.email,
                              "password": PASSWORD}).status_code == 429

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(RESET, {"email": customer.email})
    link = mail.outbox[-1].body.split("/accounts/password/reset/", 1)[1].split()[0]
    form_url = owner.get(f"/accounts/password/reset/{link}")["Location"]
    owner.post(form_url, {"new_password1": "Quartz-Meadow-42!",
                          "new_password2": "Quartz-Meadow-42!"})

    assert owner.post(LOGIN, {"username": customer.email,
                              "password": "Quartz-Meadow-42!"}).status_code == 302


@pytest.mark.parametrize(("remote", "counted"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("", None),
])
def test_client_ip_counts_an_ipv6_address_as_its_64(remote, counted):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert client_ip(request) == counted


def test_the_throttle_limits_are_settings_read_at_use():
    for throttle in THROTTLES.values():
        for kind in (throttle.account_kind, "IP"):
            assert isinstance(getattr(django_settings, f"{throttle.prefix}_PER_{kind}"), int)
        assert getattr(django_settings, f"{throttle.prefix}_WINDOW_SECONDS") > 0
