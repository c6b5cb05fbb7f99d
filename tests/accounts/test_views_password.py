import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import MODEL_BACKEND
from tests.accounts.html import field_errors
from tests.factories import PASSWORD, CustomerFactory

RESET = reverse("accounts:password_reset")
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "Quartz-Meadow-42!"


def request_reset(client, email, capture, **extra):
    with capture(execute=True):
        return client.post(RESET, {"email": email}, **extra)


def reset_link(message) -> str:
    found = re.search(r"https?://\S+/password/reset/\S+/\S+/", message.body)
    assert found, message.body
    return found.group(0)


@pytest.mark.django_db
def test_password_reset_end_to_end_link_works_once(
    client, customer, settings, django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://help.example.test"
    response = request_reset(client, "OLGA@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    link = reset_link(message)
    assert link.startswith("https://help.example.test/accounts/password/reset/")
    path = link.removeprefix("https://help.example.test")

    # Django swaps the token for a session marker and redirects to the form.
    response = client.get(path)
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).context["validlink"] is True

    response = client.post(form_url, {"new_password1": NEW_PASSWORD,
                                      "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")

    fresh = Client()
    assert fresh.post(LOGIN, {"username": customer.email, "password": PASSWORD}).status_code == 200
    response = fresh.post(LOGIN, {"username": customer.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert fresh.session["_auth_user_id"] == str(customer.pk)

    # The link is spent: a new visitor following it gets the "no longer works" page.
    again = Client().get(path, follow=True)
    assert again.context["validlink"] is False
    assert 'data-testid="invalid-link"' in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


@pytest.mark.django_db
def test_reset_page_answers_the_same_for_unknown_and_inactive_addresses(
    client, django_capture_on_commit_callbacks,
):
    inactive = CustomerFactory(is_active=False)
    known = CustomerFactory()

    answers = [request_reset(client, email, django_capture_on_commit_callbacks)
               for email in ["nobody@example.com", inactive.email, known.email]]

    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }
    assert [m.to for m in mail.outbox] == [[known.email]]


@pytest.mark.django_db
def test_reset_email_is_sent_only_after_commit(client, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(RESET, {"email": customer.email})
    assert mail.outbox == []
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the task's outbox row commits
        callbacks[0]()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reset_link_uses_site_url_never_the_request_host(
    client, customer, settings, django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://help.example.test"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]

    request_reset(client, customer.email, django_capture_on_commit_callbacks,
                  HTTP_HOST="evil.example")

    body = mail.outbox[0].body
    assert "evil.example" not in body
    assert reset_link(mail.outbox[0]).startswith("https://help.example.test/")


@pytest.mark.django_db
def test_reset_email_is_in_the_users_language(client, django_capture_on_commit_callbacks):
    user = CustomerFactory(language="zh-hans")

    # The visitor's browser asks for Russian; the email follows the account's preference.
    request_reset(client, user.email, django_capture_on_commit_callbacks,
                  HTTP_ACCEPT_LANGUAGE="ru")

    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "zh-hans"
    assert message.message()["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_reset_form_shows_a_translated_error_next_to_an_invalid_email(
        client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "not-an-email"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "email") == [
        "Введите правильный адрес электронной почты."
    ]
    assert mail.outbox == []


@pytest.mark.django_db
def test_mismatched_new_passwords_on_the_reset_form_are_refused_in_chinese(
    client, customer, django_capture_on_commit_callbacks,
):
    request_reset(client, customer.email, django_capture_on_commit_callbacks)
    path = "/" + reset_link(mail.outbox[0]).split("/", 3)[3]
    form_url = client.get(path)["Location"]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "x" + NEW_PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert field_errors(response.content.decode(), "new_password2") == ["输入的两个密码不一致。"]
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.django_db
def test_resetting_the_password_lifts_a_login_lockout(
    customer, django_capture_on_commit_callbacks,
):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": customer.email, "password": "wrong"})
    assert client.post(LOGIN, {"username": customer.email, "password": PASSWORD}).status_code == 429

    request_reset(client, customer.email, django_capture_on_commit_callbacks)
    path = "/" + reset_link(mail.outbox[0]).split("/", 3)[3]
    form_url = client.get(path)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert not AccessAttempt.objects.filter(username=customer.email).exists()
    response = client.post(LOGIN, {"username": customer.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


# --- Password change ------------------------------------------------------------------------

CHANGE = reverse("accounts:password_change")


@pytest.mark.django_db
def test_password_change_keeps_the_session_and_sets_the_new_password(customer_client, customer):
    response = customer_client.post(CHANGE, {"old_password": PASSWORD,
                                             "new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")

    # Still logged in: the session hash was updated with the new password.
    assert customer_client.get(reverse("accounts:account")).status_code == 200
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_password_change_logs_out_other_sessions(customer):
    laptop, phone = Client(), Client()
    laptop.force_login(customer, backend=MODEL_BACKEND)
    phone.force_login(customer, backend=MODEL_BACKEND)

    laptop.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                         "new_password2": NEW_PASSWORD})

    assert laptop.get(reverse("accounts:account")).status_code == 200
    assert phone.get(reverse("accounts:account")).status_code == 302


@pytest.mark.django_db
def test_password_change_with_a_wrong_old_password_shows_the_russian_error_by_the_field(
    customer_client, customer,
):
    customer.language = "ru"
    customer.save(update_fields=["language"])

    response = customer_client.post(CHANGE, {"old_password": "wrong",
                                             "new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})

    assert response.status_code == 200
    assert field_errors(response.content.decode(), "old_password") == [
        "Ваш старый пароль введен неправильно. Пожалуйста, введите его снова."
    ]
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_needs_login(client):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_password_change_without_csrf_token_is_forbidden(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer, backend=MODEL_BACKEND)
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                    "new_password2": NEW_PASSWORD})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accounts:password_reset", "accounts:password_reset_done",
                                  "accounts:password_reset_complete", "accounts:login",
                                  "accounts:signup"])
def test_public_account_pages_render_for_visitors(client, name):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()


@pytest.mark.django_db
def test_reset_email_reads_as_a_letter_with_the_link(customer, django_capture_on_commit_callbacks):
    request_reset(Client(), customer.email, django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    assert body.startswith("Hello Olga,")
    assert reset_link(mail.outbox[0]) in body
    assert "&amp;" not in body and "&#x27;" not in body  # plain text, not HTML-escaped
