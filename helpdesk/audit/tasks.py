"""The audit log's periodic work."""

from celery import shared_task


@shared_task(ignore_result=True)
def audit_log_prune() -> int:
    """Delete entries older than AUDIT_LOG_RETENTION_DAYS (beat, daily)."""
    from helpdesk.audit.services import audit_log_prune as prune

    return prune()
