"""factory_boy factories shared by the whole suite.

Keep one section per app, in dependency order (accounts, orders, faq, helpdesk). Every user
factory takes ``password`` (default ``PASSWORD``) and stores it hashed.
"""

import factory
from django.contrib.auth.models import Group

from accounts.choices import Language, Role
from accounts.models import Address, AgentProfile, CustomerProfile, User

PASSWORD = "Tr0ub4dor&3-horse"  # passes every configured password validator


# --- accounts -------------------------------------------------------------------------------

class UserFactory(factory.django.DjangoModelFactory):
    """A plain user with no role."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    language = Language.EN
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


def _add_role(user: User, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))


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
