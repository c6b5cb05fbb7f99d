"""factory_boy factories shared by the whole suite.

Keep one section per app, in dependency order (accounts, orders, faq, helpdesk). Every user
factory takes ``password`` (default ``PASSWORD``) and stores it hashed.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.choices import Language, Role
from accounts.models import Address, AgentProfile, CustomerProfile, User
from orders.models import (
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    ProductCategory,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)

PASSWORD = "Tr0ub4dor&3-horse"  # passes every configured password validator


# --- accounts -------------------------------------------------------------------------------

class UserFactory(factory.django.DjangoModelFactory):
    """A plain user with no role, whose address is proved (``email_verified_at``).

    Tests send mail as production does, through the outbox and its gate
    (``accounts.selectors.email_trusted``: an unproved address receives only proof links), so
    people have verified their address unless a test says otherwise
    (``email_verified_at=None``, as tests of the gate and of sign-up do).
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    language = Language.EN
    password = PASSWORD
    email_verified_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


def _add_role(user: User, role: str) -> None:
    # get_or_create: transactional tests flush the groups the roles migration made. A group
    # recreated here has no permissions; tests that need them call helpdesk.roles.sync_roles.
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)


class CustomerFactory(UserFactory):
    """A customer: the ``customer`` group and a CustomerProfile (``profile__tier=...``)."""

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    profile = factory.RelatedFactory(
        "tests.factories.CustomerProfileFactory", factory_related_name="user"
    )

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            _add_role(self, Role.CUSTOMER)


class CustomerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    user = factory.SubFactory(UserFactory)


class AgentFactory(UserFactory):
    """An agent: staff, the ``agent`` group and an AgentProfile (``agent_profile__status=...``)."""

    email = factory.Sequence(lambda n: f"agent{n}@example.com")
    is_staff = True
    agent_profile = factory.RelatedFactory(
        "tests.factories.AgentProfileFactory", factory_related_name="user"
    )

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            _add_role(self, Role.AGENT)


class AgentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentProfile

    user = factory.SubFactory(UserFactory, is_staff=True)


class ManagerFactory(UserFactory):
    """A manager: staff and the ``manager`` group."""

    email = factory.Sequence(lambda n: f"manager{n}@example.com")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            _add_role(self, Role.MANAGER)


class AddressFactory(factory.django.DjangoModelFactory):
    """An address; not the default unless ``is_default=True`` (mind one default per user)."""

    class Meta:
        model = Address

    user = factory.SubFactory(CustomerFactory)
    label = "Home"
    recipient = factory.LazyAttribute(lambda a: a.user.full_name)
    line1 = factory.Sequence(lambda n: f"{n} Tverskaya Street")
    city = "Moscow"
    postal_code = "125009"
    country = "RU"
    is_default = False


# --- orders ---------------------------------------------------------------------------------

class OrderFactory(factory.django.DjangoModelFactory):
    """An order placed a week ago, paid, not yet shipped; ``DeliveredOrderFactory`` for one
    that arrived. Add items with ``OrderItemFactory(order=...)``."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"{70000000 + n}")
    customer = factory.SubFactory(CustomerFactory)
    status = OrderStatus.PROCESSING
    payment_status = PaymentStatus.PAID
    payment_method = "Card"
    currency = "RUB"
    total = Decimal("0.00")
    shipping_address = "1 Tverskaya Street, Moscow, 125009"
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))


class DeliveredOrderFactory(OrderFactory):
    status = OrderStatus.DELIVERED
    delivered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = ProductCategory.HOME
    quantity = 1
    unit_price = Decimal("1000.00")


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    carrier = "Boxberry"
    tracking_number = factory.Sequence(lambda n: f"BB{n:010d}RU")
    status = ShipmentStatus.IN_TRANSIT
    shipped_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    estimated_delivery = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=2))


class TrackingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingEvent

    shipment = factory.SubFactory(ShipmentFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=4))
    location = "Moscow sorting centre"
    status = ShipmentStatus.IN_TRANSIT
    description = "Arrived at the sorting centre"
