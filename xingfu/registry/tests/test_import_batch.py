"""The batch around an import: the same file twice, progress, all-or-nothing on a database refusal, the
command, and who may import."""

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import translation

from xingfu.core.errors import Conflict, PermissionDenied
from xingfu.registry.imports import services as import_services
from xingfu.registry.imports import validate as validate_module
from xingfu.registry.imports.reader import open_table
from xingfu.registry.imports.services import import_create, import_run
from xingfu.registry.imports.testing import csv_bytes, family
from xingfu.registry.imports.validate import scope_villages, validate
from xingfu.registry.models import Household, Membership, Person
from xingfu.registry.models_imports import ImportBatch, ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The reasons are asserted in English (the msgids), whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


def test_the_same_file_twice_is_refused_naming_the_earlier_import(town_officer: Any, village: Any) -> None:
    data = csv_bytes(family())
    first = import_run(batch=import_create(actor=town_officer, file_name="王庄村.csv", content=data))
    assert first.status == ImportStatus.DONE

    with pytest.raises(Conflict) as refused:
        import_create(actor=town_officer, file_name="copy.csv", content=data)

    message = str(refused.value.message)
    assert f"import #{first.pk}" in message and "王庄村.csv" in message and "officer" in message
    assert ImportBatch.objects.count() == 1 and Person.objects.count() == 3


def test_a_rejected_file_may_be_uploaded_again(town_officer: Any, village: Any) -> None:
    rows = family(village="370406101002")  # sibling village, not created yet
    data = csv_bytes(rows)
    first = import_run(batch=import_create(actor=town_officer, file_name="f.csv", content=data))
    assert first.status == ImportStatus.REJECTED

    from xingfu.core.testing import ensure_village

    ensure_village("370406101002", "李家峪村")
    again = import_run(batch=import_create(actor=town_officer, file_name="f.csv", content=data))

    assert again.status == ImportStatus.DONE, again.report
    assert again.sha256 == first.sha256


def test_progress_is_reported_chunk_by_chunk(town_officer: Any, village: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(validate_module, "CHUNK", 2)
    rows = family("0001") + family("0002", seq=2)
    seen: list[int] = []

    plan = validate(
        open_table(csv_bytes(rows), "f.csv"), villages=scope_villages(town_officer.scope), progress=seen.append
    )

    assert plan.ok and seen == [2, 4, 6]


def test_a_batch_records_its_rows_and_counts_and_stands_at_100_percent(town_officer: Any, village: Any) -> None:
    batch = import_create(actor=town_officer, file_name="f.csv", content=csv_bytes(family()))
    assert (batch.status, batch.percent, batch.finished) == (ImportStatus.QUEUED, 0, False)

    import_run(batch=batch)
    batch.refresh_from_db()

    assert (batch.status, batch.rows_total, batch.rows_checked, batch.percent) == (ImportStatus.DONE, 3, 3, 100)
    assert batch.started_at is not None and batch.finished_at is not None and batch.finished


def test_percent_follows_the_phases() -> None:
    batch = ImportBatch(status=ImportStatus.CHECKING, rows_total=1000, rows_checked=500)
    assert batch.percent == 5 + 37
    batch.status = ImportStatus.WRITING
    assert batch.percent == 90
    batch.status = ImportStatus.REJECTED
    assert batch.percent == 100


def test_a_database_refusal_while_writing_leaves_nothing_written(
    town_officer: Any, village: Any, monkeypatch: Any
) -> None:
    real_insert = import_services.insert_rows

    def insert_then_clash(model: Any, fields: Any, rows: Any) -> int:
        real_insert(model, fields, rows)
        if model is Membership:
            raise IntegrityError("duplicate key value violates unique constraint")
        return 0

    monkeypatch.setattr(import_services, "insert_rows", insert_then_clash)

    batch = import_run(batch=import_create(actor=town_officer, file_name="f.csv", content=csv_bytes(family())))

    assert batch.status == ImportStatus.FAILED and "nothing was imported" in batch.message
    assert (Person.objects.count(), Household.objects.count(), Membership.objects.count()) == (0, 0, 0)


def test_an_unexpected_error_fails_the_batch_with_a_message(town_officer: Any, village: Any, monkeypatch: Any) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(import_services, "validate", boom)

    batch = import_run(batch=import_create(actor=town_officer, file_name="f.csv", content=csv_bytes(family())))

    assert batch.status == ImportStatus.FAILED and f"import #{batch.pk}" in batch.message
    assert Person.objects.count() == 0


def test_a_village_worker_may_not_import(village_worker: Any) -> None:
    with pytest.raises(PermissionDenied):
        import_create(actor=village_worker, file_name="f.csv", content=csv_bytes(family()))


def test_the_district_admin_imports_into_any_town(district_admin: Any, village: Any, other_village: Any) -> None:
    rows = family("0001") + family("0001", village=other_village.code, seq=2)
    batch = import_run(batch=import_create(actor=district_admin, file_name="f.csv", content=csv_bytes(rows)))
    assert batch.status == ImportStatus.DONE, batch.report
    assert set(Household.objects.values_list("orgunit__code", flat=True)) == {village.code, other_village.code}


def test_the_command_imports_a_file_as_the_user(town_officer: Any, village: Any, tmp_path: Path) -> None:
    path = tmp_path / "households.csv"
    path.write_bytes(csv_bytes(family()))
    out = StringIO()

    call_command("registry_import", str(path), user="officer", stdout=out)

    assert "3 persons added, 1 households registered" in out.getvalue()
    assert Person.objects.count() == 3
    assert ImportBatch.objects.get().uploaded_by == town_officer


def test_the_command_lists_the_problems_and_exits_1(town_officer: Any, village: Any, tmp_path: Path) -> None:
    rows = family()
    rows[0][4] = ""
    path = tmp_path / "households.csv"
    path.write_bytes(csv_bytes(rows))
    report = tmp_path / "report.xlsx"
    err = StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("registry_import", str(path), user="officer", report=str(report), stderr=err)

    assert exited.value.code == 1
    assert "row 2, 姓名: The name is required." in err.getvalue()
    assert report.read_bytes().startswith(b"PK") and Person.objects.count() == 0
