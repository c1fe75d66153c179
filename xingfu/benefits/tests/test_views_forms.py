"""The form pages: each renders, and a good submission does what it says."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xingfu.benefits.demo import demo_commitments, demo_fund
from xingfu.benefits.models import (
    Application,
    ApplicationStatus,
    Commitment,
    CommitmentFulfilment,
    Fund,
    LedgerEntry,
    Programme,
)
from xingfu.benefits.services.cycles import cycle_approve, cycle_prepare
from xingfu.benefits.services.payments import cycle_results_import
from xingfu.benefits.tests.factories import D, family


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_programme_is_defined_on_the_form(district: Any, district_admin: Any) -> None:
    admin = client_for(district_admin)
    form = admin.get("/benefits/programmes/new/").content.decode()
    assert 'data-testid="facts"' in form and "family_type" in form
    response = admin.post(
        "/benefits/programmes/new/",
        {
            "code": "new-reward",
            "name_zh": "新奖励",
            "level": "district",
            "unit": "household",
            "benefit_kind": "cash_yearly",
            "payee": "household_head",
            "starts_on": "2026-01-01",
            "conditions": '{"all": [{"fact": "members", "operator": "gte", "value": 3}]}',
            "amount": '{"mode": "fixed", "amount": "120.00"}',
        },
    )
    programme = Programme.objects.get(code="new-reward")
    assert response.status_code == 302 and response["Location"] == f"/benefits/programmes/{programme.pk}/"
    bad = admin.post("/benefits/programmes/new/", {"code": "x2", "conditions": "{not json"})
    assert bad.status_code == 400 and "Not valid JSON" in bad.content.decode()


def test_an_application_is_recorded_reviewed_and_decided_on_the_pages(
    programmes: Any, district_admin: Any, village: Any, village_worker: Any, town_officer: Any
) -> None:
    student = family(district_admin, village, [("F", D(2008, 3, 1))]).children[0]
    college = programmes["college-reward"]
    worker = client_for(village_worker)
    person_page = worker.get(f"/benefits/person/{student.pk}/").content.decode()
    url = f"/benefits/applications/new/{college.pk}/person/{student.pk}/"
    assert url in person_page
    assert "Admission letter" in worker.get(url).content.decode()
    missing = worker.post(url, {"tier": "college", "listed_0": "on"})
    assert missing.status_code == 400 and "missing: Household register page" in missing.content.decode()
    made = worker.post(
        url,
        {"tier": "college", "document_0": SimpleUploadedFile("letter.pdf", b"%PDF-1.4"), "listed_1": "on"},
    )
    application = Application.objects.get()
    assert made.status_code == 302 and application.attachments.exclude(file="").count() == 1
    client_for(town_officer).post(f"/benefits/applications/{application.pk}/review/", {"note": "checked"})
    client_for(district_admin).post(f"/benefits/applications/{application.pk}/decide/", {"approve": "1"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    html = client_for(town_officer).get(f"/benefits/applications/{application.pk}/").content.decode()
    assert "500.00" in html and "file attached" in html


def test_money_in_commitment_fulfilment_and_reversal_on_the_pages(
    programmes: Any,
    district_admin: Any,
    department_liaison: Any,
    village: Any,
    town_officer: Any,
    town: Any,
) -> None:
    demo_fund()
    fund = Fund.objects.get()
    admin = client_for(district_admin)
    admin.post(
        f"/benefits/funds/{fund.pk}/money-in/",
        {"kind": "donation", "amount": "300", "date": "2026-03-01", "source": "王"},
    )
    assert fund.transactions.count() == 4
    demo_commitments()
    fam = family(district_admin, village, [("F", D(2005, 3, 1))])
    water = Commitment.objects.get(department="区水务局", title="减免水表费")
    liaison = client_for(department_liaison)
    done = liaison.post(
        f"/benefits/commitments/{water.pk}/fulfil/",
        {"id_number": fam.wife.id_number, "date": "2026-04-01", "value": "80"},
    )
    assert done.status_code == 302 and CommitmentFulfilment.objects.get().household == fam.household
    tax = Commitment.objects.filter(department="区税务局").first()
    assert tax is not None
    assert liaison.get(f"/benefits/commitments/{tax.pk}/fulfil/").status_code == 404
    cycle = cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period="202610", scope=town)
    cycle_approve(actor=district_admin, cycle=cycle)
    entitlement = cycle.entitlements.get()
    cycle_results_import(
        actor=town_officer,
        cycle=cycle,
        content=f"entitlement_id,amount,result\n{entitlement.pk},50.00,paid\n".encode(),
        filename="r.csv",
    )
    payment = LedgerEntry.objects.get()
    assert "Reverse" in admin.get("/benefits/ledger/").content.decode()
    admin.post(f"/benefits/ledger/{payment.pk}/reverse/", {"reason": "paid twice by the bank"})
    assert LedgerEntry.objects.count() == 2
    assert "reversed" in admin.get("/benefits/ledger/").content.decode()
