"""Satisfaction surveys: scheduled through the database, stepped by the beat.

The beat (``helpdesk.surveys.tasks.surveys_run``) first creates a Survey for every
conversation resolved at least SURVEY_DELAY_HOURS ago that has neither a rating nor a survey
(the one-to-one column makes a second survey impossible), then takes each survey whose
``due_at`` has come through its next step: send (or skip: rated meanwhile, opted out,
cooldown, no address), remind once, expire. No Celery countdowns: on Redis a countdown longer than the visibility timeout
runs twice.

A link token is 256 random bits; the database keeps its SHA-256 only, and the outbox row of
the email the link itself only sealed until it is sent (``helpdesk.mail.secrets``: no admin
page shows a working link). Opening a link changes nothing; ``survey_answer`` records one
rating however many submissions race.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.db.models import F, Field, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import NotFound
from helpdesk.mail.models import OutboundKind
from helpdesk.mail.outbox import outbox_enqueue_many, outbox_row
from helpdesk.models import CLOSED_STATUSES, Conversation, RatingSource, SatisfactionRating
from helpdesk.services.ratings import (
    rating_answered,
    rating_exists,
    rating_record,
    rating_score_clean,
)
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.tokens import survey_token_hash, survey_token_new

logger = logging.getLogger(__name__)

LOW_SCORE = 2
RUN_LIMIT = 50_000  # due surveys one run takes on; the next run takes the rest
ADVISORY_LOCK_NAMESPACE = 0x5356  # "SV": pg_advisory_xact_lock(namespace, customer id)


def surveys_schedule(*, now=None) -> int:
    """Create the surveys of conversations resolved long enough ago; return how many."""
    now = now or timezone.now()
    delay = timedelta(hours=settings.SURVEY_DELAY_HOURS)
    candidates = list(
        Conversation.objects.filter(
            status__in=CLOSED_STATUSES,
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


def surveys_due(*, now) -> tuple[int, list[list[int]]]:
    """Create the surveys of conversations resolved long enough ago, and find every due one:
    (how many were created, the due surveys' ids in batches of SURVEY_BATCH_SIZE).

    All of one customer's surveys go in the same batch (so the cooldown rarely makes two
    batches wait for each other). Stepping a survey twice is harmless: a batch skips surveys
    that another holds or that are no longer due. The beat hands each batch to a
    ``surveys_step_batch`` task (``helpdesk.surveys.tasks.surveys_run``).
    """
    created = surveys_schedule(now=now)
    due = list(Survey.objects.filter(due_at__lte=now).order_by("due_at")
               .values_list("pk", "customer_id")[:RUN_LIMIT])
    return created, _batches(due, max(1, settings.SURVEY_BATCH_SIZE))


def surveys_run(*, now=None) -> dict:
    """Schedule new surveys and take every due one through its next step, here and now (the
    beat's task hands the batches to workers instead); count what happened."""
    now = now or timezone.now()
    created, batches = surveys_due(now=now)
    steps: dict[str, int] = {"scheduled": created}
    for ids in batches:
        for outcome, n in surveys_step_batch(survey_ids=ids, now=now).items():
            steps[outcome] = steps.get(outcome, 0) + n
    return steps


def _batches(due: list[tuple[int, int]], size: int) -> list[list[int]]:
    """Survey ids in batches of about ``size``, never splitting one customer's surveys; within
    a customer, oldest due first (the one the cooldown lets through)."""
    batches: list[list[int]] = []
    batch: list[int] = []
    last_customer = None
    for pk, customer_id in sorted(due, key=lambda d: d[1]):  # stable: due order per customer
        if len(batch) >= size and customer_id != last_customer:
            batches.append(batch)
            batch = []
        batch.append(pk)
        last_customer = customer_id
    if batch:
        batches.append(batch)
    return batches


def _link(token: str) -> str:
    return settings.SITE_URL + reverse("surveys:rate", args=[token])


def survey_email(survey: Survey, conversation: Conversation, *, reminder: bool):
    """The survey (or reminder) email of ``survey`` as an unsaved outbox row, with a fresh
    link token; sets the survey's token hash (the caller saves it). Returns the row."""
    customer = conversation.customer
    token, token_hash = survey_token_new()
    url = _link(token)
    with translation.override(customer.language):
        context = {
            "conversation": conversation, "customer_name": customer.get_short_name(),
            "links": [(score, f"{url}?score={score}") for score in range(1, 6)],
            "url": url, "reminder": reminder, "site_url": settings.SITE_URL,
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
    return outbox_row(
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


def _lock_customers(customer_ids: list[int]) -> None:
    """Serialize survey sending per customer across concurrent batches (PostgreSQL advisory
    locks held to commit, taken in id order so two batches never deadlock): the cooldown
    check of one batch then sees what another batch sent. SQLite has one writer anyway."""
    if db.vendor != "postgresql" or not customer_ids:
        return
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, (c %% 2147483647)::int) "
            "FROM unnest(%s::bigint[]) AS c ORDER BY c",
            [ADVISORY_LOCK_NAMESPACE, sorted(customer_ids)])


def surveys_step_batch(*, survey_ids, now=None) -> dict[str, int]:
    """Take due surveys through their next step in one transaction; count what happened.

    Surveys another transaction holds, or no longer due, are left alone ("busy"). A scheduled
    survey is sent, or skipped (rated meanwhile, opted out, no address, another survey sent
    to the customer within SURVEY_COOLDOWN_DAYS, counting this batch), or deleted when its
    conversation was reopened; a sent one is reminded once; then it expires. The outbox rows
    are written in the same transaction as the surveys (``outbox_enqueue_many``). About ten
    queries per batch, whatever its size.
    """
    now = now or timezone.now()
    steps: dict[str, int] = {}

    def count(outcome: str) -> None:
        steps[outcome] = steps.get(outcome, 0) + 1

    wanted = set(survey_ids)
    with transaction.atomic():
        surveys = list(Survey.objects.select_for_update(skip_locked=True, of=("self",))
                       .filter(pk__in=wanted, due_at__lte=now).order_by("due_at", "pk"))
        if len(surveys) < len(wanted):
            steps["busy"] = len(wanted) - len(surveys)
        if not surveys:
            return steps
        _lock_customers(list({s.customer_id for s in surveys}))
        conversations = Conversation.objects.select_related(
            "customer__customer_profile").in_bulk([s.conversation_id for s in surveys])
        rated = set(SatisfactionRating.objects.filter(
            conversation_id__in=list(conversations)).values_list("conversation_id", flat=True))
        cooldown = now - timedelta(days=settings.SURVEY_COOLDOWN_DAYS)
        scheduled_customers = {s.customer_id for s in surveys
                               if s.status == SurveyStatus.SCHEDULED}
        recent = set(Survey.objects.filter(
            customer_id__in=list(scheduled_customers), sent_at__gte=cooldown,
        ).values_list("customer_id", flat=True)) if scheduled_customers else set()
        emails: list = []
        sent: list[Survey] = []
        reminded: list[Survey] = []
        # The other outcomes set the same values on many rows: one UPDATE per group.
        groups: dict[tuple[str, str], list[int]] = {}
        reopened: list[int] = []
        expires_at = now + timedelta(days=settings.SURVEY_LINK_DAYS)
        for survey in surveys:
            conversation = conversations[survey.conversation_id]
            is_rated = conversation.pk in rated
            if survey.status == SurveyStatus.SCHEDULED:
                if conversation.status not in CLOSED_STATUSES:
                    reopened.append(survey.pk)  # a new survey comes with the next resolution
                    count("reopened")
                    continue
                reason = ("rated" if is_rated else _blocked(conversation.customer)
                          or ("cooldown" if survey.customer_id in recent else ""))
                if reason:
                    groups.setdefault((SurveyStatus.SKIPPED, reason), []).append(survey.pk)
                    count(f"skipped:{reason}")
                    continue
                emails.append(survey_email(survey, conversation, reminder=False))
                recent.add(survey.customer_id)
                sent.append(survey)
                count("sent")
                continue
            if survey.status == SurveyStatus.SENT and not is_rated \
                    and survey.expires_at > now and not _blocked(conversation.customer):
                emails.append(survey_email(survey, conversation, reminder=True))
                reminded.append(survey)
                count("reminded")
                continue
            status = survey.status
            if status in (SurveyStatus.SENT, SurveyStatus.REMINDED) and not is_rated \
                    and survey.expires_at <= now:
                status = SurveyStatus.EXPIRED
            groups.setdefault((status, survey.reason), []).append(survey.pk)
            count("closed")
        if reopened:
            Survey.objects.filter(pk__in=reopened).delete()
        for (status, reason), ids in groups.items():
            Survey.objects.filter(pk__in=ids).update(status=status, reason=reason, due_at=None)
        _write_tokens(sent, "token_hash", status=SurveyStatus.SENT, sent_at=now,
                      expires_at=expires_at,
                      due_at=min(now + timedelta(hours=settings.SURVEY_REMINDER_HOURS),
                                 expires_at))
        _write_tokens(reminded, "reminder_token_hash", status=SurveyStatus.REMINDED,
                      reminded_at=now, due_at=F("expires_at"))
        outbox_enqueue_many(rows=emails)
    return steps


def _write_tokens(surveys: list[Survey], column: str, **values) -> None:
    """One UPDATE for ``surveys``: the same ``values`` on each, and each its own token hash
    (already set on the instance) in ``column``, joined from a VALUES list. Django's
    bulk_update would build a CASE per row and field (most of a batch's time, profiled)."""
    if not surveys:
        return
    ops = db.ops
    table = ops.quote_name(Survey._meta.db_table)
    assignments, params = [], []
    for name, value in values.items():
        # Every name here is a concrete field of Survey: a column, never a reverse relation.
        field = cast(Field, Survey._meta.get_field(name))
        if isinstance(value, F):
            source = cast(Field, Survey._meta.get_field(value.name))  # type: ignore[attr-defined]
            assignments.append(f"{ops.quote_name(cast(str, field.column))} = "
                               f"{ops.quote_name(cast(str, source.column))}")
            continue
        assignments.append(f"{ops.quote_name(cast(str, field.column))} = %s")
        params.append(field.get_db_prep_save(value, db))
    assignments.append(f"{ops.quote_name(column)} = v.column2")
    rows = ", ".join(["(%s, %s)"] * len(surveys))
    for survey in surveys:
        params += [survey.pk, getattr(survey, column)]
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(assignments)} FROM (VALUES {rows}) AS v "  # noqa: S608 - names quoted, values bound
            f"WHERE {table}.{ops.quote_name('id')} = v.column1", params)


# --- Answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyLink:
    survey: Survey
    answered: bool


def _find(token: str):
    token_hash = survey_token_hash(token)
    return Survey.objects.filter(Q(token_hash=token_hash) | Q(reminder_token_hash=token_hash))


def survey_by_token(*, token: str, now=None) -> SurveyLink:
    """The survey behind a link, for showing its form. Raises NotFound (no survey has this
    token, or its links have expired: deliberately the same). Reads only."""
    now = now or timezone.now()
    survey = _find(token).select_related("conversation").first()
    if survey is None:
        raise NotFound
    answered = survey.status == SurveyStatus.ANSWERED or SatisfactionRating.objects.filter(
        conversation_id=survey.conversation_id).exists()
    if not answered and (survey.status == SurveyStatus.EXPIRED or survey.expires_at is None
                         or survey.expires_at <= now):
        raise NotFound
    return SurveyLink(survey, answered)


def survey_answer(*, token: str, score, comment: str = "", now=None) -> SatisfactionRating:
    """Record the customer's rating from a survey link, once (``rating_record``: one rating per
    conversation, whichever path it comes by).

    Raises NotFound for an unknown or expired token, and ValidationError for a bad score
    or when the conversation is already rated (code "answered"). Concurrent submissions
    serialize on the survey row; the one-to-one rating column backs that up.
    """
    now = now or timezone.now()
    score = rating_score_clean(score)
    with transaction.atomic():
        survey = _find(token).select_for_update().first()
        if survey is None:
            raise NotFound
        # Rated already (here or in the chat) says so even once the link has expired.
        if survey.status == SurveyStatus.ANSWERED or rating_exists(
                conversation_id=survey.conversation_id):
            raise rating_answered()
        if survey.status == SurveyStatus.EXPIRED or survey.expires_at is None \
                or survey.expires_at <= now:
            raise NotFound
        rating = rating_record(conversation_id=survey.conversation_id, score=score,
                               comment=comment, source=RatingSource.SURVEY, now=now)
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
