"""Background work of the surveys: the beat's run and the batches it hands out."""

from celery import shared_task


@shared_task(ignore_result=True)
def surveys_run() -> dict:
    """Beat: schedule surveys of newly resolved conversations and hand the due ones to
    ``surveys_step_batch`` tasks, SURVEY_BATCH_SIZE at a time (helpdesk.surveys.services)."""
    from helpdesk.surveys.services import surveys_run as run

    return run(fan_out=True)


@shared_task(ignore_result=True, acks_late=True, time_limit=600)
def surveys_step_batch(survey_ids: list[int], now: str | None = None) -> dict:
    """Take these due surveys through their next step in one transaction (send, remind,
    expire, skip); ``now``: the ISO time of the run that found them due."""
    from django.utils.dateparse import parse_datetime

    from helpdesk.surveys.services import surveys_step_batch as step

    return step(survey_ids=survey_ids, now=parse_datetime(now) if now else None)
