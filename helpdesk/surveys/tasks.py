"""Background work of the surveys: the beat's run and the batches it hands out."""

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from helpdesk.surveys import services


@shared_task(ignore_result=True)
def surveys_run() -> dict:
    """Beat: schedule surveys of newly resolved conversations and hand the due ones to
    ``surveys_step_batch`` tasks, SURVEY_BATCH_SIZE at a time (``services.surveys_due``);
    returns at once with how many were scheduled and how many batches went out."""
    now = timezone.now()
    created, batches = services.surveys_due(now=now)
    for ids in batches:
        surveys_step_batch.delay(ids, now.isoformat())
    steps = {"scheduled": created}
    if batches:
        steps["batches"] = len(batches)
    return steps


@shared_task(ignore_result=True, acks_late=True, time_limit=600)
def surveys_step_batch(survey_ids: list[int], now: str | None = None) -> dict:
    """Take these due surveys through their next step in one transaction (send, remind,
    expire, skip); ``now``: the ISO time of the run that found them due."""
    return services.surveys_step_batch(survey_ids=survey_ids,
                                       now=parse_datetime(now) if now else None)
