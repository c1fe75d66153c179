"""The import pages as a town officer uses them: download the template, upload, read the outcome."""

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from xingfu.registry.imports.columns import COLUMNS
from xingfu.registry.imports.services import import_create
from xingfu.registry.imports.testing import csv_bytes, family, xlsx_bytes
from xingfu.registry.models import Person
from xingfu.registry.models_imports import ImportBatch, ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The reasons are asserted in English (the msgids), whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def upload(client: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Post a file as the browser does; the import task, enqueued once the request commits, runs."""

    def post(data: bytes, name: str = "households.csv") -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/registry/import/", {"file": SimpleUploadedFile(name, data)})

    return post


def test_the_page_offers_the_template_and_the_upload_form(client: Any, town_officer: Any) -> None:
    client.force_login(town_officer)
    page = client.get("/registry/import/").content.decode()
    assert "/registry/import/template.xlsx" in page and "/registry/import/template.csv" in page
    assert 'enctype="multipart/form-data"' in page and "身份证号" in page


def test_the_xlsx_template_has_the_headings_and_imports_once_filled(
    client: Any, upload: Any, town_officer: Any, village: Any
) -> None:
    client.force_login(town_officer)
    response = client.get("/registry/import/template.xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == [c.heading for c in COLUMNS]
    assert sheet["H2"].number_format == "@"  # resident-ID numbers stay text
    for r in family():
        sheet.append(r)
    filled = io.BytesIO()
    workbook.save(filled)

    response = upload(filled.getvalue(), "filled.xlsx")

    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.DONE, batch.report
    assert Person.objects.count() == 3


def test_the_csv_template_is_utf8_with_a_bom(client: Any, town_officer: Any) -> None:
    client.force_login(town_officer)
    content = client.get("/registry/import/template.csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").strip() == ",".join(c.heading for c in COLUMNS)


def test_a_good_upload_leads_to_the_outcome_page(client: Any, upload: Any, town_officer: Any, village: Any) -> None:
    client.force_login(town_officer)

    response = upload(csv_bytes(family()))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/registry/import/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and "<strong>3</strong>" in page
    assert Person.objects.count() == 3


def test_a_bad_upload_shows_every_problem_and_offers_the_report(
    client: Any, upload: Any, town_officer: Any, village: Any
) -> None:
    rows = family()
    rows[0][4] = ""
    rows[2][6] = "2012-02-30"
    client.force_login(town_officer)

    response = upload(csv_bytes(rows))

    page = client.get(response["Location"]).content.decode()
    assert 'data-status="rejected"' in page and "2 problems to correct" in page
    assert "The name is required." in page and "“2012-02-30” is not a real date." in page
    batch = ImportBatch.objects.get()
    report = client.get(f"/registry/import/{batch.pk}/report.xlsx")
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    listed = [(r[0], r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert listed == [(2, "姓名"), (4, "出生日期")]
    assert Person.objects.count() == 0


def test_the_report_is_paginated(client: Any, upload: Any, town_officer: Any, village: Any) -> None:
    rows = [r for i in range(30) for r in family(f"{i:04d}", village="370406101999", seq=i + 1)]  # 90 bad rows
    client.force_login(town_officer)
    batch_url = upload(csv_bytes(rows))["Location"]

    first, second = client.get(batch_url).content.decode(), client.get(batch_url + "?page=2").content.decode()

    assert "90 problems to correct" in first and "Page 1 of 2" in first
    assert first.count("370406101999 in your scope") == 50 and second.count("370406101999 in your scope") == 40


def test_the_same_file_again_is_refused_on_the_form(client: Any, upload: Any, town_officer: Any, village: Any) -> None:
    client.force_login(town_officer)
    upload(csv_bytes(family()))
    first = ImportBatch.objects.get()

    response = upload(csv_bytes(family()), "again.csv")

    assert response.status_code == 400
    assert f"import #{first.pk}" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_an_unreadable_file_gets_a_report_not_an_error_page(
    client: Any, upload: Any, town_officer: Any, village: Any
) -> None:
    client.force_login(town_officer)
    response = upload(b"\x89PNG\r\n\x1a\n\x00\x00", "photo.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "This file is a PNG image, not a spreadsheet." in page


def test_a_running_import_polls_its_progress_every_second(client: Any, town_officer: Any, village: Any) -> None:
    batch = import_create(actor=town_officer, file_name="f.xlsx", content=xlsx_bytes(family()))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING, rows_total=200, rows_checked=100)
    client.force_login(town_officer)

    page = client.get(f"/registry/import/{batch.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and f'hx-get="/registry/import/{batch.pk}/progress/"' in page
    assert 'value="42"' in page and "100 of about 200 rows checked" in page

    partial = client.get(f"/registry/import/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "HX-Refresh" not in partial

    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.DONE)
    finished = client.get(f"/registry/import/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"


def test_another_towns_officer_cannot_see_the_import(
    client: Any, town_officer: Any, other_town_officer: Any, village: Any
) -> None:
    batch = import_create(actor=town_officer, file_name="f.csv", content=csv_bytes(family()))
    client.force_login(other_town_officer)
    assert client.get(f"/registry/import/{batch.pk}/").status_code == 404
    assert client.get(f"/registry/import/{batch.pk}/report.xlsx").status_code == 404
    assert "f.csv" not in client.get("/registry/import/").content.decode()


def test_a_village_worker_cannot_open_the_import_page(client: Any, village_worker: Any) -> None:
    client.force_login(village_worker)
    assert client.get("/registry/import/").status_code == 403
    assert client.get("/registry/import/template.xlsx").status_code == 403


def test_an_officer_uploading_for_a_village_of_another_town_is_refused(
    client: Any, upload: Any, town_officer: Any, village: Any, other_village: Any
) -> None:
    client.force_login(town_officer)
    response = upload(csv_bytes(family(village=other_village.code)))
    page = client.get(response["Location"]).content.decode()
    assert "No village with code 370406102001 in your scope" in page
    assert Person.objects.count() == 0
