"""Login lockout that rotating client addresses cannot get around.

django-axes records failed logins per (email, client address, user agent) and locks the
(email, address) pair after ``AXES_FAILURE_LIMIT`` failures. This handler adds two wider
limits over the same records within the cool-off: ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures for
one email from any addresses lock that email everywhere, and ``LOGIN_IP_FAILURE_LIMIT``
failures from one address for any emails lock that address.

The lockout parameters stay the pair on purpose: axes also *resets* by them after a successful
login, and resetting "every record of this address" would let someone who signs in to their own
account wipe the failures they caused against others from the same address.

The price of the account-wide limit is that anyone can pause logins to an account by failing
often enough. The owner is never shut out for good: a password reset (a link sent to the
address) lifts the lockout (accounts.services.user_password_set), and the pause ends by itself
after the cool-off.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _failures(queryset) -> int:
    return queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the account-wide and address-wide limits."""

    def get_failures(self, request, credentials=None) -> int:
        """The pair's failures, or the pair's limit when a wider limit is reached (axes locks
        out when this reaches ``AXES_FAILURE_LIMIT``)."""
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures >= limit:
            return failures
        recent = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        per_account = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        if username and per_account > 0 and _failures(
                recent.filter(username=username)) >= per_account:
            return limit
        ip_address = getattr(request, "axes_ip_address", None)
        per_ip = settings.LOGIN_IP_FAILURE_LIMIT
        if ip_address and per_ip > 0 and _failures(
                recent.filter(ip_address=ip_address)) >= per_ip:
            return limit
        return failures
