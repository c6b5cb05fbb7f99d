"""The suite's user factories, for the email tests.

Mail goes only to addresses their accounts have proved (``accounts.selectors.email_trusted``,
the outbox's gate), and mail from an unproved one is held; the email tests are about
everything else, so their people have verified their address, as every factory of
tests/factories.py makes them, unless a test says otherwise (``email_verified_at=None``).
"""

from tests.factories import AgentFactory, CustomerFactory, ManagerFactory

__all__ = ["AgentFactory", "CustomerFactory", "ManagerFactory"]
