"""Reporting a problem with an order: a conversation that already carries the order and the
topic, opened through conversations.conversation_open (the live chat reuses it with
channel=chat)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Topic
from helpdesk.models import Channel, Conversation
from helpdesk.services.conversations import conversation_open


class OrderProblem(models.TextChoices):
    NOT_RECEIVED = "not_received", gettext_lazy("My order has not arrived")
    WRONG_OR_MISSING = "wrong_or_missing", gettext_lazy("Wrong or missing item")
    DAMAGED = "damaged", gettext_lazy("An item arrived damaged")
    PAYMENT = "payment", gettext_lazy("Payment problem")


PROBLEM_TOPICS = {
    OrderProblem.NOT_RECEIVED: Topic.ORDERS,
    OrderProblem.WRONG_OR_MISSING: Topic.ORDERS,
    OrderProblem.DAMAGED: Topic.RETURNS,
    OrderProblem.PAYMENT: Topic.PAYMENT,
}


def order_problem_report(*, customer, order, problem: str, description: str,
                         channel: str = Channel.WEB, client_id: str = "",
                         source_article_id: int | str | None = None) -> Conversation:
    """Open a conversation about ``problem`` with ``order`` (which must be the customer's).

    The subject names the problem and the order in the customer's language, so agents and
    the customer's "My requests" read it at a glance.
    """
    if problem not in OrderProblem.values:
        raise ValidationError({"problem": _("Choose what went wrong.")})
    with translation.override(customer.language):
        subject = _("%(problem)s (order %(number)s)") % {
            "problem": OrderProblem(problem).label, "number": order.number}
    return conversation_open(
        customer=customer, channel=channel, topic=PROBLEM_TOPICS[OrderProblem(problem)],
        description=description, order=order, subject=subject, client_id=client_id,
        source_article_id=source_article_id,
    )
