"""Satisfaction surveys: scheduled through the database, stepped by the beat.

``surveys_run`` (beat, helpdesk.tasks.surveys_run) first creates a Survey for every conversation
resolved at least SURVEY_DELAY_HOURS ago that has neither a rating nor a survey (the one-to-one
column makes a second survey impossible), then takes each survey whose ``due_at`` has come
through its next step: send (or skip: rated meanwhile, opted out, cooldown, no address), remind
once, expire. No Celery countdowns: on Redis a countdown longer than the visibility timeout
runs twice.

A link token is 256 random bits; the database keeps its SHA-256 only. Opening a link changes
nothing; ``survey_answer`` records one rating however many submissions race.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk.email.outbox import outbox_enqueue
from helpdesk.email.tokens import survey_token_hash, survey_token_new
from helpdesk.models import (
    Conversation,
    OutboundKind,
    RatingSource,
    SatisfactionRating,
    Status,
    Survey,
    SurveyStatus,
)

logger = logging.getLogger(__name__)

LOW_SCORE = 2
MAX_COMMENT = 2000
BATCH = 500


def surveys_schedule(*, now=None) -> int:
    """Create the surveys of conversations resolved long enough ago; return how many."""
    now = now or timezone.now()
    delay = timedelta(hours=settings.SURVEY_DELAY_HOURS)
    candidates = list(
        Conversation.objects.filter(
            status__in=[Status.RESOLVED, Status.CLOSED],
            resolved_at__lte=now - delay,
            resolved_at__gte=now - timedelta(days=settings.SURVEY_MAX_AGE_DAYS),
            survey__isnull=True, rating__isnull=True,
        ).values_list("pk", "customer_id")[:5000]
    )
    Survey.objects.bulk_create(
        [Survey(conversation_id=pk, customer_id=customer_id, due_at=now, created_at=now)
         for pk, customer_id in candidates],
        ignore_conflicts=True,
    )
    return len(candidates)


def surveys_run(*, now=None) -> dict:
    """Schedule new surveys and take every due one through its next step."""
    now = now or timezone.now()
    created = surveys_schedule(now=now)
    steps: dict[str, int] = {"scheduled": created}
    due = list(Survey.objects.filter(due_at__lte=now).order_by("due_at")
               .values_list("pk", flat=True)[:BATCH])
    for pk in due:
        outcome = survey_step(survey_id=pk, now=now)
        steps[outcome] = steps.get(outcome, 0) + 1
    return steps


def _link(token: str, score: int | None = None) -> str:
    url = settings.SITE_URL + reverse("surveys:rate", args=[token])
    return f"{url}?score={score}" if score else url


def _skip(survey: Survey, reason: str) -> str:
    survey.status, survey.reason, survey.due_at = SurveyStatus.SKIPPED, reason, None
    survey.save(update_fields=["status", "reason", "due_at"])
    return f"skipped:{reason}"


def _send(survey: Survey, conversation: Conversation, *, reminder: bool, now) -> None:
    customer = conversation.customer
    token, token_hash = survey_token_new()
    with translation.override(customer.language):
        context = {
            "conversation": conversation, "customer_name": customer.get_short_name(),
            "links": [(score, _link(token, score)) for score in range(1, 6)],
            "url": _link(token), "reminder": reminder, "site_url": settings.SITE_URL,
            "link_days": settings.SURVEY_LINK_DAYS,
        }
        subject = (_("Reminder: how did we do? [%(reference)s]") if reminder
                   else _("How did we do? [%(reference)s]")) % {
            "reference": conversation.reference}
        text = render_to_string("surveys/email/survey.txt", context)
        html = render_to_string("surveys/email/survey.html", context)
    if reminder:
        survey.reminder_token_hash = token_hash
    else:
        survey.token_hash = token_hash
    outbox_enqueue(
        kind=OutboundKind.SURVEY_REMINDER if reminder else OutboundKind.SURVEY,
        to=[(customer.email, customer.get_full_name())], subject=subject, body_text=text,
        body_html=html, headers={"Auto-Submitted": "auto-generated"},
        conversation=conversation, dedupe_key=f"survey:{survey.pk}:{2 if reminder else 1}",
    )


def _blocked(customer) -> str:
    if not customer.is_active or not customer.email:
        return "no_email"
    profile = getattr(customer, "customer_profile", None)
    if profile is not None and not profile.notify_surveys:
        return "opted_out"
    return ""


def survey_step(*, survey_id: int, now=None) -> str:
    """Take one due survey through its next step; return what happened."""
    now = now or timezone.now()
    with transaction.atomic():
        survey = (Survey.objects.select_for_update(skip_locked=True, of=("self",))
                  .filter(pk=survey_id, due_at__lte=now).first())
        if survey is None:
            return "busy"
        conversation = (Conversation.objects.select_related("customer__customer_profile")
                        .get(pk=survey.conversation_id))
        rated = SatisfactionRating.objects.filter(conversation=conversation).exists()
        if survey.status == SurveyStatus.SCHEDULED:
            if conversation.status not in (Status.RESOLVED, Status.CLOSED):
                survey.delete()  # reopened: a new survey comes with the next resolution
                return "reopened"
            if rated:
                return _skip(survey, "rated")
            blocked = _blocked(conversation.customer)
            if blocked:
                return _skip(survey, blocked)
            cooldown = now - timedelta(days=settings.SURVEY_COOLDOWN_DAYS)
            if Survey.objects.filter(customer_id=survey.customer_id, sent_at__gte=cooldown
                                     ).exclude(pk=survey.pk).exists():
                return _skip(survey, "cooldown")
            _send(survey, conversation, reminder=False, now=now)
            survey.status, survey.sent_at = SurveyStatus.SENT, now
            survey.expires_at = now + timedelta(days=settings.SURVEY_LINK_DAYS)
            survey.due_at = min(now + timedelta(hours=settings.SURVEY_REMINDER_HOURS),
                                survey.expires_at)
            survey.save(update_fields=["status", "sent_at", "expires_at", "due_at",
                                       "token_hash"])
            return "sent"
        if survey.status == SurveyStatus.SENT and not rated and survey.expires_at > now \
                and not _blocked(conversation.customer):
            _send(survey, conversation, reminder=True, now=now)
            survey.status, survey.reminded_at = SurveyStatus.REMINDED, now
            survey.due_at = survey.expires_at
            survey.save(update_fields=["status", "reminded_at", "due_at",
                                       "reminder_token_hash"])
            return "reminded"
        if survey.status in (SurveyStatus.SENT, SurveyStatus.REMINDED) and not rated \
                and survey.expires_at <= now:
            survey.status = SurveyStatus.EXPIRED
        survey.due_at = None
        survey.save(update_fields=["status", "due_at"])
        return "closed"


# --- Answering ------------------------------------------------------------------------------


class SurveyNotFound(Exception):
    """No survey has this token, or its links have expired (deliberately the same)."""


@dataclass(frozen=True)
class SurveyLink:
    survey: Survey
    answered: bool


def _find(token: str):
    token_hash = survey_token_hash(token)
    return Survey.objects.filter(Q(token_hash=token_hash) | Q(reminder_token_hash=token_hash))


def survey_by_token(*, token: str, now=None) -> SurveyLink:
    """The survey behind a link, for showing its form. Raises SurveyNotFound. Reads only."""
    now = now or timezone.now()
    survey = _find(token).select_related("conversation").first()
    if survey is None:
        raise SurveyNotFound
    answered = survey.status == SurveyStatus.ANSWERED or SatisfactionRating.objects.filter(
        conversation_id=survey.conversation_id).exists()
    if not answered and (survey.status == SurveyStatus.EXPIRED or survey.expires_at is None
                         or survey.expires_at <= now):
        raise SurveyNotFound
    return SurveyLink(survey, answered)


def survey_answer(*, token: str, score, comment: str = "", now=None) -> SatisfactionRating:
    """Record the customer's rating from a survey link, once.

    Raises SurveyNotFound for an unknown or expired token, and ValidationError for a bad score
    or when the conversation is already rated (code "answered"). Concurrent submissions
    serialize on the survey row; the one-to-one rating column backs that up.
    """
    now = now or timezone.now()
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    comment = (comment or "").strip()[:MAX_COMMENT]
    with transaction.atomic():
        survey = _find(token).select_for_update().first()
        if survey is None:
            raise SurveyNotFound
        if survey.status == SurveyStatus.ANSWERED or SatisfactionRating.objects.filter(
                conversation_id=survey.conversation_id).exists():
            raise ValidationError(_("You have already rated this conversation. Thank you!"),
                                  code="answered")
        if survey.status == SurveyStatus.EXPIRED or survey.expires_at is None \
                or survey.expires_at <= now:
            raise SurveyNotFound
        try:
            with transaction.atomic():
                rating = SatisfactionRating.objects.create(
                    conversation_id=survey.conversation_id, score=score, comment=comment,
                    source=RatingSource.SURVEY, created_at=now)
        except IntegrityError:
            raise ValidationError(_("You have already rated this conversation. Thank you!"),
                                  code="answered") from None
        survey.status, survey.answered_at, survey.due_at = SurveyStatus.ANSWERED, now, None
        survey.needs_review = score <= LOW_SCORE
        survey.save(update_fields=["status", "answered_at", "due_at", "needs_review"])
    if survey.needs_review:
        logger.info("low survey rating %d for conversation %s flagged for review", score,
                    survey.conversation_id)
    return rating


def surveys_mark_reviewed(*, survey_ids, by) -> int:
    """A manager has read the low ratings of these surveys: clear their review flag."""
    done = Survey.objects.filter(pk__in=list(survey_ids), needs_review=True).update(
        needs_review=False)
    logger.info("%d low-rated surveys reviewed by user %s", done, getattr(by, "pk", None))
    return done
