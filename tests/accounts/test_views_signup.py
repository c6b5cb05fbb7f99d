import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import CustomerProfile
from tests.accounts.html import field_errors
from tests.factories import PASSWORD, CustomerFactory

User = get_user_model()
URL = reverse("accounts:signup")


def form_data(**overrides):
    return {"email": "Anna.Petrova@Example.com", "full_name": "Anna Petrova",
            "password1": PASSWORD, "password2": PASSWORD, "language": "ru", **overrides}


@pytest.mark.django_db
def test_sign_up_creates_an_unconfirmed_customer_and_asks_to_check_the_email(client):
    response = client.post(URL, form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "anna.petrova@example.com"
    assert user.full_name == "Anna Petrova"
    assert user.language == "ru"
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert user.email_verified_at is None
    assert list(user.groups.values_list("name", flat=True)) == [Role.CUSTOMER]
    assert CustomerProfile.objects.filter(user=user).exists()
    # Not signed in (an address already in use must get the same answer): the customer logs
    # in with the password they chose.
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "anna.petrova@example.com" in page
    assert client.post(reverse("accounts:login"), {
        "username": user.email, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("accounts:account")).wsgi_request.user == user


@pytest.mark.django_db
def test_sign_up_with_mismatched_passwords_shows_the_russian_error_next_to_the_second_password(
    client,
):
    response = client.post(URL, form_data(password2=PASSWORD + "x"), HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "password2") == ["Введенные пароли не совпадают."]
    assert field_errors(page, "password1") == []
    assert field_errors(page, "email") == []
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_errors_are_shown_in_simplified_chinese(client):
    response = client.post(URL, form_data(password2="different-Pass-99", full_name=""),
                           HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert field_errors(page, "password2") == ["输入的两个密码不一致。"]
    assert field_errors(page, "full_name") == ["这个字段是必填项。"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_with_an_address_in_use_in_any_letter_case_makes_no_second_account(client):
    CustomerFactory(email="anna.petrova@example.com")

    response = client.post(URL, form_data(email="ANNA.PETROVA@example.com"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_up_refuses_a_weak_password_with_django_validator_messages(client):
    response = client.post(URL, form_data(password1="12345678", password2="12345678"),
                           HTTP_ACCEPT_LANGUAGE="ru")

    errors = field_errors(response.content.decode(), "password2")
    assert "Введённый пароль слишком широко распространён." in errors
    assert "Введённый пароль состоит только из цифр." in errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_passes_a_safe_next_on_to_the_login_link_but_not_an_external_one(client):
    response = client.post(URL, form_data(next="/accounts/addresses/"), follow=True)
    login_link = f'{reverse("accounts:login")}?next=/accounts/addresses/'
    assert f'href="{login_link}"' in response.content.decode()

    other = Client()
    response = other.post(URL, form_data(email="b@example.com", next="https://evil.example/"))
    assert response["Location"] == reverse("accounts:signup_done")
    assert "evil.example" not in other.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_sign_up_page_preselects_the_current_language(client):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.context["form"].initial["language"] == "zh-hans"


@pytest.mark.django_db
def test_signed_in_customer_is_sent_from_sign_up_to_their_account(customer_client):
    response = customer_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")


@pytest.mark.django_db
def test_sign_up_without_csrf_token_is_forbidden():
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, form_data())
    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_with_the_csrf_token_from_the_page_works():
    client = Client(enforce_csrf_checks=True)
    client.get(URL)
    token = client.cookies["csrftoken"].value
    response = client.post(URL, form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert User.objects.count() == 1
