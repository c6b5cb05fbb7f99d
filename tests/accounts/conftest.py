import pytest

from tests.factories import CustomerFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; these tests log in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customer(db):
    return CustomerFactory(email="olga@example.com", full_name="Olga Ivanova")


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer, backend=MODEL_BACKEND)
    return client
