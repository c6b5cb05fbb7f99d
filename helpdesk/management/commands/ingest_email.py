"""``python manage.py ingest_email [FILE]``: ingest one raw message from a file or stdin.

For a mail server's pipe transport (e.g. Postfix ``pipe`` or an alias to
``|manage.py ingest_email``). Exit 0 when the message was handled (whatever the outcome:
created, appended, quarantined, ignored, duplicate); 75 (EX_TEMPFAIL) when it could not be
stored, so the mail server keeps it and tries again.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from helpdesk.email.inbound import email_ingest

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Ingest one raw RFC 822 email from FILE or standard input."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-",
                            help="Path of the .eml file; '-' or nothing reads standard input.")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            if path == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as fh:
                    raw = fh.read()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        if not raw.strip():
            raise CommandError("the message is empty")
        try:
            result = email_ingest(raw, source="command")
        except DatabaseError as exc:
            self.stderr.write(f"temporary failure: {exc}")
            sys.exit(EX_TEMPFAIL)
        inbound = result.inbound
        state = "duplicate" if result.duplicate else inbound.status
        conversation = inbound.conversation.reference if inbound.conversation_id else "-"
        self.stdout.write(f"{state} {inbound.reason or '-'} {conversation}")
