"""The conversation core: teams, conversations, messages, attachments, canned replies, ratings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, Topic
from orders.models import make_reference


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True,
                                     verbose_name=_("members"),
                                     limit_choices_to={"is_staff": True})
    topics = models.JSONField(_("topics"), default=list, blank=True,
                              help_text=_("Topics routed to this team; empty means any."))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    """A label agents put on conversations (filters, bulk actions, macros, reports)."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    CHAT = "chat", _("Live chat")
    EMAIL = "email", _("Email")
    WEB = "web", _("Written request")
    PHONE = "phone", _("Phone")


class Status(models.TextChoices):
    WAITING = "waiting", _("Waiting in queue")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# A conversation in one of these is over: no new chat message, no assignment; reopening ends it.
CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)
# Open work: what the agents' inbox shows (``selectors.OPEN_STATUSES``).
OPEN_WORK = ("waiting", "open", "pending")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


def conversation_reference():
    return make_reference("HD")


class Conversation(models.Model):
    reference = models.CharField(_("reference"), max_length=16, unique=True,
                                 default=conversation_reference, editable=False)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="conversations", verbose_name=_("customer"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices,
                               default=Channel.CHAT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.WAITING)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices,
                             default=Topic.ORDERS)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices,
                                                default=Priority.NORMAL)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices,
                                default=Language.EN)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    order = models.ForeignKey("orders.Order", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="conversations", verbose_name=_("order"))
    # The help article the customer read last before opening this (within
    # ARTICLE_ATTRIBUTION_MINUTES): a sign that the article did not answer the question.
    source_article = models.ForeignKey("faq.Article", on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="+",
                                       verbose_name=_("article read before"))
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="conversations", verbose_name=_("team"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="assigned_conversations",
                                 verbose_name=_("agent"), limit_choices_to={"is_staff": True})
    # Highest sequence number given to a message; messages take last_seq + 1 under a row lock.
    last_seq = models.PositiveIntegerField(_("last sequence number"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), db_index=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    tags = models.ManyToManyField(Tag, related_name="conversations", blank=True,
                                  verbose_name=_("tags"))
    # The returns this conversation is about: requesting one opens or joins the customer's
    # conversation (helpdesk.services.returns), and agents decide it from there.
    return_requests = models.ManyToManyField("orders.ReturnRequest", related_name="conversations",
                                             blank=True, verbose_name=_("returns"))
    # Live SLA: when the agent's next answer is due (the first response, or the answer to the
    # customer's latest unanswered message), in business hours; None while nothing is owed
    # (answered, waiting for the customer, closed). The inbox sorts and filters by it.
    response_due_at = models.DateTimeField(_("answer due"), null=True, blank=True,
                                           editable=False)
    # When the assignee was warned of the coming breach, and when the team was told of the
    # breach, for the current due time (cleared when a new one is set): each is sent once.
    sla_warned_at = models.DateTimeField(_("SLA warning sent"), null=True, blank=True,
                                         editable=False)
    sla_breached_at = models.DateTimeField(_("SLA breached"), null=True, blank=True,
                                           editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "channel"], name="conv_status_channel_idx"),
            models.Index(fields=["assignee", "status"], name="conv_assignee_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="conv_customer_idx"),
            models.Index(fields=["status", "response_due_at"], name="conv_status_due_idx"),
            # The inbox's sorts over open work (helpdesk.selectors.inbox): read in order and
            # stop at a page, instead of joining and sorting every open conversation.
            # (PostgreSQL's ascending order puts NULLs last, as the due sort does.)
            models.Index(fields=["response_due_at", "id"],
                         name="conv_open_due_idx", condition=Q(status__in=OPEN_WORK)),
            models.Index(Coalesce("queued_at", "created_at"), F("id"),
                         name="conv_open_wait_idx", condition=Q(status__in=OPEN_WORK)),
        ]

    def __str__(self):
        return self.reference


class AuthorRole(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    NOTE = "note", _("Internal note")
    EVENT = "event", _("Event")


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="messages", verbose_name=_("conversation"))
    seq = models.PositiveIntegerField(_("sequence number"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))
    author_role = models.CharField(_("author role"), max_length=10, choices=AuthorRole.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices,
                            default=MessageKind.MESSAGE)
    body = models.TextField(_("text"), blank=True)
    # The sender's idempotency key: resending with the same one never makes a second message.
    client_id = models.CharField(_("client id"), max_length=64, blank=True)
    # For kind=event: what happened ("assigned", "transferred", "resolved", ...); the body then
    # holds the name it is about and clients show a translated sentence.
    event = models.CharField(_("event"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("sent"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(fields=["conversation", "author", "client_id"],
                                    condition=~models.Q(client_id=""),
                                    name="message_client_id_unique"),
        ]
        # The chat's rate limit counts each user's recent messages (selectors.over_rate_limit).
        indexes = [models.Index(fields=["author", "created_at"], name="message_author_recent")]

    def __str__(self):
        return f"{self.conversation_id}#{self.seq}"

    @property
    def is_internal(self) -> bool:
        return self.kind == MessageKind.NOTE


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("message"))
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_inline_image(self) -> bool:
        """Shown inline (by the chat app): only images re-encoded by ``photo_clean``. Every other
        file, however it was labelled, is a download (the mail app's; see
        ``services.messages.ATTACHMENT_URL_NAMES``)."""
        return self.content_type in INLINE_IMAGE_TYPES


# The content types photo_clean produces: the only ones ever served inline.
INLINE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


class CannedReply(models.Model):
    title = models.CharField(_("title"), max_length=120)
    shortcut = models.SlugField(_("shortcut"), max_length=40, unique=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices,
                                default=Language.EN)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="canned_replies", verbose_name=_("team"),
                             help_text=_("Empty: available to every team."))
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Placeholders: {customer_name}, {customer_email}, {order_number}, "
                    "{carrier}, {tracking_number}, {tracking_status}, {estimated_delivery}, "
                    "{agent_name}, {reference}. Empty: the macro only acts."),
    )
    # A macro: the reply above plus what applying it changes (helpdesk.services.macros).
    # A personal macro has an owner: only they see, edit and apply it (the console); the others
    # are the managers' (the admin), shown to a team's members or, without a team, to everyone.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                              blank=True, related_name="personal_macros", editable=False,
                              verbose_name=_("owner"))
    set_status = models.CharField(
        _("set status"), max_length=10, blank=True,
        choices=[(Status.PENDING, Status.PENDING.label), (Status.RESOLVED, Status.RESOLVED.label)])
    set_topic = models.CharField(_("set topic"), max_length=20, choices=Topic.choices,
                                 blank=True)
    set_priority = models.PositiveSmallIntegerField(_("set priority"), choices=Priority.choices,
                                                    null=True, blank=True)
    tags = models.ManyToManyField(Tag, related_name="macros", blank=True,
                                  verbose_name=_("add tags"))
    transfer_team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("transfer to team"))

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title"]

    def __str__(self):
        return self.title


class MacroUse(models.Model):
    """One application of a macro (for the reports' usage figure)."""

    macro = models.ForeignKey(CannedReply, on_delete=models.CASCADE, related_name="uses",
                              verbose_name=_("canned reply"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+", verbose_name=_("agent"))
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("conversation"))
    used_at = models.DateTimeField(_("used"), db_index=True)

    class Meta:
        verbose_name = _("macro use")
        verbose_name_plural = _("macro uses")

    def __str__(self):
        return f"{self.macro_id} @ {self.conversation_id}"


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound (the customer called)")
    OUTBOUND = "outbound", _("Outbound (we called)")


class CallOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    CALLBACK = "callback", _("Callback requested")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    NO_ANSWER = "no_answer", _("No answer")


class PhoneCall(models.Model):
    """A phone call an agent logged (``services.calls.call_log``); it lives in a conversation."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="phone_calls", verbose_name=_("conversation"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+", verbose_name=_("agent"))
    direction = models.CharField(_("direction"), max_length=8, choices=CallDirection.choices)
    phone_number = models.CharField(_("phone number"), max_length=32)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=CallOutcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    order = models.ForeignKey("orders.Order", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("order"))
    created_at = models.DateTimeField(_("logged"), db_index=True)

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_direction_display()} {self.created_at:%Y-%m-%d %H:%M}"


class RatingSource(models.TextChoices):
    CHAT = "chat", _("In the chat")
    SURVEY = "survey", _("Survey email")


class SatisfactionRating(models.Model):
    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE,
                                        related_name="rating", verbose_name=_("conversation"))
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=RatingSource.choices)
    created_at = models.DateTimeField(_("rated"))

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                              name="rating_score_1_to_5")]

    def __str__(self):
        return f"{self.conversation} {self.score}/5"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessHours(models.Model):
    """When the phone line is staffed on a weekday, in settings.SUPPORT_TIME_ZONE.

    A weekday without a row is closed. Written requests count business days by the same rows.
    """

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        ordering = ["weekday"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                              name="business_hours_close_after_open")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class Holiday(models.Model):
    """A day the phone line is closed and that does not count as a business day."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


# --- Live chat: presence (assignment needs it) ---------------------------------------------------


class AgentPresence(models.Model):
    """When an agent's console last proved it is connected (refreshed by its websocket).

    ``AgentProfile.status`` says what the agent wants (online, away, offline); presence says
    whether a console is actually there. Assignment needs both.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="presence",
                                verbose_name=_("agent"))
    last_seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("agent presence")
        verbose_name_plural = _("agent presences")

    def __str__(self):
        return f"{self.user_id} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


# --- The agent console: saved inbox views -----------------------------------------------------


class SavedView(models.Model):
    """An agent's named inbox filters and sort (the console's query string, validated by
    ``selectors.inbox_query_parse``); each agent sees and deletes only their own."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="saved_views", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=60)
    query = models.JSONField(_("filters"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"],
                                               name="savedview_owner_name_unique")]

    def __str__(self):
        return self.name
