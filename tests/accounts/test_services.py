import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts import services
from accounts.choices import Role
from accounts.models import Address
from tests.factories import AddressFactory, AgentFactory, CustomerFactory, UserFactory
from tests.services import require


@pytest.mark.django_db
def test_customer_create_gives_profile_and_customer_role_only():
    user = services.customer_create(email="Ivan@Example.COM", password="Pw-123456789",
                                     full_name="Ivan", language="ru")
    assert user.email == "ivan@example.com"
    assert user.customer_profile.tier == "standard"
    assert user.has_role(Role.CUSTOMER)
    assert not user.has_role(Role.AGENT) and not user.is_staff


@pytest.mark.django_db
def test_user_set_language_ignores_unknown_languages():
    user = UserFactory(language="en")
    assert services.user_set_language(user=user, language="de") is False
    assert services.user_set_language(user=user, language="ru") is True
    user.refresh_from_db()
    assert user.language == "ru"


@pytest.mark.django_db
def test_password_reset_request_skips_inactive_users_and_passwordless_staff(
    django_capture_on_commit_callbacks,
):
    active = CustomerFactory()
    inactive = CustomerFactory(is_active=False)
    inactive_passwordless = CustomerFactory(is_active=False, password=None)
    passwordless_staff = AgentFactory(password=None)
    # A customer without a password (created from an inbound email) claims the account here.
    passwordless_customer = CustomerFactory(password=None)
    with django_capture_on_commit_callbacks() as callbacks:
        counts = [services.password_reset_request(email=u.email)
                  for u in (active, inactive, inactive_passwordless, passwordless_staff,
                            passwordless_customer)]
    assert counts == [1, 0, 0, 0, 1]
    assert len(callbacks) == 2


@pytest.mark.django_db
def test_address_create_validates_the_model():
    user = CustomerFactory()
    with pytest.raises(ValidationError) as error:
        services.address_create(user=user, recipient="X", line1="", city="Moscow",
                                postal_code="1", country="RU")
    assert "line1" in error.value.message_dict
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_address_set_default_keeps_exactly_one_default():
    user = CustomerFactory()
    a = AddressFactory(user=user, is_default=True)
    b = AddressFactory(user=user)
    other_users = AddressFactory(is_default=True)

    for target in (b, a, b, b):
        services.address_set_default(address=target)
        assert list(Address.objects.filter(user=user, is_default=True)) == [target]
    other_users.refresh_from_db()
    assert other_users.is_default


@pytest.mark.django_db
def test_address_set_default_does_one_locking_read_and_two_updates(django_assert_max_num_queries):
    user = CustomerFactory()
    AddressFactory(user=user, is_default=True)
    b = AddressFactory(user=user)
    with django_assert_max_num_queries(5):  # savepoint, lock, clear, set, release
        services.address_set_default(address=b)


@pytest.mark.django_db
def test_deleting_the_only_address_leaves_none():
    address = AddressFactory(is_default=True)
    services.address_delete(address=address)
    assert not Address.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_set_default_on_postgresql_never_breaks_the_one_default_rule():
    require(connection.vendor == "postgresql",
            "needs PostgreSQL (DATABASE_URL=postgres://...) for real row locks")
    user = CustomerFactory()
    addresses = [AddressFactory(user=user, is_default=(i == 0)) for i in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(addresses))

    def make_default(address):
        try:
            start.wait()
            for _ in range(5):
                services.address_set_default(address=address)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=make_default, args=(a,)) for a in addresses]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    assert Address.objects.filter(user=user, is_default=True).count() == 1
