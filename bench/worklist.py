"""A village worker's worklist through the API, on the district-size demo.

``xingfu bench worklist --persons 500000``: builds the demo district if the database has no persons yet
(villages, logins, the registry with ``--persons`` persons, care), then times ``GET /api/care/worklist/``
for the demo village worker through the whole Django and DRF stack. Beside it, in-process: our selector
and serializer, and a naive baseline that computes the same list per enrolment (one query for her
enrolments, then the person, the stages and the visits of each, the schedule worked out in Python).
A second scenario makes one account responsible for every open enrolment of a town (a caseload far beyond
a village's) and times all three again; the town's and the district's per-village counts and the nightly
``schedule_run`` are timed too. Scenario changes are rolled back. Use a database of its own (docs/care.md).
"""

import argparse
import datetime
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from bench.common import latency_ms, stopwatch
from xingfu.accounts.roles import Role
from xingfu.care.models import DueVisit, Enrollment, EnrollmentStatus, Stage, Visit
from xingfu.care.schedule import MISSED_AFTER_DAYS, WORKLIST_DAYS, anchors_of, schedule_run, stage_occurrences
from xingfu.care.selectors import worklist
from xingfu.care.serializers import CareWorklistItemSerializer
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Person

DEMO_WORKER = "village_worker"
DEMO_TOWN = "370406101"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, default=500_000, help="registry size to build if it is empty")
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per measurement")
    parser.add_argument("--seed", type=int, default=2026)


def _ensure_demo(persons: int, seed: int) -> None:
    if Person.objects.exists():
        return
    from xingfu.care.demo import demo_care
    from xingfu.demo.loader import demo_logins, demo_villages
    from xingfu.registry.demo import demo_registry

    demo_villages(seed=seed)
    demo_logins(password="bench-only-password-0123")  # noqa: S106 - a throwaway bench database
    demo_registry(seed=seed, persons=persons)
    demo_care(seed=seed)


def _client(user: Any) -> APIClient:
    client = APIClient(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def _api_call(client: APIClient) -> Any:
    def call() -> Any:
        response = client.get("/api/care/worklist/?page_size=100")
        assert response.status_code == 200, response.content[:300]
        return response

    return call


def naive_worklist(user: Any, today: datetime.date) -> str:
    """The same list as a first attempt computes it: per enrolment, its person, stages and visits."""
    rows = []
    horizon = today + datetime.timedelta(days=WORKLIST_DAYS)
    stale = today - datetime.timedelta(days=MISSED_AFTER_DAYS)
    for enrollment in Enrollment.objects.filter(responsible=user, status=EnrollmentStatus.OPEN):
        person = Person.objects.get(pk=enrollment.person_id)
        stages = list(Stage.objects.filter(programme_id=enrollment.programme_id))
        visits = list(Visit.objects.filter(enrollment=enrollment))
        done = {v.stage_id for v in visits}
        for stage in stages:
            for occ in stage_occurrences(stage, anchors_of(enrollment), until=horizon):
                if stage.pk in done or occ.due_by < max(stale, enrollment.enrolled_on):
                    continue
                rows.append((enrollment, person, stage.code, occ.due_on, occ.due_by))
        for visit in visits:
            if visit.referral_to and not DueVisit.objects.filter(referral=visit, status="done").exists():
                rows.append((enrollment, person, "referral", visit.date, visit.date + datetime.timedelta(days=14)))
    rank = {"": 0, "green": 0, "yellow": 2, "orange": 4, "red": 6}
    rows.sort(key=lambda r: (-(rank[r[0].risk_colour] + r[0].infectious), r[4], r[3]))
    return json.dumps(
        [
            {"enrollment": e.pk, "name": p.name, "stage": code, "due_on": str(on), "due_by": str(by)}
            for e, p, code, on, by in rows
        ],
        ensure_ascii=False,
    )


def core_worklist(user: Any, today: datetime.date) -> str:
    """Our list in-process (selector and serializer, no HTTP): the like-for-like match of the baseline."""
    rows = CareWorklistItemSerializer(worklist(user, today=today)[:100], many=True, context={"today": today}).data
    return json.dumps(rows, ensure_ascii=False, default=str)


def _measure(user: Any, repeat: int, today: datetime.date) -> dict[str, Any]:
    client = _client(user)
    call = _api_call(client)
    rows = call().json()["count"]
    api = latency_ms(call, repeat)
    core = latency_ms(lambda: core_worklist(user, today), repeat)
    naive_rows = len(json.loads(naive_worklist(user, today)))
    naive = latency_ms(lambda: naive_worklist(user, today), max(10, repeat // 4))
    return {
        "rows": rows,
        "naive_rows": naive_rows,
        **api,
        "in_process_p50_ms": core["p50_ms"],
        "in_process_p95_ms": core["p95_ms"],
        "baseline_p50_ms": naive["p50_ms"],
        "baseline_p95_ms": naive["p95_ms"],
        "speedup_in_process_p95": round(naive["p95_ms"] / core["p95_ms"], 1) if core["p95_ms"] else None,
    }


def _villages(user: Any, repeat: int) -> dict[str, Any]:
    client = _client(user)

    def call() -> None:
        assert client.get("/api/care/worklist/villages/").status_code == 200

    return latency_ms(call, repeat)


def run(*, persons: int, repeat: int, seed: int, **_: Any) -> dict[str, Any]:
    _ensure_demo(persons, seed)
    User = get_user_model()
    today = timezone.localdate()
    worker = User.objects.get(username=DEMO_WORKER)
    result: dict[str, Any] = {
        "persons": Person.objects.count(),
        "open_enrollments": Enrollment.objects.filter(status=EnrollmentStatus.OPEN).count(),
        "due_rows": DueVisit.objects.filter(status="due").count(),
        "due_rows_all": DueVisit.objects.count(),
    }
    result["worker"] = _measure(worker, repeat, today)
    with transaction.atomic():
        town = OrgUnit.objects.get(code=DEMO_TOWN)
        heavy = User.objects.create(username="bench_caseload", role=Role.VILLAGE_WORKER, scope=town)
        Enrollment.objects.filter(status=EnrollmentStatus.OPEN, orgunit__path__startswith=town.path).update(
            responsible=heavy
        )
        result["town_caseload"] = _measure(heavy, repeat, today)
        transaction.set_rollback(True)
    result["villages_town_officer"] = _villages(User.objects.get(username="town_officer"), repeat)
    result["villages_district_admin"] = _villages(User.objects.get(username="district_admin"), max(10, repeat // 4))
    with transaction.atomic():
        with stopwatch() as nightly:
            result["schedule_run"] = schedule_run(today=today)
        result["schedule_run_seconds"] = round(nightly["seconds"], 3)
        transaction.set_rollback(True)
    return {
        **result,
        "p95_ms": result["worker"]["p95_ms"],
        "baseline_p95_ms": result["worker"]["baseline_p95_ms"],
    }
