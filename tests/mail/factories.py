"""The suite's user factories with proved addresses.

Mail goes only to addresses their accounts have proved (``accounts.selectors.email_trusted``,
the outbox's gate), and mail from an unproved one is held; the email tests are about
everything else, so their people have verified their address unless a test says otherwise
(``email_verified_at=None``).
"""

import factory
from django.utils import timezone

from tests import factories


class CustomerFactory(factories.CustomerFactory):
    email_verified_at = factory.LazyFunction(timezone.now)


class AgentFactory(factories.AgentFactory):
    email_verified_at = factory.LazyFunction(timezone.now)


class ManagerFactory(factories.ManagerFactory):
    email_verified_at = factory.LazyFunction(timezone.now)
