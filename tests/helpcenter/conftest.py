"""The help center's tests use the chat's users (customers, an agent who is present)."""

from tests.chat.conftest import customer, other_customer  # noqa: F401 - fixtures
