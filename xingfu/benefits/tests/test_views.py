"""The benefits pages as their users use them: programmes and the what-if, a person's and a household's
eligibility with reasons, cycles from preparation to payment, the ledger, the certificate check, commitments."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from xingfu.accounts.roles import Role
from xingfu.audit.models import AuditEvent
from xingfu.benefits.demo import demo_commitments
from xingfu.benefits.models import CycleStatus, PaymentCycle
from xingfu.benefits.services.certificates import certificates_issue
from xingfu.benefits.services.cycles import cycle_approve, cycle_prepare
from xingfu.benefits.services.payments import cycle_results_import
from xingfu.benefits.tests.factories import D, family
from xingfu.core.testing import make_user
from xingfu.registry.models import Person


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def page(client: Client, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


@pytest.fixture
def admin(district_admin: Any) -> Client:
    return client_for(district_admin)


@pytest.fixture
def officer(town_officer: Any) -> Client:
    return client_for(town_officer)


def test_the_nav_links_to_benefits_and_the_home_lists_programmes(programmes: Any, officer: Client) -> None:
    home = page(officer, "/benefits/")
    assert 'href="/benefits/"' in page(officer, "/")
    assert "Only-daughter reward" in home and "Childcare subsidy" in home
    assert "Prepare payment cycles" in home and "Define a programme" not in home
    results = officer.get("/benefits/", {"q": "childcare"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Childcare subsidy" in results and "Only-daughter" not in results


def test_the_home_page_says_when_no_programme_is_defined(district: Any, officer: Client) -> None:
    assert "No programme is defined yet." in page(officer, "/benefits/")


def test_a_household_page_says_eligible_or_not_and_why(
    programmes: Any, district_admin: Any, village: Any, officer: Client
) -> None:
    daughters = family(district_admin, village, [("F", D(2003, 1, 1)), ("F", D(2006, 1, 1))])
    html = page(officer, f"/benefits/household/{daughters.household.pk}/", on="2026-10-31")
    assert 'data-testid="programme-two-daughters"' in html
    section = html.split('data-testid="programme-two-daughters"')[1].split("</section>")[0]
    assert "eligible" in section and "40.00" in section and "two_daughters" in section
    only = html.split('data-testid="programme-only-daughter"')[1].split("</section>")[0]
    assert "not eligible" in only and "Not every condition holds." in only


def test_a_person_page_explains_each_condition_with_its_value(
    programmes: Any, district_admin: Any, village: Any, officer: Client
) -> None:
    fam = family(district_admin, village, [("M", D(2001, 2, 1))], husband_born=D(1960, 3, 1))
    html = page(officer, f"/benefits/person/{fam.husband.pk}/", on="2026-10-31")
    section = html.split('data-testid="programme-reward-assistance"')[1].split("</section>")[0]
    assert "eligible" in section and "80.00" in section
    assert "<strong>66</strong>" in section and "<strong>only_son</strong>" in section


def test_the_why_page_shows_the_disabled_child_condition_with_its_label(
    programmes: Any, district_admin: Any, village: Any, officer: Client
) -> None:
    fam = family(district_admin, village, [("M", D(2000, 9, 1))], wife_born=D(1970, 1, 1))
    Person.objects.filter(pk=fam.children[0].pk).update(disability_grade=2)
    html = page(officer, f"/benefits/person/{fam.wife.pk}/", on="2026-10-31")
    section = html.split('data-testid="programme-special-assistance"')[1].split("</section>")[0]
    assert "eligible" in section and "150.00" in section
    assert "Most severe disability grade of a living child (1 most severe)" in section
    # The grade itself is masked (health information), as on the registry's person page.
    assert "<code>child_disability_grade</code> ≤ 3" in section and "<strong>******</strong>" in section


def test_someone_outside_the_scope_gets_no_benefits_page(
    programmes: Any, district_admin: Any, other_village: Any, officer: Client
) -> None:
    stranger = family(district_admin, other_village, [("F", D(2005, 1, 1))])
    assert officer.get(f"/benefits/household/{stranger.household.pk}/").status_code == 404


def test_the_what_if_runs_on_the_programme_page_without_saving(
    programmes: Any, district_admin: Any, village: Any, admin: Client
) -> None:
    family(district_admin, village, [("F", D(2005, 1, 1))])
    programme = programmes["only-daughter"]
    assert "What if?" in page(admin, f"/benefits/programmes/{programme.pk}/")
    response = admin.post(f"/benefits/programmes/{programme.pk}/whatif/", {"on": "2026-10-31"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "370406101" in html and "600.00" in html
    bad = admin.post(
        f"/benefits/programmes/{programme.pk}/whatif/",
        {"conditions": '{"fact": "income", "operator": "eq", "value": 1}'},
    ).content.decode()
    assert "Unknown fact" in bad


def test_a_bad_rule_on_the_form_is_shown_and_nothing_saved(programmes: Any, admin: Client) -> None:
    programme = programmes["only-daughter"]
    response = admin.post(
        f"/benefits/programmes/{programme.pk}/rules/new/",
        {"valid_from": "2027-01-01", "conditions": '{"all": []}', "amount": '{"mode": "fixed", "amount": "-1"}'},
    )
    assert response.status_code == 400 and "cannot be below zero" in response.content.decode()
    assert programme.rules.count() == 1


def test_a_cycle_from_preparation_to_payment_on_the_pages(
    programmes: Any, district_admin: Any, village: Any, town_officer: Any, officer: Client, town: Any
) -> None:
    fam = family(district_admin, village, [("F", D(2005, 1, 1))])
    programme = programmes["only-daughter"]
    response = officer.post(
        "/benefits/cycles/new/", {"programmes": [programme.pk], "period": "202610", "scope": town.code}
    )
    cycle = PaymentCycle.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/benefits/cycles/{cycle.pk}/"
    html = page(officer, f"/benefits/cycles/{cycle.pk}/")
    assert fam.household.number in html and "another user approves it" in html
    refused = officer.post(f"/benefits/cycles/{cycle.pk}/approve/", follow=True).content.decode()
    assert "another user must approve it" in refused
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PREPARED
    admin = client_for(district_admin)
    admin.post(f"/benefits/cycles/{cycle.pk}/approve/")
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED
    bank = officer.get(f"/benefits/cycles/{cycle.pk}/bank-file.csv")
    assert bank.status_code == 200 and str(fam.husband.id_number) in bank.content.decode("utf-8-sig")
    entitlement = cycle.entitlements.get()
    upload = f"entitlement_id,amount,result\n{entitlement.pk},50.00,paid\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    done = officer.post(
        f"/benefits/cycles/{cycle.pk}/results/", {"file": SimpleUploadedFile("r.csv", upload)}, follow=True
    ).content.decode()
    assert "1 paid (50.00 yuan)" in done
    assert "50.00" in page(officer, "/benefits/ledger/")


def test_list_pages_keep_their_query_count(
    programmes: Any,
    district_admin: Any,
    village: Any,
    town_officer: Any,
    officer: Client,
    town: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(3):
        family(district_admin, village, [("F", D(2005, 1, 1 + i))])
    approver = make_user(Role.TOWN_OFFICER, town, "officer2")
    for period in ("202608", "202609", "202610"):
        cycle = cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period=period, scope=town)
        cycle_approve(actor=approver, cycle=cycle)
        rows = "\n".join(f"{e.pk},50.00,paid" for e in cycle.entitlements.all())
        cycle_results_import(
            actor=town_officer,
            cycle=cycle,
            content=f"entitlement_id,amount,result\n{rows}\n".encode(),
            filename="r.csv",
        )
    last = PaymentCycle.objects.order_by("-id").first()
    assert last is not None
    for url in (
        "/benefits/",
        "/benefits/cycles/",
        "/benefits/ledger/",
        "/benefits/applications/",
        f"/benefits/cycles/{last.pk}/",
    ):
        with django_assert_max_num_queries(14):
            page(officer, url)


def test_the_certificate_check_page_answers_and_audits(
    programmes: Any, district_admin: Any, department_liaison: Any, village: Any
) -> None:
    fam = family(district_admin, village, [("F", D(2005, 1, 1))])
    certificates_issue(
        actor=district_admin, programme=programmes["housing-preference"], scope=village, on=D(2026, 10, 31)
    )
    liaison = client_for(department_liaison)
    html = liaison.post(
        "/benefits/certificate-check/", {"id_number": fam.wife.id_number}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Yes" in html and "HOUSING-PREFERENCE-" in html and fam.wife.name not in html
    assert AuditEvent.objects.filter(action="read.certificate_check", actor_username="liaison").count() == 1
    bad = liaison.post("/benefits/certificate-check/", {"id_number": "123"}).content.decode()
    assert "18 characters" in bad
    assert client_for(district_admin).get("/benefits/certificate-check/").status_code == 200
    officer = make_user(Role.TOWN_OFFICER, village.parent, "o3")
    assert client_for(officer).get("/benefits/certificate-check/").status_code == 403


def test_a_liaison_sees_only_her_departments_commitments(department_liaison: Any, district: Any) -> None:
    demo_commitments()
    html = page(client_for(department_liaison), "/benefits/commitments/")
    assert "减免水表费" in html and "区税务局" not in html


def test_a_fund_page_shows_the_statement(programmes: Any, district_admin: Any, admin: Client) -> None:
    from xingfu.benefits.demo import demo_fund
    from xingfu.benefits.models import Fund

    demo_fund()
    fund = Fund.objects.get()
    html = page(admin, f"/benefits/funds/{fund.pk}/")
    assert "1500000" in html.replace(",", "") and "企业捐赠" in html
    assert Decimal("1500000") == sum(t.amount for t in fund.transactions.all())


def test_the_programme_page_states_each_rule_s_conditions_in_words(programmes: Any, officer: Client) -> None:
    html = page(officer, f"/benefits/programmes/{programmes['only-daughter'].pk}/")
    conditions = html.split('data-testid="rule-conditions">')[1].split("</td>")[0]
    assert "Family type" in conditions and "Only child (a daughter)" in conditions
    assert "family_type" not in conditions and "{'" not in conditions
