"""The benefits API: the same rules as the pages, every refusal a 4xx with a reason."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xingfu.audit.models import AuditEvent
from xingfu.benefits.demo import demo_commitments
from xingfu.benefits.models import LedgerEntry, PaymentCycle, Programme
from xingfu.benefits.services.certificates import certificates_issue
from xingfu.benefits.tests.factories import D, family


@pytest.fixture
def daughters(programmes: Any, district_admin: Any, village: Any) -> Any:
    return family(district_admin, village, [("F", D(2005, 3, 1))])


def test_programmes_are_listed_with_their_rules(programmes: Any, api_for: Any, town_officer: Any) -> None:
    client = api_for(town_officer)
    listed = client.get("/api/benefit-programmes/", {"benefit_unit": "household"}).json()
    codes = {p["code"] for p in listed["results"]}
    assert "only-daughter" in codes and "reward-assistance" not in codes
    detail = client.get(f"/api/benefit-programmes/{programmes['reward-assistance'].pk}/").json()
    assert [r["amount"]["amount"] for r in detail["rules"]] == ["50.00", "60.00", "80.00"]
    assert detail["benefit_kind"] == "cash_monthly" and detail["programme_level"] == "national"


def test_defining_a_programme_with_an_unknown_fact_is_a_400_with_the_reason(
    district: Any, api_for: Any, district_admin: Any
) -> None:
    body = {
        "code": "new-thing",
        "name_zh": "新",
        "benefit_unit": "household",
        "benefit_kind": "cash_once",
        "payee_kind": "household_head",
        "starts_on": "2026-01-01",
        "conditions": {"all": [{"fact": "income", "operator": "lt", "value": 5}]},
        "amount": {"mode": "fixed", "amount": "100.00"},
    }
    response = api_for(district_admin).post("/api/benefit-programmes/", body, format="json")
    assert response.status_code == 400
    assert "Unknown fact 'income'" in response.json()["reason"]
    assert response.json()["details"] == {"path": "all[0]"}
    assert not Programme.objects.filter(code="new-thing").exists()
    good = {**body, "conditions": {"all": [{"fact": "members", "operator": "gte", "value": 3}]}}
    created = api_for(district_admin).post("/api/benefit-programmes/", good, format="json")
    assert created.status_code == 201 and created.json()["rules"][0]["valid_from"] == "2026-01-01"


def test_a_town_officer_may_not_define_programmes(district: Any, api_for: Any, town_officer: Any) -> None:
    response = api_for(town_officer).post("/api/benefit-programmes/", {"code": "x"}, format="json")
    assert response.status_code in (400, 403)


def test_eligibility_comes_with_the_explanation(daughters: Any, api_for: Any, town_officer: Any) -> None:
    response = api_for(town_officer).get(
        "/api/benefit-eligibility/", {"household": daughters.household.pk, "on": "2026-10-31"}
    )
    results = {r["programme_code"]: r for r in response.json()}
    only = results["only-daughter"]
    assert only["eligible"] and only["amount"] == "50.00"
    leaf = only["conditions"]["children"][0]
    assert (leaf["fact"], leaf["actual"], leaf["held"]) == ("family_type", "only_daughter", True)
    assert not results["two-daughters"]["eligible"]
    assert api_for(town_officer).get("/api/benefit-eligibility/").status_code == 400


def test_the_what_if_answers_per_town(
    daughters: Any, programmes: Any, api_for: Any, district_admin: Any, town_officer: Any
) -> None:
    url = f"/api/benefit-programmes/{programmes['only-daughter'].pk}/whatif/"
    result = api_for(district_admin).post(url, {"on": "2026-10-31"}, format="json").json()
    assert result["towns"] == [{"town": "370406101", "name": "Dianzi Town", "units": 1, "amount": "600.00"}]
    assert api_for(town_officer).post(url, {}, format="json").status_code == 403


def test_a_cycle_through_the_api(
    daughters: Any, programmes: Any, api_for: Any, town_officer: Any, district_admin: Any, town: Any
) -> None:
    officer = api_for(town_officer)
    made = officer.post(
        "/api/payment-cycles/",
        {"programmes": [programmes["only-daughter"].pk], "period": "202610", "scope": town.code},
        format="json",
    )
    assert made.status_code == 201
    cycle = made.json()[0]
    assert (cycle["cycle_status"], cycle["entitlement_count"], cycle["total_amount"]) == ("prepared", 1, "50.00")
    again = officer.post(
        "/api/payment-cycles/",
        {"programmes": [programmes["only-daughter"].pk], "period": "202610", "scope": town.code},
        format="json",
    )
    assert again.status_code == 409 and "prepared already" in again.json()["reason"]
    own = officer.post(f"/api/payment-cycles/{cycle['id']}/approve/")
    assert own.status_code == 403 and "another user must approve" in own.json()["reason"]
    assert api_for(district_admin).post(f"/api/payment-cycles/{cycle['id']}/approve/").status_code == 200
    twice = api_for(district_admin).post(f"/api/payment-cycles/{cycle['id']}/approve/")
    assert twice.status_code == 409
    bank = officer.get(f"/api/payment-cycles/{cycle['id']}/bank-file/", {"file_type": "csv"})
    assert bank.status_code == 200 and bank["Content-Type"] == "text/csv"
    entitlement = officer.get("/api/entitlements/", {"cycle": cycle["id"]}).json()["results"][0]
    wrong = f"entitlement_id,amount,result\n{entitlement['id']},49.00,paid\n".encode()
    refused = officer.post(f"/api/payment-cycles/{cycle['id']}/results/", {"file": SimpleUploadedFile("r.csv", wrong)})
    assert refused.status_code == 400 and "differ from the cycle's" in refused.json()["reason"]
    unknown = b"entitlement_id,amount,result\n424242,50.00,paid\n"
    refused = officer.post(
        f"/api/payment-cycles/{cycle['id']}/results/", {"file": SimpleUploadedFile("r.csv", unknown)}
    )
    assert refused.status_code == 400 and "Not entitlements of this cycle: 424242" in refused.json()["reason"]
    good = f"entitlement_id,amount,result\n{entitlement['id']},50.00,paid\n".encode()
    summary = officer.post(
        f"/api/payment-cycles/{cycle['id']}/results/", {"file": SimpleUploadedFile("r.csv", good)}
    ).json()
    assert summary["paid"] == 1 and summary["reconciled"]
    ledger = officer.get("/api/benefit-ledger/").json()["results"]
    assert [(e["ledger_kind"], e["amount"]) for e in ledger] == [("payment", "50.00")]
    reversal = api_for(district_admin).post(
        f"/api/benefit-ledger/{ledger[0]['id']}/reverse/", {"reason": "wrong account"}, format="json"
    )
    assert reversal.status_code == 201 and reversal.json()["amount"] == "-50.00"
    assert LedgerEntry.objects.count() == 2


def test_another_towns_officer_sees_none_of_it(
    daughters: Any, programmes: Any, api_for: Any, town_officer: Any, other_town_officer: Any, town: Any
) -> None:
    api_for(town_officer).post(
        "/api/payment-cycles/",
        {"programmes": [programmes["only-daughter"].pk], "period": "202610", "scope": town.code},
        format="json",
    )
    outsider = api_for(other_town_officer)
    cycle = PaymentCycle.objects.get()
    assert outsider.get("/api/payment-cycles/").json()["count"] == 0
    assert outsider.get(f"/api/payment-cycles/{cycle.pk}/").status_code == 404
    assert outsider.get("/api/entitlements/").json()["count"] == 0
    assert outsider.get("/api/benefit-eligibility/", {"household": daughters.household.pk}).status_code == 404
    made = outsider.post(
        "/api/payment-cycles/",
        {"programmes": [programmes["only-daughter"].pk], "period": "202611", "scope": town.code},
        format="json",
    )
    assert made.status_code == 404


def test_the_certificate_check_answers_yes_or_no_only(
    daughters: Any,
    programmes: Any,
    district_admin: Any,
    village: Any,
    api_for: Any,
    department_liaison: Any,
    town_officer: Any,
) -> None:
    certificates_issue(
        actor=district_admin, programme=programmes["housing-preference"], scope=village, on=D(2026, 10, 31)
    )
    liaison = api_for(department_liaison)
    answer = liaison.post("/api/certificate-check/", {"id_number": daughters.husband.id_number}, format="json")
    assert answer.status_code == 200
    assert set(answer.json()) == {"qualifies", "certificate_number"} and answer.json()["qualifies"] is True
    assert AuditEvent.objects.filter(action="read.certificate_check").count() == 1
    assert liaison.post("/api/certificate-check/", {"id_number": "x"}, format="json").status_code == 400
    assert (
        api_for(town_officer)
        .post("/api/certificate-check/", {"id_number": daughters.husband.id_number}, format="json")
        .status_code
        == 403
    )


def test_a_liaison_records_fulfilments_for_her_department_only(
    daughters: Any, api_for: Any, department_liaison: Any, district: Any
) -> None:
    demo_commitments()
    liaison = api_for(department_liaison)
    listed = liaison.get("/api/commitments/").json()["results"]
    assert {c["department"] for c in listed} == {"区水务局"}
    water = listed[0]["id"]
    body = {"commitment": water, "id_number": daughters.wife.id_number, "date": "2026-05-01", "value": "120.00"}
    made = liaison.post("/api/commitment-fulfilments/", body, format="json")
    assert made.status_code == 201 and made.json()["household"] == daughters.household.pk
    from xingfu.benefits.models import Commitment

    tax = Commitment.objects.filter(department="区税务局").first()
    assert tax is not None
    refused = liaison.post("/api/commitment-fulfilments/", {**body, "commitment": tax.pk}, format="json")
    assert refused.status_code == 404
    report = liaison.get("/api/commitments/report/").json()
    assert report == [
        {"department": "区水务局", "major": 0, "minor": 3, "records": 1, "households": 1, "value": "120.00"}
    ]


def test_api_lists_keep_their_query_count(
    daughters: Any, programmes: Any, api_for: Any, town_officer: Any, town: Any, django_assert_max_num_queries: Any
) -> None:
    officer = api_for(town_officer)
    officer.post(
        "/api/payment-cycles/",
        {"programmes": [programmes["only-daughter"].pk], "period": "202610", "scope": town.code},
        format="json",
    )
    for url in (
        "/api/benefit-programmes/",
        "/api/payment-cycles/",
        "/api/entitlements/",
        "/api/benefit-ledger/",
        "/api/benefit-applications/",
        "/api/benefit-funds/",
    ):
        with django_assert_max_num_queries(8):
            assert officer.get(url).status_code == 200


def test_an_application_through_the_api(
    programmes: Any, district_admin: Any, village: Any, api_for: Any, village_worker: Any, town_officer: Any
) -> None:
    student = family(district_admin, village, [("F", D(2008, 3, 1))]).children[0]
    worker = api_for(village_worker)
    body = {
        "programme": programmes["college-reward"].pk,
        "person": student.pk,
        "tier": "university",
        "attachments": [{"name": "Admission letter"}, {"name": "Household register page"}],
    }
    made = worker.post("/api/benefit-applications/", body, format="json")
    assert made.status_code == 201 and made.json()["application_status"] == "submitted"
    pk = made.json()["id"]
    upload = worker.post(
        f"/api/benefit-applications/{pk}/files/",
        {"name": "Admission letter", "file": SimpleUploadedFile("letter.pdf", b"%PDF-1.4 test")},
    )
    assert upload.status_code == 201 and upload.json()["has_file"]
    bad = worker.post(
        f"/api/benefit-applications/{pk}/files/",
        {"name": "Admission letter", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert bad.status_code == 400
    api_for(town_officer).post(f"/api/benefit-applications/{pk}/review/", {"note": "ok"}, format="json")
    decided = api_for(district_admin).post(f"/api/benefit-applications/{pk}/decide/", {"approve": True}, format="json")
    assert decided.json()["application_status"] == "approved"
    assert decided.json()["decisions"][-1]["amount"] == "1000.00"


def test_funds_show_their_statement(programmes: Any, api_for: Any, district_admin: Any) -> None:
    from xingfu.benefits.demo import demo_fund

    demo_fund()
    client = api_for(district_admin)
    fund = client.get("/api/benefit-funds/").json()["results"][0]
    assert fund["balance"] == "1500000.00"
    made = client.post(
        f"/api/benefit-funds/{fund['id']}/money-in/",
        {"transaction_kind": "donation", "amount": "500.00", "date": "2026-02-01", "payer": "李女士"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["balance"] == "1500500.00"
    statement = client.get(f"/api/benefit-funds/{fund['id']}/statement/").json()
    assert statement["count"] == 4


def test_the_facts_are_listed_for_building_conditions(district: Any, api_for: Any, town_officer: Any) -> None:
    facts = api_for(town_officer).get("/api/benefit-facts/").json()
    family_type = next(f for f in facts if f["benefit_unit"] == "household" and f["name"] == "family_type")
    assert family_type["value_type"] == "choice" and "only_daughter" in family_type["choices"]
