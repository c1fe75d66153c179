"""Uploading an outside list and running linkage: the writes behind the upload page and the run pages."""

import datetime
import hashlib
import logging
import time
from collections import Counter, defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.access import may_see_unit, require, scope_of
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.linkage import engine
from xingfu.linkage.lists import MAX_ROWS, RowProblems, column_positions, outside_input, parse_row, template_of
from xingfu.linkage.lists import Row as ListRow
from xingfu.linkage.models import (
    Candidate,
    CandidateBand,
    Decision,
    LinkRun,
    LinkRunKind,
    LinkRunStatus,
    ListTemplate,
    OutsideList,
    OutsideRecord,
    Proposal,
    Verdict,
)
from xingfu.linkage.reader import read_rows
from xingfu.linkage.registry_input import registry_input
from xingfu.orgunits.models import Level, OrgUnit

logger = logging.getLogger(__name__)

# A birth on the list is the registry's birth if the mother's registered birth is this close to it.
BIRTH_SAME_WITHIN_DAYS = 7


def _record_keys(template: str, rows: list[ListRow]) -> list[str]:
    """A key per row that the same row has in any list: its values, and which occurrence of identical rows
    it is (twins of one sex and no names yet are two identical rows)."""
    seen: Counter[str] = Counter()
    keys = []
    for row in rows:
        text = "|".join(
            str(v or "")
            for v in (
                template,
                row.name,
                row.id_number,
                row.sex,
                row.birth_date,
                row.child_sex,
                row.child_birth_date,
                row.child_name,
            )
        )
        seen[text] += 1
        keys.append(hashlib.sha1(f"{text}#{seen[text]}".encode()).hexdigest())  # noqa: S324 - a key, not a secret
    return keys


def _villages_in_scope(scope: OrgUnit, rows: list[ListRow]) -> dict[str, OrgUnit]:
    """The villages the rows name, each of which must be a village in the uploader's scope."""
    codes = sorted({r.village_code for r in rows if r.village_code})
    found = {
        unit.code: unit
        for unit in OrgUnit.objects.filter(code__in=codes, level=Level.VILLAGE, path__startswith=scope.path)
    }
    for row in rows:
        if row.village_code and row.village_code not in found:
            raise ValidationFailed(
                _(
                    "Row %(row)d names village code %(code)s, which is not a village in your scope (%(scope)s). "
                    "A list is linked within the uploader's scope; nothing was stored."
                )
                % {"row": row.row, "code": row.village_code, "scope": scope.name},
                field="village_code",
                details=[{"row": row.row, "column": "村代码", "value": row.village_code}],
            )
    return found


@transaction.atomic
def list_upload(*, actor: Any, template: str, file_name: str, content: bytes) -> OutsideList:
    """Store an outside list (a hospital birth list or a household-registration extract) for linking against
    the registry in the uploader's scope. The whole file is refused, with the reason, if its template is
    unknown, a required column is missing, it names a village outside the scope, or it was uploaded before;
    single rows lacking what they cannot do without are left out and reported."""
    require(actor, Perm.LINKAGE_REVIEW)
    scope = scope_of(actor)
    template = template_of(template)
    header, body = read_rows(content)
    positions = column_positions(template, header)
    if len(body) > MAX_ROWS:
        raise ValidationFailed(
            _("A list has at most %(n)d rows; this one has %(rows)d.") % {"n": MAX_ROWS, "rows": len(body)},
            field="file",
        )
    problems = RowProblems()
    rows: list[ListRow] = []
    for number, values in enumerate(body, start=2):
        cells = {field: (values[i] if i < len(values) else "") for field, i in positions.items()}
        row = parse_row(template, number, cells, problems)
        if row is not None:
            rows.append(row)
    if not rows:
        raise ValidationFailed(_("No row of the file can be used."), field="file", details=problems.items or None)
    villages = _villages_in_scope(scope, rows)
    digest = hashlib.sha256(content).hexdigest()
    earlier = OutsideList.objects.filter(scope=scope, sha256=digest).first()
    if earlier is not None:
        raise Conflict(
            _("This file was uploaded before as list #%(id)d; run that list's linkage again instead.")
            % {"id": earlier.pk},
            field="file",
        )
    try:
        with transaction.atomic():
            outside_list = OutsideList.objects.create(
                template=template,
                file_name=file_name[:255],
                sha256=digest,
                scope=scope,
                uploaded_by=actor,
                rows=len(rows),
                rows_left_out=len(body) - len(rows),
                problems=problems.items,
                problem_count=problems.count,
            )
    except IntegrityError as exc:
        raise Conflict(_("This file was uploaded before."), field="file") from exc
    keys = _record_keys(template, rows)
    OutsideRecord.objects.bulk_create(
        (
            OutsideRecord(
                outside_list=outside_list,
                row=row.row,
                name=row.name,
                id_number=row.id_number or "",
                sex=row.sex or "",
                birth_date=row.birth_date,
                address=row.address,
                village_code=row.village_code,
                facility=row.facility,
                child_sex=row.child_sex,
                child_name=row.child_name,
                child_birth_date=row.child_birth_date,
                record_key=key,
                orgunit=villages.get(row.village_code, scope),
            )
            for row, key in zip(rows, keys, strict=True)
        ),
        batch_size=5000,
    )
    audit_record(
        actor=actor,
        action="linkage.list.upload",
        object_type="outside_list",
        object_id=outside_list.pk,
        orgunit=scope,
        changes={
            "template": {"before": None, "after": template},
            "file_name": {"before": None, "after": outside_list.file_name},
            "rows": {"before": None, "after": len(rows)},
            "rows_left_out": {"before": None, "after": len(body) - len(rows)},
        },
    )
    return outside_list


def _enqueue(run: LinkRun) -> None:
    from xingfu.linkage.tasks import link_run

    transaction.on_commit(lambda: link_run.enqueue(run.pk))


@transaction.atomic
def run_start(*, actor: Any, outside_list: OutsideList | None = None, repeat_of: LinkRun | None = None) -> LinkRun:
    """Start a link run: an outside list against the registry in the list's scope, or (no list) a
    deduplication of the registry in the actor's scope. It runs as a task; its page shows the progress."""
    require(actor, Perm.LINKAGE_REVIEW)
    if outside_list is not None:
        if not may_see_unit(actor, outside_list.scope):
            raise PermissionDenied(_("This list is outside your scope."))
        scope, kind = outside_list.scope, outside_list.template
    else:
        scope, kind = scope_of(actor), LinkRunKind.DEDUPLICATION
        if repeat_of is not None:
            scope = repeat_of.scope
    run = LinkRun.objects.create(
        kind=kind, outside_list=outside_list, scope=scope, started_by=actor, repeat_of=repeat_of
    )
    audit_record(
        actor=actor,
        action="linkage.run.start",
        object_type="link_run",
        object_id=run.pk,
        orgunit=scope,
        changes={"kind": {"before": None, "after": kind}, "list": {"before": None, "after": run.outside_list_id}},
    )
    _enqueue(run)
    return run


def run_repeat(*, actor: Any, run: LinkRun) -> LinkRun:
    """Run the same list (or the same deduplication) again: the registry may have changed, and whatever has
    been decided since is not proposed again."""
    if not may_see_unit(actor, run.scope):
        raise PermissionDenied(_("This run is outside your scope."))
    return run_start(actor=actor, outside_list=run.outside_list, repeat_of=run)


# --- the run itself ---------------------------------------------------------------------------------------


def _progress(run: LinkRun, step: str, percent: int) -> None:
    LinkRun.objects.filter(pk=run.pk).update(step=step, percent=percent)


def run_execute(*, run: LinkRun) -> LinkRun:
    """Carry out a run (the task's body): read both sides, train and apply the model, store what it
    proposes. A failure marks the run failed with its reason; nothing it proposed is kept."""
    LinkRun.objects.filter(pk=run.pk).update(
        status=LinkRunStatus.RUNNING, started_at=timezone.now(), step="reading", percent=1
    )
    try:
        if run.kind == LinkRunKind.DEDUPLICATION:
            _execute_deduplication(run)
        else:
            _execute_list(run)
    except Exception as exc:
        # The task boundary: the run records why it failed instead of leaving a request or worker with a 500.
        logger.exception("link run %s failed", run.pk)
        LinkRun.objects.filter(pk=run.pk).update(
            status=LinkRunStatus.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def _settled_keys(record_keys: list[str]) -> set[str]:
    """Rows already linked to a person or added to the registry, by any earlier run."""
    settled: set[str] = set()
    for start in range(0, len(record_keys), 5000):
        settled.update(
            Decision.objects.filter(
                record_key__in=record_keys[start : start + 5000],
                verdict__in=(Verdict.ACCEPTED, Verdict.LINKED_AUTOMATICALLY),
            ).values_list("record_key", flat=True)
        )
    return settled


def _decided_pairs(keys: list[str]) -> set[str]:
    decided: set[str] = set()
    for start in range(0, len(keys), 5000):
        decided.update(
            Decision.objects.filter(pair_key__in=keys[start : start + 5000]).values_list("pair_key", flat=True)
        )
    return decided


def _birth_on_list(births: list[tuple[int, datetime.date, str]], record: OutsideRecord, used: set[int]) -> int | None:
    """The mother's registered birth that is this row's (closest date, same sex first), if any."""
    if record.child_birth_date is None:
        return None
    near = [
        (abs((date - record.child_birth_date).days), sex != record.child_sex, pk)
        for pk, date, sex in births
        if pk not in used and abs((date - record.child_birth_date).days) <= BIRTH_SAME_WITHIN_DAYS
    ]
    if not near:
        return None
    pk = min(near)[2]
    used.add(pk)
    return pk


def _execute_list(run: LinkRun) -> None:
    outside_list = run.outside_list
    assert outside_list is not None
    kind = outside_list.template
    records = {r.pk: r for r in OutsideRecord.objects.filter(outside_list=outside_list).order_by("row")}
    settled = _settled_keys([r.record_key for r in records.values()])
    todo = {pk: r for pk, r in records.items() if r.record_key not in settled}
    hospital = kind == ListTemplate.HOSPITAL_BIRTHS
    started = time.perf_counter()
    registry = registry_input(scope_path=run.scope.path, with_births=hospital)
    read_seconds = time.perf_counter() - started
    births = registry.births
    LinkRun.objects.filter(pk=run.pk).update(records=len(todo), registry_persons=registry.table.num_rows)
    outcome = engine.link(
        kind=kind,
        outside=outside_input((pk, _as_row(r)) for pk, r in todo.items()),
        registry=registry.table,
        progress=lambda step, percent: _progress(run, step, 5 + int(percent * 0.85)),
    )
    outcome.seconds["read_registry"] = read_seconds
    _progress(run, "storing", 92)
    by_record: dict[int, list[engine.Match]] = defaultdict(list)
    for match in outcome.probable:
        by_record[match.left].append(match)
    certain = {m.left: m for m in outcome.certain}

    # Which pair keys may be proposed at all.
    wanted = [f"{r.record_key}:new" for r in todo.values()]
    wanted += [f"{records[m.left].record_key}:{m.right}" for m in [*outcome.certain, *outcome.probable]]
    decided = _decided_pairs(wanted)
    used_births: set[int] = set()
    candidates: list[Candidate] = []
    automatic: list[int] = []  # indices into candidates
    skipped = 0
    for pk, record in todo.items():
        options: list[tuple[str, engine.Match]] = []
        if pk in certain:
            options.append((CandidateBand.CERTAIN, certain[pk]))
        else:
            options.extend((CandidateBand.PROBABLE, m) for m in by_record.get(pk, []))
        chosen = None
        for band, match in options:
            if f"{record.record_key}:{match.right}" in decided:
                skipped += 1
                continue
            chosen = (band, match)
            break
        if chosen is None:
            if f"{record.record_key}:new" in decided:
                skipped += 1
                continue
            proposal = Proposal.ADD_BIRTH if hospital else Proposal.ADD_PERSON
            candidates.append(
                Candidate(
                    run=run,
                    record=record,
                    band=CandidateBand.NONE,
                    proposal=proposal,
                    pair_key=f"{record.record_key}:new",
                    record_key=record.record_key,
                    orgunit_id=record.orgunit_id,
                )
            )
            continue
        band, match = chosen
        birth = None
        proposal = Proposal.LINK
        if hospital:
            birth = _birth_on_list(births.get(match.right, []), record, used_births)
            proposal = Proposal.LINK if birth is not None else Proposal.ADD_BIRTH
        candidate = Candidate(
            run=run,
            record=record,
            person_id=match.right,
            birth_id=birth,
            band=band,
            proposal=proposal,
            match_weight=match.weight,
            match_probability=match.probability,
            levels=match.levels,
            pair_key=f"{record.record_key}:{match.right}",
            record_key=record.record_key,
            orgunit_id=registry.village_of.get(match.right, record.orgunit_id),
        )
        if band == CandidateBand.CERTAIN and proposal == Proposal.LINK:
            automatic.append(len(candidates))
        candidates.append(candidate)
    _store(run, candidates, automatic, outcome, skipped=skipped + len(records) - len(todo))


def _as_row(record: OutsideRecord) -> ListRow:
    return ListRow(
        row=record.row,
        name=record.name,
        id_number=record.id_number or None,
        sex=record.sex or None,
        birth_date=record.birth_date,
        address=record.address,
        village_code=record.village_code,
        facility=record.facility,
        child_sex=record.child_sex,
        child_name=record.child_name,
        child_birth_date=record.child_birth_date,
    )


def _execute_deduplication(run: LinkRun) -> None:
    started = time.perf_counter()
    registry = registry_input(scope_path=run.scope.path, with_mothers=True)
    read_seconds = time.perf_counter() - started
    LinkRun.objects.filter(pk=run.pk).update(records=registry.table.num_rows, registry_persons=registry.table.num_rows)
    outcome = engine.deduplicate(
        registry=registry.table, progress=lambda step, percent: _progress(run, step, 5 + int(percent * 0.85))
    )
    outcome.seconds["read_registry"] = read_seconds
    _progress(run, "storing", 92)
    keys = [f"dedupe:{m.left}:{m.right}" for m in outcome.probable]
    decided = _decided_pairs(keys)
    candidates = [
        Candidate(
            run=run,
            person_id=m.left,
            other_person_id=m.right,
            band=CandidateBand.PROBABLE,
            proposal=Proposal.MERGE,
            match_weight=m.weight,
            match_probability=m.probability,
            levels=m.levels,
            pair_key=key,
            orgunit_id=registry.village_of[m.left],
        )
        for m, key in zip(outcome.probable, keys, strict=True)
        if key not in decided
    ]
    _store(run, candidates, [], outcome, skipped=len(keys) - len(candidates))


@transaction.atomic
def _store(
    run: LinkRun, candidates: list[Candidate], automatic: list[int], outcome: engine.Outcome, *, skipped: int
) -> None:
    """Store the run's proposals, the automatic links of same-number pairs, and the run's outcome."""
    started = time.perf_counter()
    Candidate.objects.bulk_create(candidates, batch_size=5000)
    stored = {c.pair_key: c for c in Candidate.objects.filter(run=run).only("pk", "pair_key")}
    Decision.objects.bulk_create(
        (
            Decision(
                candidate=stored[candidates[i].pair_key],
                pair_key=candidates[i].pair_key,
                record_key=candidates[i].record_key,
                proposal=Proposal.LINK,
                verdict=Verdict.LINKED_AUTOMATICALLY,
                person_id=candidates[i].person_id,
                event_id=candidates[i].birth_id,
                orgunit_id=candidates[i].orgunit_id,
            )
            for i in automatic
        ),
        batch_size=5000,
    )
    bands = Counter(c.band for c in candidates)
    outcome.seconds["store"] = time.perf_counter() - started
    LinkRun.objects.filter(pk=run.pk).update(
        status=LinkRunStatus.DONE,
        step="",
        percent=100,
        certain=bands[CandidateBand.CERTAIN],
        probable=bands[CandidateBand.PROBABLE],
        unmatched=bands[CandidateBand.NONE],
        skipped=skipped,
        parameters=outcome.parameters,
        seconds={k: round(v, 2) for k, v in outcome.seconds.items()},
        finished_at=timezone.now(),
    )
    audit_record(
        actor=run.started_by,
        action="linkage.run.finish",
        object_type="link_run",
        object_id=run.pk,
        orgunit=run.scope,
        changes={
            "certain": {"before": None, "after": bands[CandidateBand.CERTAIN]},
            "probable": {"before": None, "after": bands[CandidateBand.PROBABLE]},
            "unmatched": {"before": None, "after": bands[CandidateBand.NONE]},
            "linked_automatically": {"before": None, "after": len(automatic)},
            "skipped": {"before": None, "after": skipped},
        },
    )
