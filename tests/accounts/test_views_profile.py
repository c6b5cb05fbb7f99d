import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Address, CustomerProfile
from tests.accounts.conftest import MODEL_BACKEND
from tests.accounts.html import field_errors
from tests.factories import AddressFactory, CustomerFactory

PROFILE = reverse("accounts:profile")
ADDRESSES = reverse("accounts:addresses")


def profile_data(**overrides):
    return {"full_name": "Olga Smirnova", "phone": "+7 495 123-45-67", "language": "zh-hans",
            "notify_order_updates": "on", "notify_promotions": "on", **overrides}


@pytest.mark.django_db
def test_my_account_page_links_every_account_page(customer_client, customer):
    page = customer_client.get(reverse("accounts:account")).content.decode()
    for name in ["accounts:profile", "accounts:addresses", "accounts:password_change"]:
        assert f'href="{reverse(name)}"' in page
    assert customer.email in page


@pytest.mark.django_db
def test_account_pages_need_login(client):
    for name in ["accounts:account", "accounts:profile", "accounts:addresses",
                 "accounts:address_add"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_profile_edit_saves_name_phone_language_and_notifications(customer_client, customer):
    form = customer_client.get(PROFILE).context["form"]
    assert form.initial["full_name"] == "Olga Ivanova"
    assert form.initial["notify_surveys"] is True

    response = customer_client.post(PROFILE, profile_data())

    assert response.status_code == 302
    customer.refresh_from_db()
    profile = CustomerProfile.objects.get(user=customer)
    assert customer.full_name == "Olga Smirnova"
    assert customer.language == "zh-hans"
    assert profile.phone == "+7 495 123-45-67"
    assert (profile.notify_order_updates, profile.notify_request_replies,
            profile.notify_surveys, profile.notify_promotions) == (True, False, False, True)
    # The next page is in the newly chosen language.
    page = customer_client.get(response["Location"])
    assert '<html lang="zh-hans">' in page.content.decode()


@pytest.mark.django_db
def test_profile_errors_are_shown_next_to_their_field_in_russian(customer_client, customer):
    customer.language = "ru"
    customer.save(update_fields=["language"])

    response = customer_client.post(PROFILE, profile_data(full_name="", phone="call me",
                                                          language="ru"))

    page = response.content.decode()
    assert response.status_code == 200
    assert field_errors(page, "full_name") == ["Обязательное поле."]
    assert len(field_errors(page, "phone")) == 1
    assert field_errors(page, "language") == []
    customer.refresh_from_db()
    assert customer.full_name == "Olga Ivanova"


@pytest.mark.django_db
def test_profile_edit_creates_a_missing_profile(client):
    user = CustomerFactory(profile=None)
    assert not CustomerProfile.objects.filter(user=user).exists()
    client.force_login(user, backend=MODEL_BACKEND)

    client.post(PROFILE, profile_data(language="en"))

    assert CustomerProfile.objects.get(user=user).phone == "+7 495 123-45-67"


# --- Addresses ------------------------------------------------------------------------------

def address_data(**overrides):
    return {"label": "Work", "recipient": "Olga Ivanova", "phone": "", "line1": "1 Red Square",
            "line2": "", "city": "Moscow", "region": "", "postal_code": "109012",
            "country": "ru", **overrides}


@pytest.mark.django_db
def test_customer_adds_addresses_and_the_first_becomes_default(customer_client, customer):
    customer_client.post(reverse("accounts:address_add"), address_data())
    customer_client.post(reverse("accounts:address_add"), address_data(label="Dacha"))

    first, second = Address.objects.filter(user=customer).order_by("id")
    assert first.is_default and not second.is_default
    assert first.country == "RU"
    page = customer_client.get(ADDRESSES).content.decode()
    assert "1 Red Square" in page and "Dacha" in page


@pytest.mark.django_db
def test_address_errors_are_shown_next_to_their_field(customer_client, customer):
    customer.language = "ru"  # a signed-in customer's pages follow their profile's language
    customer.save(update_fields=["language"])

    response = customer_client.post(reverse("accounts:address_add"),
                                    address_data(city="", country="Russia"))
    page = response.content.decode()
    assert field_errors(page, "city") == ["Обязательное поле."]
    assert len(field_errors(page, "country")) == 1
    assert field_errors(page, "line1") == []
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_customer_edits_their_address(customer_client, customer):
    address = AddressFactory(user=customer, is_default=True)
    url = reverse("accounts:address_edit", args=[address.pk])
    assert customer_client.get(url).context["form"].instance == address

    response = customer_client.post(url, address_data(line1="2 Arbat", country="RU"))

    assert response.status_code == 302
    address.refresh_from_db()
    assert address.line1 == "2 Arbat" and address.is_default


@pytest.mark.django_db
def test_set_default_moves_the_flag_to_the_chosen_address(customer_client, customer):
    home = AddressFactory(user=customer, is_default=True)
    work = AddressFactory(user=customer)

    response = customer_client.post(reverse("accounts:address_set_default", args=[work.pk]))

    assert response.status_code == 302
    assert list(Address.objects.filter(user=customer, is_default=True)) == [work]
    home.refresh_from_db()
    assert not home.is_default
    assert customer_client.get(
        reverse("accounts:address_set_default", args=[work.pk])).status_code == 405


@pytest.mark.django_db
def test_deleting_the_default_address_promotes_the_next(customer_client, customer):
    home = AddressFactory(user=customer, is_default=True)
    work = AddressFactory(user=customer)
    url = reverse("accounts:address_delete", args=[home.pk])
    assert customer_client.get(url).status_code == 200  # the confirmation page
    assert Address.objects.filter(pk=home.pk).exists()

    customer_client.post(url)

    assert not Address.objects.filter(pk=home.pk).exists()
    work.refresh_from_db()
    assert work.is_default


@pytest.mark.django_db
@pytest.mark.parametrize("name,method", [
    ("accounts:address_edit", "get"), ("accounts:address_edit", "post"),
    ("accounts:address_delete", "get"), ("accounts:address_delete", "post"),
    ("accounts:address_set_default", "post"),
])
def test_customer_cannot_see_or_change_someone_elses_address(customer_client, name, method):
    theirs = AddressFactory(user=CustomerFactory(), is_default=True, line1="Secret 7")
    before = Address.objects.values().get(pk=theirs.pk)

    response = getattr(customer_client, method)(reverse(name, args=[theirs.pk]),
                                                address_data(line1="Hijacked"))

    assert response.status_code == 404
    assert "Secret 7" not in response.content.decode()
    assert Address.objects.values().get(pk=theirs.pk) == before


@pytest.mark.django_db
def test_missing_and_foreign_addresses_get_the_same_404(customer_client):
    theirs = AddressFactory()
    missing = customer_client.get(reverse("accounts:address_edit", args=[theirs.pk + 1000]))
    foreign = customer_client.get(reverse("accounts:address_edit", args=[theirs.pk]))
    assert missing.status_code == foreign.status_code == 404
    assert missing.content == foreign.content


@pytest.mark.django_db
def test_address_list_shows_only_my_addresses(customer_client, customer):
    AddressFactory(user=customer, line1="Mine 1")
    AddressFactory(line1="Not mine 2")
    page = customer_client.get(ADDRESSES).content.decode()
    assert "Mine 1" in page and "Not mine 2" not in page


@pytest.mark.django_db
def test_address_delete_without_csrf_token_is_forbidden(customer):
    address = AddressFactory(user=customer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer, backend=MODEL_BACKEND)
    response = client.post(reverse("accounts:address_delete", args=[address.pk]))
    assert response.status_code == 403
    assert Address.objects.filter(pk=address.pk).exists()
