import html

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.accounts.html import form_errors
from tests.factories import PASSWORD, CustomerFactory, ManagerFactory

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_customer_logs_in_with_email_in_any_case_and_logs_out_by_post(client, customer):
    response = client.post(LOGIN, {"username": "OLGA@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(customer.pk)

    assert client.get(LOGOUT).status_code == 405  # a link cannot log you out
    assert logged_in(client)

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert not logged_in(client)


@pytest.mark.django_db
def test_login_follows_next(client, customer):
    response = client.post(LOGIN, {"username": customer.email, "password": PASSWORD,
                                   "next": reverse("accounts:addresses")})
    assert response["Location"] == reverse("accounts:addresses")


@pytest.mark.django_db
def test_wrong_password_shows_the_translated_error_and_keeps_the_user_out(client, customer):
    response = client.post(LOGIN, {"username": customer.email, "password": "nope"},
                           HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    # Django's own message, translated by its catalog ("email address" is our field name).
    assert "Пожалуйста, введите правильные" in form_errors(response.content.decode())
    assert not logged_in(client)


@pytest.mark.django_db
def test_inactive_customer_cannot_log_in(client):
    user = CustomerFactory(is_active=False)
    client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert not logged_in(client)


def fail(client, email, times, url=LOGIN):
    for _ in range(times):
        client.post(url, {"username": email, "password": "wrong-password"},
                    HTTP_ACCEPT_LANGUAGE="ru")


@pytest.mark.django_db
def test_after_the_failure_limit_even_the_right_password_is_refused_with_the_lockout_page(
    client, customer,
):
    limit = settings.AXES_FAILURE_LIMIT
    fail(client, customer.email, limit - 1)
    attempt = AccessAttempt.objects.get()
    assert attempt.username == customer.email and attempt.failures_since_start == limit - 1

    fail(client, customer.email, 1)
    response = client.post(LOGIN, {"username": customer.email, "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert 'role="alert"' in page
    # The message comes from the Russian catalog (whatever it holds once drafts are merged).
    with translation.override("ru"):
        assert html.escape(gettext("Too many failed logins")) in page


@pytest.mark.django_db
def test_changing_the_letter_case_of_the_email_does_not_reset_the_failure_count(client, customer):
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit):
        variant = customer.email.upper() if i % 2 else customer.email.capitalize()
        fail(client, variant, 1)

    response = client.post(LOGIN, {"username": customer.email, "password": PASSWORD})
    assert response.status_code == 429
    assert not logged_in(client)


@pytest.mark.django_db
def test_lockout_of_one_email_does_not_lock_another_email_from_the_same_address(client, customer):
    other = CustomerFactory()
    fail(client, customer.email, settings.AXES_FAILURE_LIMIT)

    response = client.post(LOGIN, {"username": other.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@pytest.mark.django_db
def test_lockout_is_per_client_address(customer):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail(attacker, customer.email, settings.AXES_FAILURE_LIMIT)

    owner = Client(REMOTE_ADDR="198.51.100.7")
    response = owner.post(LOGIN, {"username": customer.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_admin_login_is_throttled_too(client):
    manager = ManagerFactory()
    admin_login = reverse("admin:login")
    fail(client, manager.email, settings.AXES_FAILURE_LIMIT, url=admin_login)

    response = client.post(admin_login, {"username": manager.email, "password": PASSWORD,
                                         "next": "/admin/"})

    assert response.status_code == 429
    assert not logged_in(client)


@pytest.mark.django_db
def test_a_successful_login_before_the_limit_clears_the_failures(client, customer):
    fail(client, customer.email, settings.AXES_FAILURE_LIMIT - 1)
    client.post(LOGIN, {"username": customer.email, "password": PASSWORD})
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username=customer.email).exists()


@pytest.mark.django_db
def test_login_without_csrf_token_is_forbidden(customer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": customer.email, "password": PASSWORD})
    assert response.status_code == 403
    assert not logged_in(client)


@pytest.mark.django_db
def test_navigation_offers_sign_up_to_visitors_and_my_account_to_customers(client, customer):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accounts:signup")}"' in page
    assert f'href="{reverse("accounts:account")}"' not in page

    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accounts:account")}"' in page
    assert f'href="{reverse("accounts:signup")}"' not in page
