"""The record-linkage pages, as a town officer uses them."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xingfu.audit.models import AuditEvent
from xingfu.linkage.models import Candidate, CandidateBand, Decision, LinkRun
from xingfu.linkage.tests import factories
from xingfu.linkage.tests.test_link_runs import _homophone, _with_homophone


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, rows: list[list[str]], capture: Any, template: str = "household_extract") -> Any:
    header = factories.HOUSEHOLD_HEADER if template == "household_extract" else factories.HOSPITAL_HEADER
    upload = SimpleUploadedFile("list.csv", factories.csv_bytes(header, rows), content_type="text/csv")
    with capture(execute=True):
        return client.post("/linkage/", {"template": template, "file": upload})


def test_the_pages_open_empty_with_a_word_on_what_to_do(town_officer: Any) -> None:
    client = _client(town_officer)
    home = client.get("/linkage/")
    assert home.status_code == 200
    assert b'data-testid="no-runs"' in home.content and b'data-testid="upload-form"' in home.content
    assert b'data-testid="no-candidates"' in client.get("/linkage/review/").content
    assert b'data-testid="no-completeness"' in client.get("/linkage/completeness/").content


def test_an_auditor_sees_but_may_not_upload_and_a_village_worker_sees_nothing(
    auditor: Any, village_worker: Any
) -> None:
    page = _client(auditor).get("/linkage/")
    assert page.status_code == 200 and b'data-testid="upload-form"' not in page.content
    assert _client(auditor).post("/linkage/deduplicate/").status_code == 403
    assert _client(village_worker).get("/linkage/").status_code == 403


@pytest.mark.parametrize(("template", "fmt"), [("hospital_births", "csv"), ("household_extract", "xlsx")])
def test_the_templates_download(town_officer: Any, template: str, fmt: str) -> None:
    response = _client(town_officer).get(f"/linkage/templates/{template}.{fmt}")
    assert response.status_code == 200
    assert f"{template}.{fmt}" in response["Content-Disposition"]
    if fmt == "csv":
        assert response.content.decode("utf-8-sig").startswith("母亲姓名,母亲身份证号")


def test_an_officer_uploads_a_list_reviews_the_pair_side_by_side_and_accepts_it(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(town_officer)
    target = _with_homophone(town_registry.persons[10:])
    number = target.id_number or ""
    rows = [factories.household_row(p) for p in town_registry.persons[:3]]
    rows.append(factories.household_row(target, name=_homophone(target.name), id_number=number[:17] + "0"))

    response = _upload(client, rows, django_capture_on_commit_callbacks)

    run = LinkRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/linkage/runs/{run.pk}/"
    page = client.get(f"/linkage/runs/{run.pk}/")
    assert b'data-testid="run-outcome"' in page.content and b'data-testid="model"' in page.content
    progress = client.get(f"/linkage/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"

    queue = client.get("/linkage/review/")
    pair = Candidate.objects.get(run=run, band=CandidateBand.PROBABLE)
    assert f'href="/linkage/candidates/{pair.pk}/"'.encode() in queue.content

    detail = client.get(f"/linkage/candidates/{pair.pk}/")
    text = detail.content.decode()
    assert number not in text  # masked
    assert number[:6] + "********" in text
    assert "=================x" in text or "==================" in text  # where the two numbers agree
    assert 'data-meaning="partial"' in text  # the name: same pinyin, other characters

    revealed = client.post(f"/linkage/candidates/{pair.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert number in revealed.content.decode()
    assert AuditEvent.objects.filter(action="read.id_number", actor_id=town_officer.pk).count() == 2

    decided = client.post(f"/linkage/candidates/{pair.pk}/", {"verdict": "accept", "reason": "same person"})
    assert decided.status_code == 302
    assert Decision.objects.get(candidate=pair).person_id == target.pk
    assert b'data-testid="decision"' in client.get(f"/linkage/candidates/{pair.pk}/").content

    report = client.get("/linkage/completeness/").content.decode()
    assert f'data-testid="unit-{target.orgunit.code}"' in report


def test_a_bad_upload_shows_the_reason_on_the_page(
    town_officer: Any, other_village: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(town_officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the reason asserted below is English
    response = _upload(
        client,
        [["张伟", "", "男", "1985-07-12", "", other_village.code]],
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 400
    assert "not a village in your scope" in response.content.decode()
    assert not LinkRun.objects.exists()


def test_a_refused_decision_shows_its_reason(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(town_officer)
    _upload(client, [["新来者", "", "", "", "", ""]], django_capture_on_commit_callbacks)
    candidate = Candidate.objects.get()
    response = client.post(f"/linkage/candidates/{candidate.pk}/", {"verdict": "accept"})
    assert response.status_code == 400
    assert b'data-testid="decide-error"' in response.content
    assert not Decision.objects.exists()


def test_the_review_queue_takes_a_fixed_number_of_queries(
    town_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(town_officer)
    _upload(
        client, [[f"新来者{i}", "", "男", "1985-07-12", "", ""] for i in range(3)], django_capture_on_commit_callbacks
    )
    with CaptureQueriesContext(connection) as few:
        client.get("/linkage/review/")
    _upload(
        client, [[f"外来者{i}", "", "女", "1986-07-12", "", ""] for i in range(9)], django_capture_on_commit_callbacks
    )
    with CaptureQueriesContext(connection) as many:
        client.get("/linkage/review/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_birth_and_a_duplicate_open_side_by_side(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    from xingfu.linkage import services
    from xingfu.registry.services import person_add

    client = _client(town_officer)
    mother = next(p for p in town_registry.persons if p.sex == "F" and p.birth_date.year < 1996)
    row = [mother.name, mother.id_number or "", "女", "2026-05-20", "山亭区人民医院", ""]
    _upload(client, [row], django_capture_on_commit_callbacks, template="hospital_births")
    birth = Candidate.objects.get(run__kind="hospital_births")
    page = client.get(f"/linkage/candidates/{birth.pk}/").content.decode()
    assert "2026-05-20" in page and "山亭区人民医院" in page and 'name="child_name"' in page

    twin = person_add(
        actor=town_officer, household=town_registry.households[1], name=mother.name, sex="F",
        birth_date=mother.birth_date, relation="other",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.run_start(actor=town_officer)
    duplicate = Candidate.objects.get(run__kind="deduplication", other_person=twin)
    page = client.get(f"/linkage/candidates/{duplicate.pk}/").content.decode()
    assert 'name="survivor"' in page and f"#{twin.pk}" in page


def test_a_new_person_joins_the_household_the_reviewer_names_by_its_number(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(town_officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    home = town_registry.households[0]
    _upload(client, [["新来者", "", "男", "1985-07-12", "", home.orgunit.code]], django_capture_on_commit_callbacks)
    candidate = Candidate.objects.get()
    page = client.get(f"/linkage/candidates/{candidate.pk}/").content.decode()
    assert 'name="household_number"' in page and home.orgunit.name in page

    wrong = client.post(
        f"/linkage/candidates/{candidate.pk}/",
        {"verdict": "accept", "household_number": "NO-SUCH", "relation": "other"},
    )
    assert wrong.status_code == 400 and "No household numbered NO-SUCH" in wrong.content.decode()
    assert not Decision.objects.exists()

    done = client.post(
        f"/linkage/candidates/{candidate.pk}/",
        {"verdict": "accept", "household_number": home.number, "relation": "other"},
    )
    assert done.status_code == 302
    added = Decision.objects.get(candidate=candidate).person
    assert added is not None and added.name == "新来者"
    assert added.memberships.get(end_date__isnull=True).household == home
