"""Every write to the audit log besides the entries themselves: pruning."""

import logging
from datetime import timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

PRUNE_BATCH = 5000


def audit_log_prune(*, now=None) -> int:
    """Delete the entries older than ``AUDIT_LOG_RETENTION_DAYS`` (0 keeps every entry);
    return how many went. Deletes in batches so a first run over years of entries never holds
    one long transaction."""
    days = settings.AUDIT_LOG_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    while True:
        batch = list(LogEntry.objects.filter(timestamp__lt=cutoff)
                     .order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            break
        deleted += LogEntry.objects.filter(pk__in=batch).delete()[0]
    if deleted:
        logger.info("audit log: %d entries older than %d days deleted", deleted, days)
    return deleted
