"""The pre-pregnancy check-up: booking, results item by item, the analyser file, the assessment."""

import datetime
from typing import Any

import pytest

from xingfu.care import services
from xingfu.care.models import CheckResult, CheckUp, DueVisit, ResultSource
from xingfu.care.schedule import schedule_run
from xingfu.care.services import ResultInput
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.registry.models import Person


@pytest.fixture
def checkup(village_worker: Any, woman: Person, partner: Person, today: datetime.date) -> CheckUp:
    return services.checkup_book(actor=village_worker, woman=woman, partner=partner, booked_for=today)


def test_a_couple_books_a_check_up(checkup: CheckUp, village_worker: Any, woman: Person, partner: Person) -> None:
    assert checkup.enrollment.person == woman and checkup.partner == partner
    assert checkup.enrollment.responsible == village_worker


def test_a_second_pending_check_up_is_refused(
    checkup: CheckUp, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    with pytest.raises(Conflict):
        services.checkup_book(actor=village_worker, woman=woman, partner=None, booked_for=today)


def test_results_are_recorded_item_by_item_for_both_partners(
    checkup: CheckUp, village_worker: Any, today: datetime.date
) -> None:
    count = services.checkup_results_record(
        actor=village_worker,
        checkup=checkup,
        measured_on=today,
        results=[
            ResultInput(item="glucose", value="5.1"),
            ResultInput(item="alt", value="62", who="M", abnormal=True),
            ResultInput(item="physical", value="无异常"),
        ],
    )
    assert count == 3
    alt = CheckResult.objects.get(item__code="alt")
    assert alt.person_id == checkup.partner_id and alt.abnormal and alt.unit == "U/L"
    checkup.enrollment.refresh_from_db()
    assert checkup.enrollment.check_on == today


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (ResultInput(item="iq_test", value="120"), "Unknown check item"),
        (ResultInput(item="ultrasound", value="ok", who="M"), "for the woman only"),
        (ResultInput(item="glucose", value="  "), "empty"),
        (ResultInput(item="risk_assessment", value="x"), "through the assessment"),
    ],
)
def test_a_bad_result_records_nothing(
    checkup: CheckUp, village_worker: Any, today: datetime.date, result: ResultInput, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        services.checkup_results_record(
            actor=village_worker,
            checkup=checkup,
            measured_on=today,
            results=[ResultInput(item="glucose", value="5.0"), result],
        )
    assert not CheckResult.objects.exists()


def test_the_assessment_schedules_the_follow_ups(checkup: CheckUp, village_worker: Any, today: datetime.date) -> None:
    services.checkup_assess(
        actor=village_worker,
        checkup=checkup,
        population="high_risk",
        risk_classes="c, b",
        conclusion="risk_found",
        counselling="孕前控制血糖，三个月后复查",
    )
    checkup.refresh_from_db()
    assert checkup.risk_classes == "BC"
    assert checkup.enrollment.check_on == today
    # Due 60–90 days after the check: on the worklist once within the six-week horizon.
    assert not DueVisit.objects.filter(enrollment=checkup.enrollment).exists()
    schedule_run(today=today + datetime.timedelta(days=30))
    early = DueVisit.objects.get(enrollment=checkup.enrollment, stage__code="early_pregnancy")
    assert (early.due_on, early.due_by) == (today + datetime.timedelta(days=60), today + datetime.timedelta(days=90))


@pytest.mark.parametrize(
    ("classes", "conclusion", "message"),
    [("Q", "risk_found", "not one"), ("A", "no_risk", "cannot come with"), ("", "risk_found", "Name the classes")],
)
def test_an_inconsistent_assessment_is_refused(
    checkup: CheckUp, village_worker: Any, classes: str, conclusion: str, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        services.checkup_assess(
            actor=village_worker,
            checkup=checkup,
            population="general" if conclusion == "no_risk" else "high_risk",
            risk_classes=classes,
            conclusion=conclusion,
            counselling="x",
        )


# --- the analyser file ---------------------------------------------------------------------------------------


def _file(checkup: CheckUp, *lines: str, header: str = "sample,item,result,unit,flag,measured_on") -> bytes:
    return ("\n".join([header, *lines]) + "\n").replace("{C}", f"C{checkup.pk}").encode()


def test_an_analyser_file_is_imported(checkup: CheckUp, village_worker: Any, today: datetime.date) -> None:
    data = _file(
        checkup,
        f"{{C}}-F,glucose,5.2,mmol/L,N,{today}",
        f"{{C}}-F,tsh,6.1,mIU/L,H,{today}",
        f"{{C}}-M,hbv,HBsAg+,,A,{today}",
    )
    assert services.lab_results_import(actor=village_worker, data=b"\xef\xbb\xbf" + data) == {
        "results": 3,
        "checkups": 1,
    }
    tsh = CheckResult.objects.get(item__code="tsh")
    assert tsh.abnormal and tsh.source == ResultSource.ANALYSER


def test_results_for_an_unknown_check_item_change_nothing_and_name_the_row(
    checkup: CheckUp, village_worker: Any, today: datetime.date
) -> None:
    data = _file(checkup, f"{{C}}-F,glucose,5.2,mmol/L,N,{today}", f"{{C}}-F,vitamin_d,40,,N,{today}")
    with pytest.raises(ValidationFailed) as error:
        services.lab_results_import(actor=village_worker, data=data)
    assert error.value.details == {
        "errors": [{"row": 3, "column": "item", "reason": "Unknown check item 'vitamin_d'."}]
    }
    assert not CheckResult.objects.exists()


@pytest.mark.parametrize(
    ("data", "row", "column"),
    [
        (b"\xff\xfe\x00garbage", 0, ""),
        (b"sample,item\nC1-F,glucose\n", 1, "result,measured_on"),
        (b"sample,item,result,measured_on\nX12,glucose,5,2026-01-01\n", 2, "sample"),
        (b"sample,item,result,measured_on\nC999999-F,glucose,5,2026-01-01\n", 2, "sample"),
        (b"sample,item,result,measured_on\n{C}-F,glucose,5,01/02/2026\n", 2, "measured_on"),
        (b"sample,item,result,measured_on\n{C}-F,glucose,5,2026-01-01,extra\n", 2, ""),
        (b"sample,item,result,measured_on\n", 2, ""),
    ],
)
def test_a_malformed_file_changes_nothing_and_says_where(
    checkup: CheckUp, village_worker: Any, data: bytes, row: int, column: str
) -> None:
    data = data.replace(b"{C}", f"C{checkup.pk}".encode())
    with pytest.raises(ValidationFailed) as error:
        services.lab_results_import(actor=village_worker, data=data)
    first = error.value.details["errors"][0]
    assert (first["row"], first["column"]) == (row, column)
    assert not CheckResult.objects.exists()


def test_a_check_up_of_another_village_is_an_unknown_sample(
    checkup: CheckUp, district_admin: Any, other_village: Any, today: datetime.date
) -> None:
    from xingfu.accounts.roles import Role
    from xingfu.core.testing import make_user

    outsider = make_user(Role.VILLAGE_WORKER, other_village, "far_worker")
    with pytest.raises(ValidationFailed) as error:
        services.lab_results_import(actor=outsider, data=_file(checkup, f"{{C}}-F,glucose,5.2,,N,{today}"))
    assert "No check-up" in error.value.details["errors"][0]["reason"]
