"""Background jobs of the care app (django-tasks): the nightly roll of the scheduling horizon."""

import datetime
from typing import Any

from django_tasks import task

from xingfu.care.schedule import schedule_run


@task()
def care_schedule_task(today: str | None = None) -> dict[str, Any]:
    """Roll every open enrolment's due visits forward to the horizon (``xingfu care_schedule`` does the same)."""
    day = datetime.date.fromisoformat(today) if today else None
    return schedule_run(today=day)
