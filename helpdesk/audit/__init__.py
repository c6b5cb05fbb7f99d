"""The audit log: what staff changed, when, from where (django-auditlog's ``LogEntry``).

``registry`` says which models are tracked and records their changes only while a staff member
acts (``accounts.audit``); ``admin`` shows the log to superusers only and records every admin
action; ``services.audit_log_prune`` keeps it for ``AUDIT_LOG_RETENTION_DAYS``.
"""
