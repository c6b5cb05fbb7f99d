"""``manage.py show_demo_logins``: print the demo accounts and their password."""

from django.core.management.base import BaseCommand

from helpdesk.demo.logins import write_logins


class Command(BaseCommand):
    help = "Print the demo logins (run seed_demo first)."

    def handle(self, *args, **options):
        write_logins(self.stdout, style=self.style)
