"""The email channel: the outbox (outbox.py), replies out (outbound.py), mail in (inbound.py),
signed reply addresses (tokens.py), the IMAP poller (imap.py) and the provider webhook
(views.py). See docs/email.md."""
