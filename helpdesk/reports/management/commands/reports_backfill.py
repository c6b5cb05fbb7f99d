"""Compute the stored business-hours timings of every conversation that lacks fresh ones."""

import time

from django.core.management.base import BaseCommand

from helpdesk.reports.timings import conversation_timings_refresh


class Command(BaseCommand):
    help = "Compute stored business-hours timings for conversations whose timings are missing or stale."

    def handle(self, *args, **options):
        started = time.monotonic()
        written = conversation_timings_refresh()
        self.stdout.write(f"{written} conversation timings written in "
                          f"{time.monotonic() - started:.1f} s")
