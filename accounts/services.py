"""Every write to accounts goes through these functions."""

from django.conf import settings
from django.db import transaction

from accounts.models import CustomerProfile, User


def user_set_language(*, user: User, language: str) -> bool:
    """Store ``language`` as the user's preference if it is one of ours."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True


@transaction.atomic
def customer_sign_up(*, email: str, password: str, full_name: str, language: str = "en") -> User:
    """Create a customer with a profile and the customer role."""
    from django.contrib.auth.models import Group

    from accounts.choices import Role

    user = User.objects.create_user(email=email, password=password, full_name=full_name,
                                    language=language)
    CustomerProfile.objects.create(user=user)
    user.groups.add(Group.objects.get(name=Role.CUSTOMER))
    return user
