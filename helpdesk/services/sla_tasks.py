"""The live SLA's beat task (CELERY_BEAT_SCHEDULE "sla-run"), beside ``services.sla``: a module
of its own because ``services.tasks`` sits below ``conversations`` (import-linter's "No import
cycles"); ``helpdesk/tasks.py`` imports it so that Celery's autodiscovery finds it."""

from celery import shared_task

from helpdesk.services.sla import sla_run


@shared_task(ignore_result=True)
def sla_check() -> dict[str, int]:
    """Warnings, escalations and auto-closes that are due (``services.sla.sla_run``)."""
    return sla_run()
