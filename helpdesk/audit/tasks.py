"""The audit log's periodic work."""

from celery import shared_task

from helpdesk.audit import services


@shared_task(ignore_result=True)
def audit_log_prune() -> int:
    """Delete entries older than AUDIT_LOG_RETENTION_DAYS (beat, daily)."""
    return services.audit_log_prune()
