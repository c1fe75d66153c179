"""Applications: recorded with their documents, reviewed, decided by someone else (insert-only decisions),
and paid once by the programme's next cycle."""

from decimal import Decimal
from typing import Any

import pytest

from xingfu.accounts.roles import Role
from xingfu.benefits.models import ApplicationDecision, ApplicationStatus, CycleStatus, FundTransaction
from xingfu.benefits.services.applications import application_decide, application_review, application_submit
from xingfu.benefits.services.cycles import cycle_approve, cycle_prepare
from xingfu.benefits.services.payments import cycle_results_import
from xingfu.benefits.tests.factories import D, family
from xingfu.core.append_only import AppendOnlyError
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.core.testing import make_user

LETTERS = [{"name": "Admission letter", "file_type": "pdf"}, {"name": "Household register page", "file_type": "jpg"}]


@pytest.fixture
def student(district_admin: Any, village: Any) -> Any:
    """A girl of an only-daughter family, 18 in 2026."""
    return family(district_admin, village, [("F", D(2008, 3, 1))]).children[0]


def test_a_college_reward_goes_from_application_to_the_ledger(
    programmes: Any, student: Any, village_worker: Any, town_officer: Any, district_admin: Any, town: Any
) -> None:
    college = programmes["college-reward"]
    application = application_submit(
        actor=village_worker, programme=college, beneficiary=student, tier="key_university", attachments=LETTERS
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert sorted(application.attachments.values_list("name", flat=True)) == [
        "Admission letter",
        "Household register page",
    ]
    application_review(actor=town_officer, application=application, note="documents checked")
    with pytest.raises(PermissionDenied, match="did not record or review"):
        application_decide(actor=town_officer, application=application, approve=True)
    decision = application_decide(actor=district_admin, application=application, approve=True)
    assert decision.amount == Decimal("2000.00")
    with pytest.raises(AppendOnlyError):
        decision.delete()
    cycle = cycle_prepare(actor=town_officer, programme=college, period="202610", scope=town)
    assert cycle.status == CycleStatus.PREPARED and cycle.total_amount == Decimal("2000.00")
    entitlement = cycle.entitlements.get()
    assert (entitlement.person_id, entitlement.period, entitlement.payee_id) == (
        student.pk,
        f"APP-{application.pk}",
        student.pk,
    )
    cycle_approve(actor=district_admin, cycle=cycle)
    content = f"entitlement_id,amount,result\n{entitlement.pk},2000.00,paid\n".encode()
    cycle_results_import(actor=town_officer, cycle=cycle, content=content, filename="r.csv")
    # Paid once: the next cycle has nothing for it.
    assert cycle_prepare(actor=town_officer, programme=college, period="202611", scope=town).entitlement_count == 0


def test_an_application_needs_the_listed_documents_and_a_known_tier(
    programmes: Any, student: Any, village_worker: Any
) -> None:
    college = programmes["college-reward"]
    with pytest.raises(ValidationFailed, match="missing: Household register page"):
        application_submit(
            actor=village_worker, programme=college, beneficiary=student, tier="college", attachments=LETTERS[:1]
        )
    with pytest.raises(ValidationFailed, match="Choose the tier"):
        application_submit(
            actor=village_worker, programme=college, beneficiary=student, tier="phd", attachments=LETTERS
        )


def test_an_application_for_someone_who_does_not_qualify_says_why(
    programmes: Any, district_admin: Any, village: Any, village_worker: Any
) -> None:
    son = family(district_admin, village, [("M", D(2006, 1, 1)), ("F", D(2008, 1, 1))]).children[0]
    with pytest.raises(ValidationFailed, match=r"does not qualify: Family type of the household \(other\)"):
        application_submit(
            actor=village_worker,
            programme=programmes["college-reward"],
            beneficiary=son,
            tier="college",
            attachments=LETTERS,
        )


def test_a_second_application_for_the_same_reward_is_refused(
    programmes: Any, student: Any, village_worker: Any
) -> None:
    college = programmes["college-reward"]
    application_submit(
        actor=village_worker, programme=college, beneficiary=student, tier="college", attachments=LETTERS
    )
    with pytest.raises(Conflict, match="already"):
        application_submit(
            actor=village_worker, programme=college, beneficiary=student, tier="college", attachments=LETTERS
        )


def test_hardship_help_is_decided_case_by_case_and_paid_from_the_care_fund(
    programmes: Any, district_admin: Any, village: Any, village_worker: Any, town_officer: Any, town: Any
) -> None:
    home = family(district_admin, village, [("F", D(2001, 1, 1))]).household
    hardship = programmes["care-fund-hardship"]
    documents = [{"name": a["name"], "file_type": "pdf"} for a in hardship.attachments]
    application = application_submit(
        actor=village_worker, programme=hardship, beneficiary=home, statement="illness", attachments=documents
    )
    application_review(actor=town_officer, application=application)
    approver = make_user(Role.TOWN_OFFICER, town, "officer2")
    with pytest.raises(ValidationFailed, match=r"at most 5000\.00"):
        application_decide(actor=approver, application=application, approve=True, amount=Decimal("6000"))
    with pytest.raises(ValidationFailed, match="Say why"):
        application_decide(actor=approver, application=application, approve=False)
    application_decide(actor=approver, application=application, approve=True, amount=Decimal("1500"))
    cycle = cycle_prepare(actor=town_officer, programme=hardship, period="202610", scope=town)
    cycle_approve(actor=approver, cycle=cycle)
    entitlement = cycle.entitlements.get()
    assert entitlement.payee_id == home.head_id
    content = f"entitlement_id,amount,result\n{entitlement.pk},1500.00,paid\n".encode()
    cycle_results_import(actor=town_officer, cycle=cycle, content=content, filename="r.csv")
    out = FundTransaction.objects.get(kind="payment")
    assert (out.fund.code, out.amount) == ("population-care", Decimal("-1500.00"))


def test_a_rejection_is_a_new_decision_not_an_edit(
    programmes: Any, student: Any, village_worker: Any, town_officer: Any, district_admin: Any
) -> None:
    application = application_submit(
        actor=village_worker,
        programme=programmes["college-reward"],
        beneficiary=student,
        tier="college",
        attachments=LETTERS,
    )
    application_review(actor=town_officer, application=application)
    application_decide(actor=district_admin, application=application, approve=False, note="not admitted")
    steps = list(ApplicationDecision.objects.filter(application=application).values_list("step", flat=True))
    assert steps == ["review", "reject"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    with pytest.raises(Conflict, match="Only a reviewed application"):
        application_decide(actor=district_admin, application=application, approve=True)
