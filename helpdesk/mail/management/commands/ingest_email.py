"""``python manage.py ingest_email [FILE]``: ingest one raw message from a file or stdin.

For a mail server's pipe transport (e.g. Postfix ``pipe`` or an alias to
``|manage.py ingest_email``), which reads the exit status as sysexits(3):

- 0: the message is recorded, whatever the outcome (created, appended, quarantined, ignored,
  duplicate). Hostile or broken mail is quarantined, not bounced: a bounce would go to an
  address the sender may have forged.
- 75 (EX_TEMPFAIL): it could not be stored now (database or storage unavailable); the mail
  server keeps it and tries again.
- 65 (EX_DATAERR): there is no message (empty input); logged as rejected, the server bounces.
"""

import logging
import sys

from django.core.management.base import BaseCommand, CommandError

from helpdesk.mail.inbound import IngestDeferred, email_ingest

logger = logging.getLogger(__name__)

EX_DATAERR = 65
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
            logger.warning("inbound email rejected: the message is empty")
            self.stderr.write("rejected: the message is empty")
            sys.exit(EX_DATAERR)
        try:
            result = email_ingest(raw, source="command")
        except IngestDeferred as exc:
            self.stderr.write(f"temporary failure: {exc}")
            sys.exit(EX_TEMPFAIL)
        inbound = result.inbound
        state = "duplicate" if result.duplicate else inbound.status
        conversation = inbound.conversation.reference if inbound.conversation_id else "-"
        self.stdout.write(f"{state} {inbound.reason or '-'} {conversation}")
