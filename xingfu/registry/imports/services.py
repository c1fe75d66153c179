"""Importing a spreadsheet: accepting the upload (``import_create``) and running the batch (``import_run``).

The page, the task and ``xingfu registry_import`` all go through these two functions. A batch is
all-or-nothing: nothing is imported unless every row of the file is good, and then everything is written in one
transaction together with its one audit event and its "done" status.

On PostgreSQL a first attempt writes the persons inside that transaction while the rows are being checked (the
database stores one chunk while Python checks the next) and commits only if the whole file turns out good; on
the first problem it rolls back and the file is checked again without writing, for the complete report. On
SQLite, and in that second run, the file is checked whole before anything is written.
"""

import gc
import hashlib
import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xingfu.accounts.access import require, scope_of
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.imports.bulk import (
    bulk_write_settings,
    copy_rows,
    copy_text,
    foreign_key_triggers_off,
    foreign_key_triggers_on,
    insert_rows,
    lock_existing,
    reserve_ids,
    timestamp,
)
from xingfu.registry.imports.progress import ProgressAside
from xingfu.registry.imports.reader import FileRejected, Table, open_table
from xingfu.registry.imports.validate import Plan, file_error, scope_villages, validate
from xingfu.registry.models import Household, Membership, Person, PersonStatus
from xingfu.registry.models_imports import LIVE_STATUSES, ImportBatch, ImportStatus
from xingfu.registry.pinyin import name_pinyin

logger = logging.getLogger(__name__)

NULL = "\\N"  # in COPY's text format

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def earlier_import(sha256: str) -> ImportBatch | None:
    """The batch that holds this file's SHA-256: one imported, or still running."""
    return ImportBatch.objects.select_related("uploaded_by").filter(sha256=sha256, status__in=LIVE_STATUSES).first()


def _already_imported(earlier: ImportBatch) -> Conflict:
    who = earlier.uploaded_by.username if earlier.uploaded_by else _("an account since removed")
    when = timezone.localtime(earlier.created_at).strftime("%Y-%m-%d %H:%M")
    return Conflict(
        _(
            "This file has already been uploaded: import #%(id)d “%(name)s” by %(who)s on %(when)s "
            "(%(status)s). The same file is not imported twice; to add more people, upload a file with only "
            "the new rows."
        )
        % {
            "id": earlier.pk,
            "name": earlier.file_name,
            "who": who,
            "when": when,
            "status": earlier.get_status_display(),
        },
        field="file",
        details={"import_id": earlier.pk},
    )


def import_create(*, actor: Any, file_name: str, content: bytes) -> ImportBatch:
    """Accept an uploaded spreadsheet for import into the villages of the actor's scope. Refuses a file
    that is too large, or the very same file (by SHA-256) already imported or being imported."""
    require(actor, Perm.REGISTRY_IMPORT)
    scope = scope_of(actor)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB; split it into several files.") % {"mb": MAX_UPLOAD_BYTES // 2**20},
            field="file",
        )
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = earlier_import(sha256)
    if earlier is not None:
        raise _already_imported(earlier)
    file_name = (file_name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255]
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                file_name=file_name,
                sha256=sha256,
                size=len(content),
                uploaded_by=actor,
                scope=scope,
                language=translation.get_language() or "",
            )
    except IntegrityError:
        # Someone uploaded the same file a moment ago.
        earlier = earlier_import(sha256)
        if earlier is None:
            raise
        raise _already_imported(earlier) from None
    suffix = "xlsx" if content.startswith(b"PK\x03\x04") else "csv"
    batch.upload.save(f"{batch.pk}-{sha256[:16]}.{suffix}", ContentFile(content), save=False)
    ImportBatch.objects.filter(pk=batch.pk).update(upload=batch.upload.name)
    return batch


def _set(batch: ImportBatch, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(batch, name, value)
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)


def _finish(batch: ImportBatch, status: str, **fields: Any) -> None:
    _set(batch, status=status, finished_at=timezone.now(), **fields)
    # The upload holds resident-ID numbers: it is not kept once the batch has run.
    if batch.upload:
        batch.upload.delete(save=False)
        _set(batch, upload="")


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a batch runs. A large file makes millions of objects that live until
    the end (rows, the plan, the keys) and none of them in cycles; the collector would walk them all again and
    again, a third of the time of checking a million rows. Reference counting still frees everything else."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_run(*, batch: ImportBatch) -> ImportBatch:
    """Check the batch's file and, if every row is good, write it; the batch says what happened. Never
    raises for a bad file (that is a rejected batch with its report)."""
    if batch.status != ImportStatus.QUEUED:
        return batch
    with translation.override(batch.language or None), _without_cycle_collection():
        try:
            return _run(batch)
        except Exception:
            logger.exception("registry import #%s failed", batch.pk)
            _finish(
                batch,
                ImportStatus.FAILED,
                message=_("The import stopped on an unexpected error; nothing was imported. Please tell the "
                          "district's system administrator (import #%(id)d).") % {"id": batch.pk},
            )  # fmt: skip
            return batch


def _run(batch: ImportBatch) -> ImportBatch:
    _set(batch, status=ImportStatus.CHECKING, started_at=timezone.now())
    with batch.upload.open("rb") as f:
        data = f.read()
    try:
        table = open_table(data, batch.file_name)
    except FileRejected as exc:
        _finish(batch, ImportStatus.REJECTED, report=[file_error(exc.reason)], error_count=1, message=exc.reason)
        return batch
    _set(batch, file_format=table.file_format, encoding=table.encoding, rows_total=table.rows_estimate)
    villages = scope_villages(batch.scope)
    if connection.vendor == "postgresql":
        if _run_writing_while_checking(batch, table, villages):
            return batch
        table = open_table(data, batch.file_name)
    del data
    checked = batch.rows_checked  # by a first attempt; the bar does not go back
    try:
        plan = validate(
            table,
            villages=villages,
            progress=lambda n: _set(batch, rows_checked=n) if n > checked else None,
        )
    except FileRejected as exc:
        _finish(batch, ImportStatus.REJECTED, report=[file_error(exc.reason)], error_count=1, message=exc.reason)
        return batch
    if not plan.ok:
        _finish(
            batch,
            ImportStatus.REJECTED,
            rows_total=plan.rows,
            rows_checked=plan.rows,
            report=plan.errors,
            error_count=plan.error_count,
            message=ngettext(
                "%(n)d problem found; nothing was imported. Correct the file and upload it again.",
                "%(n)d problems found; nothing was imported. Correct the file and upload it again.",
                plan.error_count,
            )
            % {"n": plan.error_count},
        )
        return batch
    _set(batch, status=ImportStatus.WRITING, rows_total=plan.rows, rows_checked=plan.rows)
    try:
        with transaction.atomic():
            _write(batch, plan, triggers_off=foreign_key_triggers_off(Person, Household, Membership))
    except (IntegrityError, DatabaseError) as exc:
        logger.warning("registry import #%s refused by the database: %s", batch.pk, exc)
        _finish(
            batch,
            ImportStatus.FAILED,
            message=_(
                "While the file was being written, someone else registered one of its people or households, "
                "so nothing was imported. Upload the file again: the check will say which rows clash."
            ),
        )
    return batch


class _StartAgain(Exception):
    """The first attempt cannot finish; what it wrote is rolled back and the file is checked again."""


def _run_writing_while_checking(batch: ImportBatch, table: Table, villages: dict[str, tuple[int, str]]) -> bool:
    """First attempt on PostgreSQL, for a good file: write the persons while checking the rows, so that the
    database stores one chunk while Python checks the next, then the rest, in one transaction. True if the
    batch is done. On any problem (a row to report, a resident-ID number the registry already has, a file that
    cannot be read to its end) everything is rolled back and False returned: the ordinary run then checks the
    file again, writing nothing until it is all good, and gives the complete report."""
    progress = ProgressAside(batch)
    try:
        with transaction.atomic():
            triggers_off = foreign_key_triggers_off(Person, Household, Membership)
            person_ids = reserve_ids(Person, table.rows_estimate + 1)
            with ExitStack() as copying:
                persons = _PersonsCopy(copying, person_ids)
                plan = validate(table, villages=villages, progress=progress.checked, write_persons=persons)
            if not plan.ok:
                raise _StartAgain
            progress.writing(plan.rows)
            progress.close()  # before this transaction touches the batch's row, which the other connection did
            _write(
                batch,
                plan,
                person_ids=person_ids[: len(plan.persons)],
                persons_written=True,
                triggers_off=triggers_off,
            )
        return True
    except (_StartAgain, FileRejected, DatabaseError) as exc:
        logger.info("registry import #%s: checking again without writing (%s)", batch.pk, type(exc).__name__)
        return False
    finally:
        progress.close()


class _PersonsCopy:
    """The persons written by one ``COPY`` while the rows are checked (``validate``'s ``write_persons``)."""

    def __init__(self, copying: ExitStack, person_ids: list[int]) -> None:
        self.copying = copying
        self.copy = copying.enter_context(copy_rows(Person, PERSON_FIELDS))
        self.person_ids = person_ids
        self.now = str(timestamp(timezone.now()))
        self.pinyin: dict[str, tuple[str, str]] = {}

    def write(self, plan: Plan, first: int) -> None:
        if len(plan.persons) > len(self.person_ids):  # more rows than the file's line count said
            raise _StartAgain
        self.copy.lines(person_lines(plan, first, self.person_ids, self.now, self.pinyin))

    def end(self) -> None:
        self.copying.close()


def _write(
    batch: ImportBatch,
    plan: Plan,
    *,
    person_ids: list[int] | None = None,
    persons_written: bool = False,
    triggers_off: bool = False,
) -> None:
    """Write a checked plan with its audit event and the batch's done status (in the caller's transaction)."""
    bulk_write_settings()
    counts = write_plan(plan, person_ids=person_ids, persons_written=persons_written, triggers_off=triggers_off)
    if triggers_off:
        foreign_key_triggers_on()
    audit_record(
        actor=batch.uploaded_by,
        action="registry.import",
        object_type="import",
        object_id=batch.pk,
        orgunit=batch.scope,
        changes={
            "rows": {"before": None, "after": plan.rows},
            **{name: {"before": None, "after": n} for name, n in counts.items()},
            "file": {"before": None, "after": batch.file_name},
            "sha256": {"before": None, "after": batch.sha256},
        },
    )
    _finish(batch, ImportStatus.DONE, message="", rows_total=plan.rows, rows_checked=plan.rows, **counts)


def person_rows(
    plan: Plan, first: int, person_ids: list[int], now: Any, pinyin: dict[str, tuple[str, str]]
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``registry_person`` (in the order of ``PERSON_FIELDS``) for ``plan.persons[first:]``;
    ``pinyin`` remembers the names already read."""
    households = plan.households
    for i in range(first, len(plan.persons)):
        _row, hh, name, sex, birth, id_number, _rel, phone = plan.persons[i]
        py = pinyin.get(name)
        if py is None:
            py = pinyin[name] = name_pinyin(name)
        yield (
            person_ids[i], name, py[0], py[1], sex, birth, id_number, phone, PersonStatus.ALIVE.value, None,
            households[hh].village_id, now, now,
        )  # fmt: skip


def person_lines(plan: Plan, first: int, person_ids: list[int], now: str, pinyin: dict[str, tuple[str, str]]) -> str:
    """``person_rows`` as lines of COPY's text format (``CopyIn.lines``), at half the cost for a million."""
    households = plan.households
    alive = PersonStatus.ALIVE.value
    lines = []
    for i in range(first, len(plan.persons)):
        _row, hh, name, sex, birth, id_number, _rel, phone = plan.persons[i]
        py = pinyin.get(name)
        if py is None:
            py = pinyin[name] = name_pinyin(name)
        lines.append(
            f"{person_ids[i]}\t{copy_text(name)}\t{py[0]}\t{py[1]}\t{sex}\t{birth.isoformat()}\t{id_number or NULL}"
            f"\t{copy_text(phone)}\t{alive}\t{NULL}\t{households[hh].village_id}\t{now}\t{now}\n"
        )
    return "".join(lines)


def write_plan(
    plan: Plan, *, person_ids: list[int] | None = None, persons_written: bool = False, triggers_off: bool = False
) -> dict[str, int]:
    """Write a checked plan in the caller's transaction: persons (unless ``persons_written`` under
    ``person_ids`` already), new households, memberships; existing households without a head get the file's
    head. Keys are reserved first so nothing is read back. With ``triggers_off`` (``foreign_key_triggers_off``)
    the references are checked here."""
    if triggers_off:
        _check_references(plan)
    today = timezone.localdate()
    now = timestamp(timezone.now())
    extended = [d for d in plan.households if d.existing_id is not None]
    new = [d for d in plan.households if d.existing_id is None]
    if person_ids is None:
        person_ids = reserve_ids(Person, len(plan.persons))
    for draft, pk in zip(new, reserve_ids(Household, len(new)), strict=True):
        draft.existing_id = pk
    household_ids = [d.existing_id for d in plan.households]

    def households() -> Iterator[tuple[Any, ...]]:
        for d in new:
            assert d.head_person is not None  # a checked plan has one head in every new household
            yield (
                d.existing_id,
                d.village_id,
                d.number,
                d.address,
                d.residence,
                today,
                person_ids[d.head_person],
                now,
                now,
            )

    if not persons_written:
        insert_rows(Person, PERSON_FIELDS, person_rows(plan, 0, person_ids, now, {}))
    insert_rows(Household, HOUSEHOLD_FIELDS, households())
    for draft in extended:
        if draft.head_person is not None and draft.existing_id is not None:
            Household.objects.filter(pk=draft.existing_id, head__isnull=True).update(
                head_id=person_ids[draft.head_person], updated_at=timezone.now()
            )
    # Nothing refers to a membership: the database numbers them.
    insert_rows(
        Membership,
        ("person", "household", "relation", "start_date", "end_date"),
        (
            (pid, household_ids[hh], relation, today, None)
            for pid, (_row, hh, _n, _s, _b, _i, relation, _p) in zip(person_ids, plan.persons, strict=True)
        ),
    )
    return {
        "persons_created": len(plan.persons),
        "households_created": len(new),
        "households_extended": len(extended),
    }


def _check_references(plan: Plan) -> None:
    """What the foreign keys of the rows written would check, as a whole: the villages and the households
    extended exist, and stay until the transaction ends. Every other reference (household head, membership
    person, new household) is to a row this transaction writes; merged_into is left empty."""
    villages = {d.village_id for d in plan.households}
    extended = {d.existing_id for d in plan.households if d.existing_id is not None}
    if lock_existing(OrgUnit, villages) != len(villages) or lock_existing(Household, extended) != len(extended):
        raise IntegrityError("a village or household of the file was deleted while it was being imported")


PERSON_FIELDS = (
    "id", "name", "pinyin", "pinyin_initials", "sex", "birth_date", "id_number", "phone", "status", "death_date",
    "orgunit", "created_at", "updated_at",
)  # fmt: skip
HOUSEHOLD_FIELDS = (
    "id", "orgunit", "number", "address", "residence", "registered_on", "head", "created_at", "updated_at",
)  # fmt: skip
