"""The analytics refresh as a django-tasks task: inline with the immediate backend (the default), by
``xingfu db_worker`` with XINGFU_TASKS_IMMEDIATE=0."""

from django_tasks import task

from xingfu.analytics.models import RefreshBatch
from xingfu.analytics.services.refresh import refresh_run


@task()
def analytics_refresh(batch_id: int) -> str:
    """Compute every indicator into the batch and make it current (the batch records progress and errors)."""
    batch = RefreshBatch.objects.get(pk=batch_id)
    return str(refresh_run(batch=batch).status)
