"""What the conversation core tells the apps on top of it (mail, chat, ...), which connect to
these in their ``AppConfig.ready()``: the core imports none of them (docs/architecture.md).

Each signal says where it is sent from and whether its receivers run inside the transaction of
the change: a receiver that writes rows there commits or rolls back with the change; anything
that leaves the database (an email, a task, a broadcast) is scheduled with
``transaction.on_commit`` / ``delay_on_commit`` so nobody hears of a change that rolled back.
"""

from django.dispatch import Signal

message_posted = Signal()
"""A message was written: ``services.messages.message_post`` (not for a resend of one).

Sent within the block that wrote it, before its broadcast. Arguments: ``message`` (its
``conversation`` and ``author`` attached) and ``may_email``: what
``services.messages.message_emails`` says of it (an agent's answer in an email or
written-request conversation); such a message is always posted in a transaction (the
caller's, or message_post's own), so the receivers' rows commit or roll back with it (the mail
app writes the reply's outbox row here). Any other message may be a single autocommitted
statement on PostgreSQL: its receivers then run after it committed. The chat's fast path
(``helpdesk.chat.consumers.chat_fast``) posts text messages without sending this; it takes
only messages whose ``may_email`` would be False.
"""

conversation_resolved = Signal()
"""A conversation was resolved: ``services.conversations.conversation_resolve`` (not when it
was resolved or closed already).

Sent inside the transaction that resolved it, the conversation's row locked. Argument:
``conversation``. Receivers schedule their work after commit (the chat app emails the
transcript of a chat with ``delay_on_commit``).
"""
