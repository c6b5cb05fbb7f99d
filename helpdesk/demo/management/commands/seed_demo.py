"""``manage.py seed_demo``: fill the help desk with demo data (idempotent), then print logins."""

import time

from django.core.management.base import BaseCommand

from helpdesk.demo.logins import write_logins
from helpdesk.demo.seed import DEFAULT_SEED, seed_demo


class Command(BaseCommand):
    help = ("Create demo staff, customers, orders, returns, help articles, canned replies and "
            "six months of conversations. Running it again creates nothing new.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="Seed of the random choices (default %(default)s).")
        parser.add_argument("--no-logins", action="store_true",
                            help="Do not print the demo logins at the end.")

    def handle(self, *args, seed: int, no_logins: bool, **options):
        started = time.monotonic()
        created = seed_demo(out=self.stdout.write, seed=seed)
        total = sum(created.values())
        elapsed = time.monotonic() - started
        if total:
            self.stdout.write(self.style.SUCCESS(
                f"Demo data ready: {total} objects created in {elapsed:.1f} s."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already present: nothing to do."))
        if not no_logins:
            write_logins(self.stdout, style=self.style)
