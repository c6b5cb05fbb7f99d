"""The state every stage of the demo seed shares: the seed, the clock and the progress report."""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from helpdesk.demo import people
from helpdesk.demo.plans import DEFAULT_SEED, Out


class SeederBase:
    """What the stage mixins of ``DemoSeeder`` rely on."""

    def __init__(self, *, out: Out, seed: int = DEFAULT_SEED, now: datetime | None = None):
        self.out = out
        self.seed = seed
        self.now = now or timezone.now()
        self.created: dict[str, int] = {}
        self.new_user_ids: list[int] = []

    def at(self, days_ago: float) -> datetime:
        return self.now - timedelta(days=days_ago)

    def progress(self, label: str, done: int, total: int, new: int) -> None:
        self.created[label] = new
        self.out(f"{label} {done}/{total}" + (f" ({new} new)" if new else ""))

    def _users_by_email(self) -> dict[str, User]:
        emails = [s.email for s in people.STAFF] + [c.email for c in people.CUSTOMERS]
        return {u.email: u for u in User.objects.filter(email__in=emails)}
