"""The care fund's statement, department commitments (a liaison sees only her department's), and the
priority-treatment certificate check (yes/no and a number, audited)."""

from decimal import Decimal
from typing import Any

import pytest

from xingfu.audit.models import AuditEvent
from xingfu.benefits.access import access_commitments, access_fulfilments
from xingfu.benefits.demo import demo_commitments, demo_fund
from xingfu.benefits.models import Certificate, Commitment, Fund
from xingfu.benefits.selectors import commitment_report, fund_statement, funds_with_balances
from xingfu.benefits.services.certificates import certificate_check, certificates_issue
from xingfu.benefits.services.commitments import fulfilment_record
from xingfu.benefits.services.funds import fund_money_in
from xingfu.benefits.tests.factories import D, family
from xingfu.core.errors import PermissionDenied, ValidationFailed


def test_the_fund_statement_runs_the_balance(programmes: Any, district_admin: Any, town_officer: Any) -> None:
    demo_fund()
    fund = Fund.objects.get(code="population-care")
    fund_money_in(
        actor=district_admin, fund=fund, kind="donation", amount=Decimal("1000.00"), date=D(2026, 1, 5), source="张先生"
    )
    with pytest.raises(ValidationFailed, match="above zero"):
        fund_money_in(actor=district_admin, fund=fund, kind="donation", amount=Decimal("0"), date=D(2026, 1, 5))
    with pytest.raises(PermissionDenied):
        fund_money_in(actor=town_officer, fund=fund, kind="budget", amount=Decimal("10"), date=D(2026, 1, 5))
    balances = [row.balance for row in fund_statement(fund)]  # type: ignore[attr-defined]
    assert balances == [Decimal("800000"), Decimal("1250000"), Decimal("1500000"), Decimal("1501000")]
    assert funds_with_balances(town_officer).get().balance == Decimal("1501000.00")  # type: ignore[attr-defined]


def test_the_catalogue_has_26_departments_3_major_and_54_minor_commitments(district: Any) -> None:
    demo_commitments()
    assert Commitment.objects.values("department").distinct().count() == 26
    assert Commitment.objects.filter(category="major").count() == 3
    assert Commitment.objects.filter(category="minor").count() == 54


def test_a_liaison_sees_and_records_only_her_departments_commitments(
    department_liaison: Any, district_admin: Any, village: Any
) -> None:
    demo_commitments()
    home = family(district_admin, village, [("F", D(2005, 1, 1))]).household
    water = Commitment.objects.get(department="区水务局", title="减免水表费")
    tax = Commitment.objects.filter(department="区税务局").first()
    assert tax is not None
    assert set(access_commitments(department_liaison).values_list("department", flat=True)) == {"区水务局"}
    fulfilment_record(
        actor=department_liaison, commitment=water, household=home, date=D(2026, 5, 1), value=Decimal("120")
    )
    with pytest.raises(PermissionDenied, match="own department"):
        fulfilment_record(actor=department_liaison, commitment=tax, household=home, date=D(2026, 5, 1))
    fulfilment_record(actor=district_admin, commitment=tax, household=home, date=D(2026, 5, 2))
    assert [f.commitment.department for f in access_fulfilments(department_liaison)] == ["区水务局"]
    report = commitment_report(department_liaison)
    assert [(r["department"], r["records"], r["value"]) for r in report] == [("区水务局", 1, Decimal("120.00"))]
    assert len(commitment_report(district_admin)) == 26


def test_the_certificate_check_answers_yes_with_a_number_and_is_audited(
    programmes: Any, district_admin: Any, department_liaison: Any, village: Any
) -> None:
    fam = family(district_admin, village, [("F", D(2005, 3, 1))])
    issued = certificates_issue(
        actor=district_admin, programme=programmes["housing-preference"], scope=village, on=D(2026, 10, 31)
    )
    certificate = Certificate.objects.get()
    assert issued == 1 and certificate.rate == Decimal("15.00") and certificate.household == fam.household
    answer = certificate_check(actor=department_liaison, id_number=str(fam.wife.id_number))
    assert (answer.qualifies, answer.certificate_number) == (True, certificate.number)
    event = AuditEvent.objects.filter(action="read.certificate_check").get()
    assert event.actor_username == "liaison"
    assert event.changes["id_number"]["after"].startswith("370406") and "*" in event.changes["id_number"]["after"]
    assert event.changes["qualifies"]["after"] is True


def test_the_certificate_check_says_no_and_nothing_else(
    programmes: Any, district_admin: Any, department_liaison: Any, village: Any, town_officer: Any
) -> None:
    fam = family(district_admin, village, [("M", D(2003, 1, 1)), ("F", D(2005, 3, 1))])
    certificates_issue(
        actor=district_admin, programme=programmes["housing-preference"], scope=village, on=D(2026, 10, 31)
    )
    answer = certificate_check(actor=department_liaison, id_number=str(fam.husband.id_number))
    assert (answer.qualifies, answer.certificate_number) == (False, None)
    unknown = certificate_check(actor=department_liaison, id_number="11010519491231002X")
    assert unknown == answer
    with pytest.raises(ValidationFailed):
        certificate_check(actor=department_liaison, id_number="12345")
    with pytest.raises(PermissionDenied):
        certificate_check(actor=town_officer, id_number=str(fam.husband.id_number))
    assert AuditEvent.objects.filter(action="read.certificate_check").count() == 2
