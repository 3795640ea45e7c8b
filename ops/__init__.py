"""Operations: running jobs for cron (lock, timeout, log, metrics), alert mails with incident
deduplication, the health check, the data-quality report and the deployment check.

Reads the core's tables and files only; imports no other stage.
"""
