"""Build the demo help desk: staff, customers, orders, returns, articles, replies and history.

``seed_demo`` is idempotent. Everything it creates has a stable natural key (an email, an order
number, a reference, a slug, a shortcut) and every random choice comes from
``random.Random`` seeded per stage, so a second run plans exactly the same objects, finds them
all, and writes nothing. Dates are planned as "days before now", so the stories (a parcel
stuck in transit, a recent delivery inside the return window) hold on the day of the seed.

History (delivered orders, closed returns, resolved conversations) is written in bulk with
explicit timestamps instead of replaying the live services: those services notify people
(return emails, chat assignment, websocket broadcasts) about events that happened months ago.
Accounts, articles and the conversations still open today go through the services.
"""

from datetime import datetime

from django.db import transaction

from helpdesk.demo.plans import (  # noqa: F401 (re-exported for the command and the tests)
    DEFAULT_SEED,
    Out,
    account_number,
    damaged_order_number,
    order_number,
    stuck_order_number,
)
from helpdesk.demo.seed_conversations import ConversationsSeeder
from helpdesk.demo.seed_helpcenter import HelpCenterSeeder
from helpdesk.demo.seed_orders import OrdersSeeder
from helpdesk.demo.seed_people import PeopleSeeder


class DemoSeeder(PeopleSeeder, HelpCenterSeeder, OrdersSeeder, ConversationsSeeder):
    """Plans the demo data deterministically and writes what is missing."""

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.seed_staff()
            self.seed_customers()
            self.seed_articles()
            self.seed_canned_replies()
            order_plans = self.plan_orders()
            return_plans = self.plan_returns(order_plans)
            self.seed_orders(order_plans)
            self.seed_returns(return_plans)
            self.seed_conversations(self.plan_conversations(order_plans))
            self.set_passwords()
        return self.created


def seed_demo(*, out: Out, seed: int = DEFAULT_SEED, now: datetime | None = None) -> dict:
    """Create whatever part of the demo data is missing; return what was created per kind."""
    return DemoSeeder(out=out, seed=seed, now=now).run()
