"""The email channel's tables: the outbox, the inbound log, the IMAP position."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Conversation, Message


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Reply to a request")
    ACKNOWLEDGEMENT = "ack", _("Acknowledgement of a request")
    SURVEY = "survey", _("Satisfaction survey")
    SURVEY_REMINDER = "reminder", _("Survey reminder")
    TRANSCRIPT = "transcript", _("Chat transcript")
    RETURN_STATUS = "return", _("Return status")
    PASSWORD_RESET = "password", _("Password reset")
    VERIFY = "verify", _("Address verification")
    NOTIFICATION = "notice", _("Other notification")


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # To the address of an account that has not proved it: only proof links go there.
    WITHHELD = "withheld", _("Not sent: address not verified")


class OutboundEmail(models.Model):
    """One email to send, written in the transaction that caused it (helpdesk.mail.outbox).

    ``message_id`` is fixed when the row is written, so every retry sends the same Message-ID
    and a receiver that got a message twice can tell. A worker claims the row (pending ->
    sending) before it talks to the mail server; the sweeper re-sends rows whose claim has
    expired or whose task was lost.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=OutboundKind.choices)
    status = models.CharField(_("status"), max_length=8, choices=OutboundStatus.choices,
                              default=OutboundStatus.PENDING)
    conversation = models.ForeignKey(Conversation, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="outbound_emails",
                                     verbose_name=_("conversation"))
    conversation_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True,
                                             blank=True, related_name="+",
                                             verbose_name=_("message"))
    # Makes enqueueing idempotent: "reply:<message id>", "survey:<id>:1", ...
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    from_email = models.CharField(_("from"), max_length=320)
    to = models.JSONField(_("to"), default=list)
    reply_to = models.CharField(_("reply to"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # The live links and reply addresses of the email, encrypted; the text, HTML, Reply-To
    # and headers above hold placeholders for them. Wiped once sent (helpdesk.mail.secrets).
    sealed = models.TextField(_("sealed links"), blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        db_table = "helpdesk_outboundemail"  # created as a helpdesk model: the table kept its name
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], condition=~models.Q(dedupe_key=""),
                                    name="outbound_dedupe_key_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_status_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.message_id}"


class InboundStatus(models.TextChoices):
    CREATED = "created", _("Started a conversation")
    APPENDED = "appended", _("Added to a conversation")
    QUARANTINED = "quarantined", _("Quarantined")
    IGNORED = "ignored", _("Ignored")


class InboundEmail(models.Model):
    """Every email received, once (unique Message-ID and unique hash of the raw bytes).

    Quarantined mail (forged reply tokens, rate limits, staff senders, unparseable) keeps its
    raw bytes for review; nothing of it reached a conversation.
    """

    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the raw message"), max_length=64, unique=True)
    source = models.CharField(_("source"), max_length=16)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(_("outcome"), max_length=12, choices=InboundStatus.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="inbound_emails",
                                     verbose_name=_("conversation"))
    conversation_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True,
                                             blank=True, related_name="+",
                                             verbose_name=_("message"))
    raw = models.FileField(_("raw message"), upload_to="inbound/%Y/%m/", blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)

    class Meta:
        db_table = "helpdesk_inboundemail"  # created as a helpdesk model: the table kept its name
        verbose_name = _("incoming email")
        verbose_name_plural = _("incoming emails")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], condition=~models.Q(message_id=""),
                                    name="inbound_message_id_unique"),
        ]
        indexes = [
            models.Index(fields=["from_address", "received_at"], name="inbound_sender_idx"),
        ]

    def __str__(self):
        return f"{self.from_address}: {self.subject}"


class ImapState(models.Model):
    """How far the IMAP poller has read one mailbox (UIDs are valid within a UIDVALIDITY)."""

    mailbox = models.CharField(_("mailbox"), max_length=200, unique=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), default=0)
    last_uid = models.BigIntegerField(_("last UID read"), default=0)
    # UIDs at or before last_uid not stored yet -> attempts made (helpdesk.mail.imap).
    retry = models.JSONField(_("messages to try again"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "helpdesk_imapstate"  # created as a helpdesk model: the table kept its name
        verbose_name = _("IMAP mailbox position")
        verbose_name_plural = _("IMAP mailbox positions")

    def __str__(self):
        return f"{self.mailbox} @ {self.last_uid}"
