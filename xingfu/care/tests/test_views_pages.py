"""The care pages, driven through the browser's requests."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xingfu.audit.models import AuditEvent
from xingfu.care.models import CareDueStatus, CheckResult, DueVisit, Enrollment, Invitation, Visit
from xingfu.care.tests import factories
from xingfu.registry.models import Person


@pytest.fixture
def browser() -> Any:
    def login(user: Any) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return login


def test_the_care_home_and_its_empty_states(browser: Any, village_worker: Any) -> None:
    client = browser(village_worker)
    page = client.get(reverse("care-home")).content.decode()
    assert "Nothing is due for the women you look after." in page
    assert 'href="/care/"' in page  # the navigation entry appears once the page exists
    for name in ("care-worklist", "care-enrollments", "care-checkups", "care-campaigns", "care-coverage"):
        assert client.get(reverse(name)).status_code == 200


def test_roles_without_care_are_refused(browser: Any, auditor: Any) -> None:
    assert browser(auditor).get(reverse("care-home")).status_code == 403
    assert browser(auditor).get(reverse("care-worklist")).status_code == 403


def test_a_pregnancy_is_registered_through_the_form(
    browser: Any, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    client = browser(village_worker)
    response = client.post(
        reverse("care-pregnancy-new"),
        {"id_number": woman.id_number, "lmp": today - datetime.timedelta(weeks=9), "enrolled_on": today},
    )
    enrollment = Enrollment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("care-enrollment", args=[enrollment.pk])


def test_the_form_says_why_a_man_cannot_be_registered(
    browser: Any, village_worker: Any, village: Any, today: datetime.date
) -> None:
    man = factories.resident(village_worker, village, "张伟", sex="M", birth_date=datetime.date(1990, 1, 1))
    response = browser(village_worker).post(
        reverse("care-pregnancy-new"),
        {"id_number": man.id_number, "lmp": today - datetime.timedelta(weeks=9), "enrolled_on": today},
    )
    assert response.status_code == 400
    assert "recorded as a man" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_opening_a_record_shows_it_and_is_audited(
    browser: Any, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    enrollment = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=10), enrolled_on=today)
    page = browser(village_worker).get(reverse("care-enrollment", args=[enrollment.pk])).content.decode()
    assert "Expected delivery" in page and "First visit, handbook" in page
    event = AuditEvent.objects.get(action="read.care_record")
    assert (event.actor_username, event.object_id) == ("worker", str(enrollment.pk))


def test_a_record_of_another_town_is_not_found(
    browser: Any, other_town_officer: Any, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    enrollment = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=10), enrolled_on=today)
    assert browser(other_town_officer).get(reverse("care-enrollment", args=[enrollment.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="read.care_record").exists()


def test_one_tap_from_the_worklist_records_the_visit(
    browser: Any, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    enrollment = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=10), enrolled_on=today)
    due = DueVisit.objects.get(enrollment=enrollment, stage__code="anc1")
    client = browser(village_worker)
    worklist = client.get(reverse("care-worklist")).content.decode()
    link = f"{reverse('care-visit-new', args=[enrollment.pk])}?due={due.pk}"
    assert link in worklist and "李娜" in worklist
    assert 'name="viewport"' in worklist  # phone-sized
    response = client.post(link, {"date": today, "colour": "orange", "purple": "on", "findings": "血压偏高"})
    assert response.status_code == 302, response.content.decode()
    due.refresh_from_db()
    assert due.status == CareDueStatus.DONE
    enrollment.refresh_from_db()
    assert (enrollment.risk_colour, enrollment.infectious) == ("orange", True)


def test_the_visit_form_refuses_a_colour_that_is_not_one_of_the_five(
    browser: Any, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    enrollment = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=10), enrolled_on=today)
    response = browser(village_worker).post(
        reverse("care-visit-new", args=[enrollment.pk]), {"date": today, "colour": "blue"}
    )
    assert response.status_code == 400
    assert not Visit.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_worklist_page_costs_the_same_queries_whatever_its_length(
    browser: Any, village_worker: Any, village: Any, today: datetime.date, rows: int, django_assert_num_queries: Any
) -> None:
    factories.caseload(village_worker, village, rows, today=today, colours=("yellow", "green"))
    client = browser(village_worker)
    client.get(reverse("care-worklist"))  # warm the session
    # Session, user, her scope unit, the count for the page, the page, and the session saved (3 statements).
    with django_assert_num_queries(8):
        response = client.get(reverse("care-worklist"))
    assert response.content.decode().count('class="card"') == min(rows, 25)


def test_a_live_birth_through_the_page_adds_the_child_to_the_registry(
    browser: Any, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    enrollment = factories.pregnancy(
        village_worker,
        woman,
        lmp=today - datetime.timedelta(weeks=40),
        enrolled_on=today - datetime.timedelta(weeks=30),
    )
    response = browser(village_worker).post(
        reverse("care-outcome-new", args=[enrollment.pk]),
        {"outcome": "live_birth", "date": today, "place": "区妇幼", "child1_name": "李小双", "child1_sex": "F"},
    )
    assert response.status_code == 302
    assert Person.objects.get(name="李小双").birth_date == today


def test_a_check_up_is_booked_recorded_and_assessed_through_the_pages(
    browser: Any, village_worker: Any, woman: Person, partner: Person, today: datetime.date
) -> None:
    client = browser(village_worker)
    client.post(
        reverse("care-checkup-new"),
        {"woman_id_number": woman.id_number, "partner_id_number": partner.id_number, "booked_for": today},
    )
    checkup = Enrollment.objects.get().checkup
    response = client.post(
        reverse("care-checkup-results", args=[checkup.pk]),
        {"measured_on": today, "v_glucose_F": "5.4", "v_alt_M": "70", "a_alt_M": "on"},
    )
    assert response.status_code == 302, response.content.decode()
    assert CheckResult.objects.count() == 2
    response = client.post(
        reverse("care-checkup-assess", args=[checkup.pk]),
        {
            "population": "high_risk",
            "risk_classes": ["B"],
            "conclusion": "risk_found",
            "counselling": "戒酒，复查肝功能",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("care-enrollment", args=[checkup.enrollment_id])).content.decode()
    assert "戒酒" in page and "70" in page


def test_a_malformed_analyser_file_lists_its_problems_and_imports_nothing(
    browser: Any, village_worker: Any, woman: Person, today: datetime.date
) -> None:
    client = browser(village_worker)
    client.post(reverse("care-checkup-new"), {"woman_id_number": woman.id_number, "booked_for": today})
    checkup = Enrollment.objects.get().checkup
    data = f"sample,item,result,measured_on\nC{checkup.pk}-F,glucose,5,{today}\nC{checkup.pk}-M,alt,5,{today}\n"
    response = client.post(reverse("care-lab-import"), {"file": SimpleUploadedFile("lab.csv", data.encode())})
    assert response.status_code == 400
    assert "No partner is booked" in response.content.decode()
    assert not CheckResult.objects.exists()


def test_a_campaign_is_planned_invited_and_women_checked_in(
    browser: Any, village_worker: Any, village: Any, today: datetime.date
) -> None:
    woman = factories.resident(village_worker, village, "王芳", birth_date=datetime.date(1975, 6, 1))
    client = browser(village_worker)
    response = client.post(
        reverse("care-campaign-new"), {"village": village.pk, "name": "两癌筛查", "starts_on": today, "ends_on": today}
    )
    assert response.status_code == 302, response.content.decode()
    campaign_url = response["Location"]
    pk = int(campaign_url.rstrip("/").split("/")[-1])
    client.post(reverse("care-campaign-invite", args=[pk]))
    assert Invitation.objects.filter(campaign_id=pk).count() == 1
    answer = client.post(
        reverse("care-campaign-checkin", args=[pk]), {"id_number": woman.id_number}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "王芳 is checked in." in answer
    answer = client.post(
        reverse("care-campaign-checkin", args=[pk]), {"id_number": woman.id_number}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "already checked in" in answer
    assert "王芳" in client.get(campaign_url).content.decode()
    assert "100.0 %" in client.get(reverse("care-coverage")).content.decode()


def test_the_town_sees_counts_per_village_without_names(
    browser: Any, town_officer: Any, village_worker: Any, village: Any, today: datetime.date
) -> None:
    factories.caseload(village_worker, village, 2, today=today)
    page = browser(town_officer).get(reverse("care-villages")).content.decode()
    assert village.name_en in page and "孕妇000" not in page


def test_every_form_page_opens(
    browser: Any, village_worker: Any, woman: Person, partner: Person, village: Any, today: datetime.date
) -> None:
    from xingfu.care import services

    pregnancy = factories.pregnancy(village_worker, woman, lmp=today - datetime.timedelta(weeks=10), enrolled_on=today)
    other = factories.resident(village_worker, village, "赵敏", birth_date=datetime.date(1990, 2, 2))
    checkup = services.checkup_book(actor=village_worker, woman=other, partner=None, booked_for=today)
    campaign = services.campaign_plan(actor=village_worker, village=village, name="x", starts_on=today, ends_on=today)
    older = factories.resident(village_worker, village, "王芳", birth_date=datetime.date(1975, 6, 1))
    assert older.id_number
    invitation = services.screening_checkin(actor=village_worker, campaign=campaign, id_number=older.id_number)
    client = browser(village_worker)
    for url in [
        reverse("care-pregnancy-new"),
        reverse("care-visit-new", args=[pregnancy.pk]),
        reverse("care-outcome-new", args=[pregnancy.pk]),
        reverse("care-responsible", args=[pregnancy.pk]),
        reverse("care-enrollment-close", args=[pregnancy.pk]),
        reverse("care-checkup-new"),
        reverse("care-checkup-results", args=[checkup.pk]),
        reverse("care-checkup-assess", args=[checkup.pk]),
        reverse("care-enrollment", args=[checkup.enrollment_id]),
        reverse("care-lab-import"),
        reverse("care-campaign-new"),
        reverse("care-campaign", args=[campaign.pk]),
        reverse("care-screening-result", args=[invitation.pk]),
        reverse("care-villages"),
        reverse("care-coverage"),
    ]:
        assert client.get(url).status_code == 200, url
