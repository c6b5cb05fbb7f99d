"""Manager feedback reports: satisfaction, speed, volume, per agent, with drill-down and CSV.

Layout: ``business_hours`` (business-time arithmetic), ``filters`` (the report's scope and who
may see what), ``models`` and ``timings`` (stored business-hours durations per conversation,
refreshed when stale), ``figures`` (every aggregate and percentile of a scope in one SQL
statement, or in Python off PostgreSQL), ``selectors`` (the figures shaped for the dashboard),
``stats`` (percentile definitions), ``exports`` (streamed CSV), ``views`` and ``urls`` (admin
views), ``admin``, ``tasks`` (the beat task that refreshes timings).
"""
