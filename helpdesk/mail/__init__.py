"""The email channel: the outbox (outbox.py writes rows in the caller's transaction; delivery.py
and send_tasks.py send them), replies and acknowledgements out (outbound.py), mail in (the
inbound/ and parsing/ packages, authresults.py), signed reply addresses (tokens.py), sealed
links (secrets.py), the IMAP poller (imap.py) and the provider webhook (views.py). See
docs/email.md."""
