"""Manager feedback reports: satisfaction, speed, volume, per agent, with drill-down and CSV.

Layout: ``business_hours`` (business-time arithmetic), ``filters`` (the report's scope and who
may see what), ``selectors`` (every figure; aggregates, buckets and percentiles in SQL),
``stats`` (percentiles: percentile_cont on PostgreSQL, the same definition in Python
elsewhere), ``exports`` (streamed CSV), ``views`` and ``urls`` (admin views), ``admin``.
"""
