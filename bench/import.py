"""Importing a registry spreadsheet.

``xingfu bench import --rows 1000000``: a generated CSV of ``rows`` persons in their households (the demo
generator's families, with resident-ID numbers and household numbers clear of the demo's) is written to a
temporary directory, then imported through ``import_create``/``import_run`` — the code path of the page and
of ``xingfu registry_import``: read, check in memory, write in one transaction. Beside it, a row-by-row ORM
baseline (the same row checks, then one existence query, ``get_or_create`` of the household and
``Person.objects.create``/``Membership.objects.create`` per row) runs on the first ``--sample`` rows inside a
transaction that is rolled back, and is extrapolated to the whole file.

Beside the wall-clock figures: the CPU seconds of this process and of its PostgreSQL backend during the import
(read from ``/proc`` when the server runs on this machine), the load average before and after it (the machine
is shared), and whether the import could leave the foreign keys' per-row triggers off (``foreign_key_triggers``:
"off" for a superuser or a role granted ``SET`` on ``session_replication_role``, else "on").

The imported rows are deleted afterwards (``--keep`` keeps them) and, on PostgreSQL, the tables vacuumed, so
that the benchmark can run again on the registry it found.
"""

import argparse
import csv
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from bench.common import postgres_backend_cpu_seconds, stopwatch
from xingfu.accounts.roles import Role
from xingfu.core.testing import ensure_district
from xingfu.demo.loader import demo_villages
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.demo import Village, demo_villages_in_db, generate
from xingfu.registry.imports.bulk import foreign_key_triggers_may_be_off
from xingfu.registry.imports.reader import open_table
from xingfu.registry.imports.services import import_create, import_run
from xingfu.registry.imports.testing import HEADINGS
from xingfu.registry.imports.validate import Plan, Report, RowChecker, check_headings, scope_villages
from xingfu.registry.models import Household, LifeEvent, Membership, Person
from xingfu.registry.models_imports import ImportBatch, ImportStatus
from xingfu.registry.pinyin import name_pinyin

_RELATIONS = {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "other": "其他"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=1_000_000, help="persons in the generated file")
    parser.add_argument("--sample", type=int, default=2_000, help="rows the row-by-row baseline runs on")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--keep", action="store_true", help="keep the imported rows")


def write_csv(path: Path, *, rows: int, seed: int, villages: list[Village]) -> int:
    """The generated families' living members, whole households only, until exactly ``rows`` rows."""
    generated = generate(seed=seed, persons=int(rows * 1.15) + 50, villages=villages, seq_base=500, number_prefix="B")
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for person, household, relation, _start, end in generated.memberships:
        if end is None:
            members[household].append((person, relation))
    codes = {v.id: v.code for v in villages}
    written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADINGS)
        for index, (village_id, number, address, residence, _on, head) in enumerate(generated.households):
            people = members.get(index, [])
            if head is None or not people or written + len(people) > rows:
                continue
            for person, relation in people:
                name, sex, birth, id_number, phone, _status, _death, _village = generated.persons[person]
                out.writerow(
                    [
                        codes[village_id], number, address, "农村" if residence == "rural" else "城镇", name,
                        "男" if sex == "M" else "女", birth.isoformat(), id_number, _RELATIONS[relation], phone,
                    ]
                )  # fmt: skip
            written += len(people)
            if written == rows:
                break
    return written


def _write_csv_child(path: str, rows: int, seed: int, villages: list[Village], result: Any) -> None:
    result.value = write_csv(Path(path), rows=rows, seed=seed, villages=villages)


def _baseline(path: Path, sample: int, user: Any) -> float:
    """Row by row through the ORM, with the same row checks; rolled back."""
    table = open_table(path.read_bytes(), path.name)
    index, labels, _problems = check_headings(table.headings)
    plan = Plan()
    checker = RowChecker(plan, Report(plan, labels), index, scope_villages(user.scope))
    with stopwatch() as t, transaction.atomic():
        for row_no, cells in table.rows:
            if row_no > sample + 1:
                break
            before = len(plan.persons)
            number = checker.row(row_no, cells)
            if len(plan.persons) == before:
                continue
            _row, hh, name, sex, birth, id_number, relation, phone = plan.persons[-1]
            if number and Person.objects.filter(id_number=number).exists():
                continue
            draft = plan.households[hh]
            household, _created = Household.objects.get_or_create(
                orgunit_id=draft.village_id,
                number=draft.number,
                defaults={"address": draft.address, "residence": draft.residence, "registered_on": checker.today},
            )
            pinyin, initials = name_pinyin(name)
            person = Person.objects.create(
                name=name, pinyin=pinyin, pinyin_initials=initials, sex=sex, birth_date=birth, id_number=id_number,
                phone=phone, orgunit_id=draft.village_id,
            )  # fmt: skip
            Membership.objects.create(person=person, household=household, relation=relation, start_date=checker.today)
            if relation == "head":
                Household.objects.filter(pk=household.pk).update(head=person)
        transaction.set_rollback(True)
    return t["seconds"]


def _bench_user() -> Any:
    User = get_user_model()
    user = User.objects.filter(username="bench_importer").first()
    if user is None:
        district = OrgUnit.objects.get(level=Level.DISTRICT)
        user = User(username="bench_importer", role=Role.DISTRICT_ADMIN, scope=district, full_name="benchmark")
        user.set_unusable_password()
        user.save()
    return user


def _delete_imported(after: dict[str, int]) -> None:
    """Remove what the import wrote (keys above those in use before it), child rows first. On PostgreSQL,
    as superuser, with foreign-key triggers off for the transaction: nothing refers to these fresh rows but
    each other, and checking the 17 tables that may refer to a person, row by row, takes minutes."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
        for model in (Membership, Household, Person):
            table = connection.ops.quote_name(model._meta.db_table)
            if model is Household:
                cursor.execute(f"UPDATE {table} SET head_id = NULL WHERE id > %s", [after["household"]])
            cursor.execute(f"DELETE FROM {table} WHERE id > %s", [after[str(model._meta.model_name)]])
    if connection.vendor == "postgresql":
        # Without it the next run would insert beside a million dead index entries.
        with connection.cursor() as cursor:
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Person, Household, Membership))
            cursor.execute(f"VACUUM (ANALYZE) {tables}")


def run(*, rows: int, sample: int, seed: int, keep: bool = False, **_: Any) -> dict[str, Any]:
    ensure_district()
    demo_villages(seed=2026)
    user = _bench_user()
    villages = demo_villages_in_db()
    with tempfile.TemporaryDirectory(prefix="xingfu-bench-import-") as tmp:
        path = Path(tmp) / "registry.csv"
        # Generated in a child process, so that the generator's memory is not counted as the import's.
        connection.close()
        written = multiprocessing.get_context("fork").Value("q", 0)
        child = multiprocessing.get_context("fork").Process(
            target=_write_csv_child, args=(str(path), rows, seed, villages, written)
        )
        with stopwatch() as generation:
            child.start()
            child.join()
        if child.exitcode != 0:
            raise RuntimeError("generating the CSV file failed")
        n_rows = int(written.value)
        size_mb = path.stat().st_size / 2**20

        baseline_sample = _baseline(path, min(sample, n_rows), user)
        before = {
            str(m._meta.model_name): int(m.objects.order_by("-id").values_list("id", flat=True).first() or 0)
            for m in (Person, Household, Membership, LifeEvent)
        }
        ImportBatch.objects.filter(file_name=path.name, uploaded_by=user).delete()
        triggers = None  # SQLite checks foreign keys its own way
        if connection.vendor == "postgresql":
            triggers = "off" if foreign_key_triggers_may_be_off(Person, Household, Membership) else "on"
        with stopwatch() as upload:
            batch = import_create(actor=user, file_name=path.name, content=path.read_bytes())
        load_before = os.getloadavg()[0]
        backend_before, python_before = postgres_backend_cpu_seconds(), time.process_time()
        with stopwatch() as t:
            batch = import_run(batch=batch)
        backend_after, python_after = postgres_backend_cpu_seconds(), time.process_time()
        load_after = os.getloadavg()[0]
    if batch.status != ImportStatus.DONE:
        raise RuntimeError(f"the import did not succeed: {batch.message} {batch.report[:5]}")
    result = {
        "rows": n_rows,
        "seconds": round(t["seconds"], 2),
        "rows_per_second": round(n_rows / t["seconds"]),
        "baseline_seconds": round(baseline_sample * n_rows / max(min(sample, n_rows), 1), 1),
        "baseline_sample_rows": min(sample, n_rows),
        "baseline_rows_per_second": round(min(sample, n_rows) / baseline_sample),
        "speedup": round(baseline_sample * n_rows / max(min(sample, n_rows), 1) / t["seconds"], 1),
        "households": batch.households_created,
        "file_mb": round(size_mb, 1),
        "generate_seconds": round(generation["seconds"], 1),
        "upload_seconds": round(upload["seconds"], 2),
        "python_cpu_seconds": round(python_after - python_before, 1),
        "postgres_cpu_seconds": (
            round(backend_after - backend_before, 1)
            if backend_after is not None and backend_before is not None
            else None
        ),
        "foreign_key_triggers": triggers,
        "load_avg": [round(load_before, 1), round(load_after, 1)],
    }
    # Shown before the clean-up, which may take a while.
    print(json.dumps({"bench": "import", **result}), file=sys.stderr, flush=True)
    if not keep:
        _delete_imported(before)
        ImportBatch.objects.filter(pk=batch.pk).delete()
    return result
