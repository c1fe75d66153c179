"""Long registry jobs, run by django-tasks: inline by default, by ``xingfu db_worker`` with
XINGFU_TASKS_IMMEDIATE=0."""

from django_tasks import task

from xingfu.registry.imports.services import import_run
from xingfu.registry.models_imports import ImportBatch


@task()
def registry_import(batch_id: int) -> str:
    """Check and write one uploaded spreadsheet; the batch records progress and outcome."""
    batch = ImportBatch.objects.select_related("scope", "uploaded_by").get(pk=batch_id)
    return str(import_run(batch=batch).status)
