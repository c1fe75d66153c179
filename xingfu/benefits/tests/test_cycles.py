"""Payment cycles: prepared set-based by one user, approved by another, paid through the bank file, reconciled
into the insert-only ledger, never paying anyone twice."""

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from xingfu.accounts.roles import Role
from xingfu.audit.models import AuditEvent
from xingfu.benefits.models import (
    CycleStatus,
    Entitlement,
    EntitlementStatus,
    LedgerEntry,
    LedgerKind,
    PaymentCycle,
)
from xingfu.benefits.services import cycles as cycle_services
from xingfu.benefits.services.cycles import cycle_approve, cycle_cancel, cycle_prepare, cycles_prepare
from xingfu.benefits.services.payments import BANK_COLUMNS, cycle_export, cycle_results_import, ledger_reverse
from xingfu.benefits.tests.factories import D, Family, family
from xingfu.core.append_only import AppendOnlyError
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.core.testing import make_user
from xingfu.registry.models import Person


@pytest.fixture
def registrar(district: Any) -> Any:
    """Whoever keeps the registry: builds the families (not otherwise involved in payments)."""
    return make_user(Role.DISTRICT_ADMIN, district, "registrar")


@pytest.fixture
def families(registrar: Any, village: Any, sibling_village: Any, other_village: Any) -> dict[str, Family]:
    """Two only-daughter households in 店子镇, one in 西集镇, a two-daughter one and a son-and-daughter one."""
    return {
        "daughter": family(registrar, village, [("F", D(2005, 3, 1))]),
        "sibling": family(registrar, sibling_village, [("F", D(2008, 3, 1))]),
        "two": family(registrar, village, [("F", D(2003, 1, 1)), ("F", D(2006, 1, 1))]),
        "mixed": family(registrar, village, [("M", D(2003, 1, 1)), ("F", D(2006, 1, 1))]),
        "other_town": family(registrar, other_village, [("F", D(2009, 1, 1))]),
    }


@pytest.fixture
def second_officer(town: Any) -> Any:
    return make_user(Role.TOWN_OFFICER, town, "officer2")


def prepared(
    programmes: Any, officer: Any, town: Any, code: str = "only-daughter", period: str = "202610"
) -> PaymentCycle:
    cycle = cycle_prepare(actor=officer, programme=programmes[code], period=period, scope=town)
    assert cycle.status == CycleStatus.PREPARED, cycle.error
    return cycle


def results_csv(rows: list[tuple[Any, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["entitlement_id", "amount", "result", "bank_reference", "failure_reason"])
    writer.writerows(rows)
    return out.getvalue().encode()


def pay_all(cycle: PaymentCycle, actor: Any, *, failed: set[int] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    rows = [
        (
            e.pk,
            f"{e.amount:.2f}",
            "failed" if e.pk in failed else "paid",
            f"B{e.pk}",
            "account closed" if e.pk in failed else "",
        )
        for e in cycle.entitlements.order_by("id")
    ]
    return cycle_results_import(actor=actor, cycle=cycle, content=results_csv(rows), filename="results.csv")


def test_a_town_officers_cycle_covers_his_town_only(
    programmes: Any, families: Any, town_officer: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    households = set(cycle.entitlements.values_list("household_id", flat=True))
    assert households == {families["daughter"].household.pk, families["sibling"].household.pk}
    assert (cycle.entitlement_count, cycle.total_amount) == (2, Decimal("100.00"))
    payees = set(cycle.entitlements.values_list("payee_id", flat=True))
    assert payees == {families["daughter"].husband.pk, families["sibling"].husband.pk}


def test_a_town_officer_cannot_prepare_for_another_town(programmes: Any, town_officer: Any, other_town: Any) -> None:
    with pytest.raises(PermissionDenied):
        cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period="202610", scope=other_town)


def test_the_period_must_fit_the_programme(programmes: Any, town_officer: Any, town: Any) -> None:
    with pytest.raises(ValidationFailed, match="month by month"):
        cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period="2026", scope=town)
    with pytest.raises(ValidationFailed, match="202610"):
        cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period="2026-10", scope=town)
    with pytest.raises(ValidationFailed, match="does not run"):
        cycle_prepare(actor=town_officer, programme=programmes["childcare-subsidy"], period="2024", scope=town)
    assert not PaymentCycle.objects.exists()


def test_preparing_the_same_cycle_twice_leaves_one_cycle_and_says_so(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    prepared(programmes, town_officer, town)
    with pytest.raises(Conflict, match="prepared already by officer"):
        cycle_prepare(actor=second_officer, programme=programmes["only-daughter"], period="202610", scope=town)
    assert PaymentCycle.objects.count() == 1 and Entitlement.objects.count() == 2


def test_a_district_cycle_after_a_town_cycle_pays_nobody_twice(
    programmes: Any, families: Any, town_officer: Any, district_admin: Any, district: Any, town: Any
) -> None:
    prepared(programmes, town_officer, town)
    district_cycle = prepared(programmes, district_admin, district)
    assert list(district_cycle.entitlements.values_list("household_id", flat=True)) == [
        families["other_town"].household.pk
    ]
    assert Entitlement.objects.filter(period="202610").count() == 3


def test_approving_ones_own_cycle_is_refused(programmes: Any, families: Any, town_officer: Any, town: Any) -> None:
    cycle = prepared(programmes, town_officer, town)
    with pytest.raises(PermissionDenied, match="another user must approve"):
        cycle_approve(actor=town_officer, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PREPARED and cycle.approved_by is None


def test_approving_twice_is_refused(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, district_admin: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=cycle)
    with pytest.raises(Conflict, match="approved already, by officer2"):
        cycle_approve(actor=district_admin, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.approved_by == second_officer


def test_an_approved_cycle_is_frozen(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=cycle)
    with pytest.raises(Conflict, match="frozen"):
        cycle_cancel(actor=town_officer, cycle=cycle, reason="wrong")
    assert cycle.entitlements.count() == 2


def test_a_crash_in_the_middle_leaves_no_partial_entitlements(
    programmes: Any, families: Any, town_officer: Any, town: Any, monkeypatch: Any
) -> None:
    def crash(cycle: Any) -> int:
        assert cycle.entitlements.count() == 2  # the eligible were inserted before the crash
        raise RuntimeError("disk full")

    monkeypatch.setattr(cycle_services, "_insert_reissues", crash)
    cycle = cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period="202610", scope=town)
    assert (cycle.status, cycle.error) == (CycleStatus.FAILED, "disk full")
    assert not Entitlement.objects.exists()
    monkeypatch.undo()
    again = cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period="202610", scope=town)
    assert again.pk == cycle.pk and again.status == CycleStatus.PREPARED and again.entitlement_count == 2


def test_the_bank_file_lists_every_entitlement_with_the_payee(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    with pytest.raises(Conflict, match="approved"):
        cycle_export(actor=town_officer, cycle=cycle, fmt="csv")
    cycle_approve(actor=second_officer, cycle=cycle)
    export = cycle_export(actor=town_officer, cycle=cycle, fmt="csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == BANK_COLUMNS and len(rows) == 3
    daughter = families["daughter"]
    line = next(r for r in rows[1:] if r[5] == str(daughter.household.pk))
    assert line[1:5] == ["only-daughter", "202610", "370406101001", "household"]
    assert line[7:] == [daughter.husband.name, daughter.husband.id_number, "50.00", "CNY"]
    event = AuditEvent.objects.filter(action="read.bank_file").get()
    assert event.object_id == str(cycle.pk) and event.actor_username == "officer"
    book = load_workbook(io.BytesIO(cycle_export(actor=town_officer, cycle=cycle, fmt="xlsx").content))
    assert [c.value for c in next(book.active.iter_rows(max_row=1))] == BANK_COLUMNS


def test_paid_results_go_into_the_ledger_and_reconcile_the_cycle(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=cycle)
    summary = pay_all(cycle, town_officer)
    assert summary == {"rows": 2, "paid": 2, "failed": 0, "unchanged": 0, "paid_amount": "100.00", "reconciled": True}
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.RECONCILED
    assert LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT, period="202610").count() == 2
    # The same file again changes nothing.
    assert pay_all(cycle, town_officer)["unchanged"] == 2
    assert LedgerEntry.objects.count() == 2


def test_a_result_for_an_unknown_entitlement_is_refused_and_nothing_changes(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=cycle)
    known = cycle.entitlements.first()
    assert known is not None
    content = results_csv([(known.pk, "50.00", "paid", "B1", ""), (999999, "50.00", "paid", "B2", "")])
    with pytest.raises(ValidationFailed, match="Not entitlements of this cycle: 999999"):
        cycle_results_import(actor=town_officer, cycle=cycle, content=content, filename="r.csv")
    assert not LedgerEntry.objects.exists()
    assert not Entitlement.objects.exclude(status=EntitlementStatus.PENDING).exists()


def test_a_result_with_a_different_amount_is_refused_and_nothing_changes(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=cycle)
    first, second = cycle.entitlements.order_by("id")
    content = results_csv([(first.pk, "50.00", "paid", "", ""), (second.pk, "55.00", "paid", "", "")])
    with pytest.raises(ValidationFailed, match=f"amounts of {second.pk} differ"):
        cycle_results_import(actor=town_officer, cycle=cycle, content=content, filename="r.csv")
    assert not LedgerEntry.objects.exists()


def test_failed_payments_are_re_issued_by_the_next_cycle(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    october = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=october)
    failed = october.entitlements.get(household=families["daughter"].household)
    summary = pay_all(october, town_officer, failed={failed.pk})
    assert (summary["paid"], summary["failed"]) == (1, 1)
    november = prepared(programmes, town_officer, town, period="202611")
    assert november.entitlement_count == 3
    reissue = november.entitlements.get(reissue_of=failed)
    assert (reissue.period, reissue.amount) == ("202610", Decimal("50.00"))
    cycle_approve(actor=second_officer, cycle=november)
    pay_all(november, town_officer)
    paid = LedgerEntry.objects.filter(household=families["daughter"].household).values_list("period", flat=True)
    assert sorted(paid) == ["202610", "202611"]


def test_a_second_run_of_the_same_period_pays_nobody_twice(
    programmes: Any,
    families: Any,
    town_officer: Any,
    second_officer: Any,
    district_admin: Any,
    district: Any,
    town: Any,
) -> None:
    cycle = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=cycle)
    pay_all(cycle, town_officer)
    again = prepared(programmes, district_admin, district)
    assert not again.entitlements.filter(orgunit__path__startswith=town.path).exists()
    assert LedgerEntry.objects.filter(period="202610", household=families["daughter"].household).count() == 1


def test_a_one_off_reward_is_paid_once_whatever_the_period(
    programmes: Any, registrar: Any, village: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    family(
        registrar,
        village,
        [("M", D(2002, 1, 1))],
        husband_born=D(1974, 1, 1),
        wife_born=D(1976, 1, 1),
        married=D(2000, 1, 1),
    )
    first = prepared(programmes, town_officer, town, "late-marriage", "202609")
    assert first.entitlement_count == 1 and first.entitlements.get().period == "ONCE"
    cycle_approve(actor=second_officer, cycle=first)
    pay_all(first, town_officer)
    assert prepared(programmes, town_officer, town, "late-marriage", "202610").entitlement_count == 0


def test_a_payment_is_corrected_by_a_reversal_never_an_edit(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, village_worker: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=cycle)
    pay_all(cycle, town_officer)
    payment = LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT).first()
    assert payment is not None
    with pytest.raises(AppendOnlyError):
        payment.amount = Decimal("1.00")
        payment.save()
    with pytest.raises(AppendOnlyError):
        payment.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=payment.pk).update(amount=0)
    with pytest.raises(PermissionDenied):
        ledger_reverse(actor=village_worker, entry=payment, reason="x")
    reversal = ledger_reverse(actor=second_officer, entry=payment, reason="paid to the wrong account")
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == (
        LedgerKind.REVERSAL,
        Decimal("-50.00"),
        payment.pk,
    )
    with pytest.raises(Conflict, match="reversed already"):
        ledger_reverse(actor=second_officer, entry=payment, reason="again")
    with pytest.raises(ValidationFailed, match="Only a payment"):
        ledger_reverse(actor=second_officer, entry=reversal, reason="undo")
    net = sum(LedgerEntry.objects.filter(household_id=payment.household_id).values_list("amount", flat=True))
    assert net == 0


def test_the_monthly_programmes_are_prepared_together(
    programmes: Any, families: Any, town_officer: Any, town: Any
) -> None:
    made = cycles_prepare(
        actor=town_officer,
        programmes=[programmes["only-daughter"], programmes["two-daughters"], programmes["reward-assistance"]],
        period="202610",
        scope=town,
    )
    assert [c.status for c in made] == [CycleStatus.PREPARED] * 3
    assert [c.total_amount for c in made[:2]] == [Decimal("100.00"), Decimal("40.00")]


def test_the_bank_returns_the_xlsx_file_with_results_added(
    programmes: Any, families: Any, town_officer: Any, second_officer: Any, town: Any
) -> None:
    cycle = prepared(programmes, town_officer, town)
    cycle_approve(actor=second_officer, cycle=cycle)
    book = load_workbook(io.BytesIO(cycle_export(actor=town_officer, cycle=cycle, fmt="xlsx").content))
    from openpyxl import Workbook

    returned = Workbook()
    sheet = returned.active
    assert sheet is not None
    rows = list(book.active.iter_rows(values_only=True))
    sheet.append([*rows[0], "result", "bank_reference"])
    for row in rows[1:]:
        sheet.append([*row, "paid", "R1"])
    out = io.BytesIO()
    returned.save(out)
    summary = cycle_results_import(actor=town_officer, cycle=cycle, content=out.getvalue(), filename="back.xlsx")
    assert (summary["paid"], summary["reconciled"]) == (2, True)
    with pytest.raises(ValidationFailed, match="cannot be read"):
        cycle_results_import(actor=town_officer, cycle=cycle, content=b"not a workbook", filename="x.xlsx")


def test_a_special_assistance_cycle_pays_each_parent_of_a_disabled_only_child_the_disabled_standard(
    programmes: Any, registrar: Any, village: Any, town_officer: Any, town: Any
) -> None:
    disabled = family(registrar, village, [("M", D(2000, 9, 1))], wife_born=D(1970, 1, 1))
    Person.objects.filter(pk=disabled.children[0].pk).update(disability_grade=3)
    mild = family(registrar, village, [("M", D(2000, 9, 1))], wife_born=D(1970, 1, 1))
    Person.objects.filter(pk=mild.children[0].pk).update(disability_grade=4)
    cycle = prepared(programmes, town_officer, town, code="special-assistance")
    paid = dict(cycle.entitlements.values_list("person_id", "amount"))
    assert paid == {disabled.husband.pk: Decimal("150.00"), disabled.wife.pk: Decimal("150.00")}


def test_a_condition_on_the_persons_own_grade_cuts_the_population_before_the_joins(
    programmes: Any, registrar: Any, village: Any, town_officer: Any, town: Any
) -> None:
    from xingfu.benefits.eligibility.engine import RuleSpec, pushdown
    from xingfu.benefits.services.programmes import programme_define

    fam = family(registrar, village, [("M", D(2000, 9, 1)), ("F", D(2003, 1, 1))])
    Person.objects.filter(pk=fam.children[1].pk).update(disability_grade=1)
    Person.objects.filter(pk=fam.wife.pk).update(disability_grade=4)
    conditions: dict[str, Any] = {
        "all": [
            {"fact": "alive", "operator": "eq", "value": True},
            {"fact": "disability_grade", "operator": "lte", "value": 2},
        ]
    }
    programme = programme_define(
        actor=None,
        code="severe-disability-care",
        name_zh="重度残疾人护理补贴",
        unit="person",
        benefit_kind="cash_monthly",
        payee="person",
        starts_on=D(2020, 1, 1),
        conditions=conditions,
        amount={"mode": "fixed", "amount": "100.00"},
    )
    cut = pushdown(programme, RuleSpec(conditions, {"mode": "fixed", "amount": "100.00"}), D(2026, 10, 31))
    assert cut is not None and "disability_grade" in str(cut)
    cycle = cycle_prepare(actor=town_officer, programme=programme, period="202610", scope=town)
    assert list(cycle.entitlements.values_list("person_id", flat=True)) == [fam.children[1].pk]
