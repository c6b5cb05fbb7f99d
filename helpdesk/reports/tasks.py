"""Background work of the reports: keep stored business-hours timings fresh."""

import logging

from celery import shared_task

from helpdesk.reports.timings import conversation_timings_refresh

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def reports_timings_refresh() -> int:
    """Recompute stale conversation timings (beat "reports-timings-refresh", every minute).

    Reports refresh the stale rows of their own scope anyway; this keeps that work near zero.
    """
    written = conversation_timings_refresh()
    if written:
        logger.info("refreshed %d conversation timings", written)
    return written
