"""The conversation core's tasks, for Celery's autodiscovery (``helpdesk.tasks``): they live in
``helpdesk.services.tasks``, beside the services that schedule them and that they run."""

from helpdesk.services import sla_tasks, tasks  # noqa: F401 - registers the core's tasks with the worker
