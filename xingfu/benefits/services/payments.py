"""Paying an approved cycle: the file for the bank, the bank's results back, the ledger, reversals.

The bank file (CSV or XLSX, columns in ``BANK_COLUMNS``, docs/benefits.md) lists one row per entitlement with
the payee's name and full resident-ID number, so producing it is audited as a sensitive read. The results file
has at least ``entitlement_id``, ``amount`` and ``result`` (``paid``/``failed``); a file naming an entitlement
that is not in the cycle, or with an amount other than the cycle's, is refused whole and nothing changes.
Confirmed payments become ledger entries; the ledger is insert-only and corrections are reversal entries.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record, audit_sensitive_read
from xingfu.benefits.models import (
    CycleStatus,
    Entitlement,
    EntitlementStatus,
    FundTransaction,
    FundTransactionKind,
    LedgerEntry,
    LedgerKind,
    PayeeKind,
    PaymentCycle,
)
from xingfu.benefits.services._common import require_in_scope, require_perm
from xingfu.core.errors import Conflict, ValidationFailed

BANK_COLUMNS = [
    "entitlement_id",
    "programme",
    "period",
    "village_code",
    "beneficiary_type",
    "beneficiary_id",
    "beneficiary_name",
    "payee_name",
    "payee_id_number",
    "amount",
    "currency",
]
RESULT_COLUMNS = ["entitlement_id", "amount", "result", "bank_reference", "failure_reason"]
RESULTS = {"paid": EntitlementStatus.PAID, "failed": EntitlementStatus.FAILED}
MAX_RESULT_BYTES = 20 * 1024 * 1024
MAX_RESULT_ROWS = 500_000
MAX_LISTED = 10
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    rows: int


def _payable(cycle: PaymentCycle) -> None:
    if cycle.status not in (CycleStatus.APPROVED, CycleStatus.RECONCILED):
        raise Conflict(
            _("Only an approved cycle is paid; this one is %(status)s.") % {"status": cycle.get_status_display()}
        )


def bank_rows(cycle: PaymentCycle) -> Any:
    """The bank file's rows, in entitlement order, read in chunks."""
    third_party = cycle.programme.payee == PayeeKind.THIRD_PARTY
    qs = (
        cycle.entitlements.order_by("id")
        .select_related("orgunit", "person", "household", "household__head", "payee")
        .only(
            "id",
            "period",
            "amount",
            "orgunit__code",
            "person__id",
            "person__name",
            "household__id",
            "household__number",
            "household__head__name",
            "payee__name",
            "payee__id_number",
        )
    )
    for e in qs.iterator(chunk_size=5000):
        ident: int | None
        if e.person_id:
            kind, ident, name = "person", e.person_id, e.person.name if e.person else ""
        else:
            head = e.household.head if e.household else None
            kind, ident = "household", e.household_id
            name = head.name if head else (e.household.number if e.household else "")
        payee_name = cycle.programme.third_party if third_party else (e.payee.name if e.payee else "")
        payee_id = "" if third_party or e.payee is None else (e.payee.id_number or "")
        yield [
            e.pk,
            cycle.programme.code,
            e.period,
            e.orgunit.code,
            kind,
            ident,
            name,
            payee_name,
            payee_id,
            f"{e.amount:.2f}",
            "CNY",
        ]


def cycle_export(*, actor: Any, cycle: PaymentCycle, fmt: str) -> ExportFile:
    """The file for the bank (``csv`` or ``xlsx``). It holds full resident-ID numbers: its production is
    recorded in the audit trail."""
    require_perm(actor, Perm.BENEFITS_PREPARE)
    require_in_scope(actor, cycle.scope)
    cycle = PaymentCycle.objects.select_related("programme", "scope").get(pk=cycle.pk)
    if fmt not in ("csv", "xlsx"):
        raise ValidationFailed(_("The bank file is csv or xlsx."), field="format")
    _payable(cycle)
    name = f"xingfu-{cycle.programme.code}-{cycle.period}-{cycle.scope.code}-cycle{cycle.pk}.{fmt}"
    rows: int = 0
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(BANK_COLUMNS)
        for row in bank_rows(cycle):
            writer.writerow(row)
            rows += 1
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read it as UTF-8
        content_type = CSV_TYPE
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("payments")
        sheet.append(BANK_COLUMNS)
        for row in bank_rows(cycle):
            sheet.append(row)
            rows += 1
        out = io.BytesIO()
        book.save(out)
        content, content_type = out.getvalue(), XLSX_TYPE
    with transaction.atomic():
        if cycle.exported_at is None:
            PaymentCycle.objects.filter(pk=cycle.pk).update(exported_at=timezone.now())
        audit_sensitive_read(
            actor=actor,
            what="bank_file",
            object_type="payment_cycle",
            object_id=cycle.pk,
            orgunit=cycle.scope,
            reason=f"{fmt}, {rows} rows",
        )
    return ExportFile(name, content_type, content, rows)


# --- results ----------------------------------------------------------------------------------------------


def _read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    if len(content) > MAX_RESULT_BYTES:
        raise ValidationFailed(_("The results file is larger than 20 MB."), field="file")
    lower = filename.lower()
    if lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(_("The CSV file is not UTF-8 text."), field="file") from None
        try:
            table = list(csv.reader(io.StringIO(text)))
        except csv.Error as error:
            raise ValidationFailed(
                _("The CSV file cannot be read: %(error)s.") % {"error": error}, field="file"
            ) from None
    elif lower.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds of errors on a damaged file
            raise ValidationFailed(_("The XLSX file cannot be read."), field="file") from None
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ValidationFailed(_("The XLSX file has no sheet."), field="file")
        table = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raise ValidationFailed(_("The results file is a .csv or .xlsx file."), field="file")
    if not table:
        raise ValidationFailed(_("The results file is empty."), field="file")
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in ("entitlement_id", "amount", "result") if c not in header]
    if missing:
        raise ValidationFailed(
            _("The results file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}, field="file"
        )
    if len(table) - 1 > MAX_RESULT_ROWS:
        raise ValidationFailed(_("The results file has too many rows."), field="file")
    rows = []
    for raw in table[1:]:
        if not any(cell.strip() for cell in raw):
            continue
        rows.append({name: (raw[i].strip() if i < len(raw) else "") for i, name in enumerate(header)})
    if not rows:
        raise ValidationFailed(_("The results file has no rows."), field="file")
    return rows


@dataclass(frozen=True)
class _Result:
    entitlement_id: int
    amount: Decimal
    status: str
    reference: str
    reason: str


def _parse(rows: list[dict[str, str]]) -> list[_Result]:
    parsed: list[_Result] = []
    seen: set[int] = set()
    for line, row in enumerate(rows, start=2):
        ident = row["entitlement_id"]
        if not ident.isdigit() or len(ident) > 18:
            raise ValidationFailed(
                _("Line %(line)d: %(value)r is not an entitlement number.") % {"line": line, "value": ident[:20]},
                field="file",
            )
        try:
            amount = Decimal(row["amount"].replace(",", ""))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            raise ValidationFailed(_("Line %(line)d: the amount is not a number.") % {"line": line}, field="file")
        result = row["result"].lower()
        if result not in RESULTS:
            raise ValidationFailed(
                _("Line %(line)d: the result is paid or failed, not %(value)r.") % {"line": line, "value": result[:20]},
                field="file",
            )
        number = int(ident)
        if number in seen:
            raise ValidationFailed(
                _("Line %(line)d: entitlement %(id)d is listed twice.") % {"line": line, "id": number}, field="file"
            )
        seen.add(number)
        parsed.append(
            _Result(
                number, amount, RESULTS[result], row.get("bank_reference", "")[:64], row.get("failure_reason", "")[:200]
            )
        )
    return parsed


def _listed(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:MAX_LISTED])
    return shown + (" …" if len(ids) > MAX_LISTED else "")


@transaction.atomic
def cycle_results_import(*, actor: Any, cycle: PaymentCycle, content: bytes, filename: str) -> dict[str, Any]:
    """Record the bank's results for an approved cycle. The file is checked whole first: an entitlement that
    is not in this cycle, or an amount that differs from the cycle's, refuses the file and changes nothing.
    Paid entitlements go into the ledger (and out of the programme's fund); failed ones can be re-issued by a
    later cycle. Importing the same results again changes nothing."""
    require_perm(actor, Perm.BENEFITS_PREPARE)
    require_in_scope(actor, cycle.scope)
    cycle = (
        PaymentCycle.objects.select_for_update(of=("self",))
        .select_related("programme", "programme__fund", "scope")
        .get(pk=cycle.pk)
    )
    _payable(cycle)
    results = _parse(_read_table(content, filename))
    ids = [r.entitlement_id for r in results]
    known: dict[int, tuple[Decimal, str]] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        known.update(
            (pk, (amount, status))
            for pk, amount, status in cycle.entitlements.filter(pk__in=chunk).values_list("pk", "amount", "status")
        )
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValidationFailed(
            _("Not entitlements of this cycle: %(ids)s. Nothing was recorded.") % {"ids": _listed(unknown)},
            field="file",
            details={"unknown": unknown[:100]},
        )
    different = [r.entitlement_id for r in results if r.amount != known[r.entitlement_id][0]]
    if different:
        raise ValidationFailed(
            _("The amounts of %(ids)s differ from the cycle's. Nothing was recorded.") % {"ids": _listed(different)},
            field="file",
            details={"different_amount": different[:100]},
        )
    changed = [r for r in results if known[r.entitlement_id][1] != r.status]
    settled = [r.entitlement_id for r in changed if known[r.entitlement_id][1] != EntitlementStatus.PENDING]
    if settled:
        raise ValidationFailed(
            _("Results for %(ids)s were recorded already and differ. Nothing was recorded.")
            % {"ids": _listed(settled)},
            field="file",
            details={"already_recorded": settled[:100]},
        )
    now = timezone.now()
    updates = [
        Entitlement(
            pk=r.entitlement_id,
            status=r.status,
            bank_reference=r.reference,
            failure_reason=r.reason if r.status == EntitlementStatus.FAILED else "",
            result_at=now,
        )
        for r in changed
    ]
    Entitlement.objects.bulk_update(
        updates, ["status", "bank_reference", "failure_reason", "result_at"], batch_size=2000
    )
    paid_ids = [r.entitlement_id for r in changed if r.status == EntitlementStatus.PAID]
    paid_total = _ledger_payments(actor=actor, cycle=cycle, ids=paid_ids)
    pending = cycle.entitlements.filter(status=EntitlementStatus.PENDING).exists()
    if not pending and cycle.status != CycleStatus.RECONCILED:
        PaymentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.RECONCILED, reconciled_at=now)
    summary = {
        "rows": len(results),
        "paid": len(paid_ids),
        "failed": sum(1 for r in changed if r.status == EntitlementStatus.FAILED),
        "unchanged": len(results) - len(changed),
        "paid_amount": str(paid_total),
        "reconciled": not pending,
    }
    audit_record(
        actor=actor,
        action="benefits.cycle_results",
        object_type="payment_cycle",
        object_id=cycle.pk,
        orgunit=cycle.scope,
        changes={k: {"before": None, "after": v} for k, v in summary.items()},
        reason=filename[:200],
    )
    return summary


def _ledger_payments(*, actor: Any, cycle: PaymentCycle, ids: list[int]) -> Decimal:
    if not ids:
        return Decimal(0)
    entries = []
    total = Decimal(0)
    for start in range(0, len(ids), 5000):
        for e in Entitlement.objects.filter(pk__in=ids[start : start + 5000]).values(
            "pk", "programme_id", "period", "person_id", "household_id", "orgunit_id", "amount"
        ):
            total += e["amount"]
            entries.append(
                LedgerEntry(
                    programme_id=e["programme_id"],
                    period=e["period"],
                    person_id=e["person_id"],
                    household_id=e["household_id"],
                    orgunit_id=e["orgunit_id"],
                    kind=LedgerKind.PAYMENT,
                    amount=e["amount"],
                    entitlement_id=e["pk"],
                    cycle=cycle,
                    recorded_by=actor,
                )
            )
    try:
        with transaction.atomic():
            LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    except IntegrityError:
        raise Conflict(
            _("The ledger already holds a payment for some of these beneficiaries and periods. Nothing was recorded.")
        ) from None
    if cycle.programme.fund is not None:
        FundTransaction.objects.create(
            fund=cycle.programme.fund,
            kind=FundTransactionKind.PAYMENT,
            amount=-total,
            date=timezone.localdate(),
            source=f"{cycle.programme.code} {cycle.period} {cycle.scope.code}",
            cycle=cycle,
            recorded_by=actor,
        )
    return total


@transaction.atomic
def ledger_reverse(*, actor: Any, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Cancel a payment with a reversal entry (the payment itself is never edited); money comes back into the
    programme's fund. A payment is reversed at most once, and a reversal is not reversed."""
    require_perm(actor, Perm.BENEFITS_APPROVE)
    require_in_scope(actor, entry.orgunit)
    entry = (
        LedgerEntry.objects.select_for_update(of=("self",))
        .select_related("programme__fund", "orgunit")
        .get(pk=entry.pk)
    )
    if not reason.strip():
        raise ValidationFailed(_("Say why the payment is reversed."), field="reason")
    if entry.kind != LedgerKind.PAYMENT:
        raise ValidationFailed(_("Only a payment can be reversed."), field="entry")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("This payment has been reversed already."))
    try:
        with transaction.atomic():
            reversal = LedgerEntry.objects.create(
                programme_id=entry.programme_id,
                period=entry.period,
                person_id=entry.person_id,
                household_id=entry.household_id,
                orgunit_id=entry.orgunit_id,
                kind=LedgerKind.REVERSAL,
                amount=-entry.amount,
                entitlement_id=entry.entitlement_id,
                cycle_id=entry.cycle_id,
                reverses=entry,
                recorded_by=actor,
                note=reason.strip()[:200],
            )
    except IntegrityError:
        raise Conflict(_("This payment has been reversed already.")) from None
    fund = entry.programme.fund
    if fund is not None:
        FundTransaction.objects.create(
            fund=fund,
            kind=FundTransactionKind.REFUND,
            amount=entry.amount,
            date=timezone.localdate(),
            source=f"reversal of ledger entry {entry.pk}",
            recorded_by=actor,
        )
    audit_record(
        actor=actor,
        action="benefits.ledger_reverse",
        object_type="ledger_entry",
        object_id=reversal.pk,
        orgunit=entry.orgunit,
        changes={"reverses": {"before": None, "after": entry.pk}, "amount": {"before": None, "after": reversal.amount}},
        reason=reason.strip()[:500],
    )
    return reversal


def ledger_balance(**filters: Any) -> Decimal:
    """Net paid out (payments less reversals) for ``filters`` on the ledger."""
    return LedgerEntry.objects.filter(**filters).aggregate(total=Sum("amount"))["total"] or Decimal(0)
