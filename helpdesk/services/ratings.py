"""The customer's satisfaction rating of a conversation: one per conversation, whichever path
it comes by (the chat page, a survey link).

The rule is "one rating, the first stays": a rating records how the customer felt when the
conversation ended. The reports count it, a low one flags its survey for a manager's review,
and a score that could change afterwards would move figures already read and clear or raise a
flag behind the reviewer's back. A customer with more to say can reply or reopen the request.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import CLOSED_STATUSES, Conversation, RatingSource, SatisfactionRating

MAX_COMMENT = 2000


def rating_score_clean(score) -> int:
    """``score`` as a 1-5 integer; ValidationError ({"score": ...}) otherwise."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    return score


def rating_answered() -> ValidationError:
    """The error a second rating gets (code "answered")."""
    return ValidationError(_("You have already rated this conversation. Thank you!"),
                           code="answered")


def rating_exists(*, conversation_id: int) -> bool:
    return SatisfactionRating.objects.filter(conversation_id=conversation_id).exists()


def rating_record(*, conversation_id: int, score, comment: str, source: str,
                  now=None) -> SatisfactionRating:
    """Record the customer's rating of a conversation, once: a second one (by any path) raises
    ValidationError with code "answered" and changes nothing. The caller checked that the
    customer may rate it; the one-to-one column settles concurrent submissions."""
    score = rating_score_clean(score)
    comment = (comment or "").strip()[:MAX_COMMENT]
    if rating_exists(conversation_id=conversation_id):
        raise rating_answered()
    try:
        with transaction.atomic():
            return SatisfactionRating.objects.create(
                conversation_id=conversation_id, score=score, comment=comment, source=source,
                created_at=now or timezone.now())
    except IntegrityError:
        raise rating_answered() from None


def conversation_rate(*, conversation: Conversation, customer, score: int,
                      comment: str = "") -> SatisfactionRating:
    """The customer's 1-5 rating from the chat page of a resolved conversation
    (``rating_record``: once)."""
    if conversation.customer_id != customer.pk:
        raise ValidationError(_("Only the customer can rate this conversation."), code="forbidden")
    if conversation.status not in CLOSED_STATUSES:
        raise ValidationError(_("You can rate the conversation once it is resolved."),
                              code="not_resolved")
    return rating_record(conversation_id=conversation.pk, score=score, comment=comment,
                         source=RatingSource.CHAT)
