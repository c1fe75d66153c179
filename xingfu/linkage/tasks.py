"""Link runs as django-tasks tasks: inline by default, by ``xingfu db_worker`` with XINGFU_TASKS_IMMEDIATE=0."""

from django_tasks import task

from xingfu.linkage.models import LinkRun


@task()
def link_run(run_id: int) -> str:
    """Carry out one link run; the run records its progress and outcome."""
    from xingfu.linkage.services import run_execute

    run = LinkRun.objects.select_related("scope", "outside_list", "started_by").get(pk=run_id)
    return str(run_execute(run=run).status)
