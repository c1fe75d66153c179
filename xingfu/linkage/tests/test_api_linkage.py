"""The linkage API, driven as a client would: upload, list, decide, reveal; every bad input a 4xx with a reason."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xingfu.audit.models import AuditEvent
from xingfu.linkage.models import Candidate, CandidateBand, Decision, OutsideList
from xingfu.linkage.tests import factories
from xingfu.linkage.tests.test_link_runs import _homophone, _with_homophone


def _file(rows: list[list[str]], header: list[str] | None = None) -> SimpleUploadedFile:
    content = factories.csv_bytes(header or factories.HOUSEHOLD_HEADER, rows)
    return SimpleUploadedFile("list.csv", content, content_type="text/csv")


def _post_list(client: Any, rows: list[list[str]], capture: Any, **extra: Any) -> Any:
    data = {"template": "household_extract", "file": _file(rows), **extra}
    with capture(execute=True):
        return client.post("/api/linkage/runs/", data, format="multipart")


def test_a_reviewer_links_a_list_and_decides_through_the_api(
    api_for: Any, town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_for(town_officer)
    target = _with_homophone(town_registry.persons[10:])
    rows = [factories.household_row(p) for p in town_registry.persons[:5]]
    rows.append(factories.household_row(target, name=_homophone(target.name), id_number=""))

    response = _post_list(client, rows, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.json()
    # The run is a task: enqueued when the upload commits, then its page (and this resource) shows the outcome.
    run = client.get(f"/api/linkage/runs/{response.json()['id']}/").json()
    assert run["status"] == "done" and run["certain"] == 5 and run["probable"] == 1
    assert run["parameters"]["comparisons"][0]["comparison"] == "name"

    listed = client.get("/api/linkage/candidates/", {"run": run["id"], "status": "open"}).json()
    assert listed["count"] == 1
    pair = listed["results"][0]
    assert pair["band"] == "probable" and pair["person"]["id"] == target.pk
    assert "*" in pair["person"]["id_number"]
    assert {"comparison": "name", "level": "same pinyin, other characters", "meaning": "partial"} in pair[
        "fields_compared"
    ]

    decided = client.post(f"/api/linkage/candidates/{pair['id']}/decide/", {"verdict": "accept"}, format="json")
    assert decided.status_code == 201, decided.json()
    assert decided.json()["verdict"] == "accepted" and decided.json()["person"] == target.pk

    again = client.post(f"/api/linkage/candidates/{pair['id']}/decide/", {"verdict": "reject"}, format="json")
    assert again.status_code == 409 and again.json()["reason"]

    revealed = client.post(f"/api/linkage/candidates/{pair['id']}/reveal/", {"reason": "checking"}, format="json")
    assert revealed.status_code == 200 and revealed.json()["person"] == target.id_number
    assert AuditEvent.objects.filter(action="read.id_number", object_id=str(target.pk)).exists()

    decisions = client.get("/api/linkage/decisions/").json()
    assert decisions["count"] == 6  # five automatic, one accepted
    report = client.get("/api/linkage/completeness/").json()
    town = next(r for r in report if r["level"] == "town")
    assert town["records"] == 6 and town["matched"] == 6 and town["open"] == 0


def test_bad_uploads_are_4xx_with_a_reason_and_store_nothing(
    api_for: Any, town_officer: Any, other_village: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_for(town_officer)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")  # the reasons asserted below are English
    row = ["张伟", "", "男", "1985-07-12", "", ""]
    unknown = _post_list(client, [row], django_capture_on_commit_callbacks, template="tax")
    assert unknown.status_code == 400 and "template" in unknown.json()["fields"]
    missing = client.post(
        "/api/linkage/runs/", {"template": "household_extract", "file": _file([["x"]], ["姓名"])}, format="multipart"
    )
    assert missing.status_code == 400 and "required columns" in missing.json()["reason"]
    outside = _post_list(client, [[*row[:5], other_village.code]], django_capture_on_commit_callbacks)
    assert outside.status_code == 400 and "not a village in your scope" in outside.json()["reason"]
    no_file = client.post("/api/linkage/runs/", {"template": "household_extract"}, format="multipart")
    assert no_file.status_code == 400
    assert not OutsideList.objects.exists()


def test_roles_and_scope(
    api_for: Any,
    town_officer: Any,
    other_town_officer: Any,
    auditor: Any,
    village_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _post_list(
        api_for(town_officer), [["新来者", "", "男", "1985-07-12", "", ""]], django_capture_on_commit_callbacks
    )
    run_id = response.json()["id"]
    candidate = Candidate.objects.get(run_id=run_id)
    assert candidate.band == CandidateBand.NONE

    outsider = api_for(other_town_officer)
    assert outsider.get(f"/api/linkage/runs/{run_id}/").status_code == 404
    assert outsider.get(f"/api/linkage/candidates/{candidate.pk}/").status_code == 404
    assert outsider.post(f"/api/linkage/candidates/{candidate.pk}/decide/", {"verdict": "reject"}).status_code == 404
    assert outsider.get("/api/linkage/candidates/", {"run": run_id}).status_code == 404

    reader = api_for(auditor)
    assert reader.get(f"/api/linkage/candidates/{candidate.pk}/").status_code == 200
    assert reader.post(f"/api/linkage/candidates/{candidate.pk}/decide/", {"verdict": "reject"}).status_code == 403
    assert reader.post(f"/api/linkage/candidates/{candidate.pk}/reveal/", {}).status_code == 403
    assert reader.post("/api/linkage/runs/deduplicate/").status_code == 403

    assert api_for(village_worker).get("/api/linkage/runs/").status_code == 403
    assert not Decision.objects.exists()


def test_bad_parameters_are_400_not_500(api_for: Any, town_officer: Any) -> None:
    client = api_for(town_officer)
    assert client.get("/api/linkage/candidates/", {"status": "maybe"}).status_code == 400
    assert client.get("/api/linkage/candidates/", {"run": "abc"}).status_code == 400
    assert client.get("/api/linkage/candidates/", {"run": 99999999}).status_code == 404
    assert client.get("/api/linkage/runs/999999999999999999999/").status_code == 404
    assert client.post("/api/linkage/candidates/1/decide/", {"verdict": "accept"}).status_code == 404
    assert client.post("/api/linkage/runs/1/repeat/").status_code == 404


def test_the_candidate_list_takes_a_fixed_number_of_queries(
    api_for: Any, town_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_for(town_officer)
    rows = [[f"新来者{i}", "", "男", "1985-07-12", "", ""] for i in range(12)]
    _post_list(client, rows, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/linkage/candidates/", {"page_size": 2})
    with CaptureQueriesContext(connection) as many:
        client.get("/api/linkage/candidates/", {"page_size": 12})
    assert len(many.captured_queries) == len(few.captured_queries)
