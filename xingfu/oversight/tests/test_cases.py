"""Cases: triage of tip-offs, steps and penalties, the reporter's contact, referral between districts."""

import copy
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xingfu.accounts.roles import Role
from xingfu.audit.models import AuditEvent
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.core.testing import make_user
from xingfu.oversight.models import Case, CaseStep, TipOff
from xingfu.oversight.services.cases import case_add_step, case_close, case_open
from xingfu.oversight.services.tipoffs import tipoff_public_status, tipoff_record
from xingfu.oversight.services.transfer import case_document, case_import, case_refer_out
from xingfu.oversight.tests.factories import today


def hotline_tip(town: Any, contact: str = "13912345678", **extra: Any) -> tuple[TipOff, str]:
    values = {
        "channel": "hotline",
        "about": "sex_selection",
        "provider": "某诊所",
        "description": "有人私下做胎儿性别鉴定",
        "place": "王庄村",
        "orgunit": town,
        "contact": contact,
        **extra,
    }
    return tipoff_record(actor=None, **values)


@pytest.fixture
def other_inspector(district: Any) -> Any:
    return make_user(Role.INSPECTOR, district, "inspector2")


def test_triage_opens_a_case_and_the_reporter_sees_it_under_investigation(
    client: Any, inspector: Any, town: Any
) -> None:
    tipoff, code = hotline_tip(town)
    client.force_login(inspector)
    response = client.post(
        f"/oversight/tipoffs/{tipoff.pk}/triage/",
        {"decision": "new_case", "title": "某诊所非法鉴定", "orgunit": town.pk, "owner": inspector.pk},
    )
    case = Case.objects.get()
    assert response["Location"] == f"/oversight/cases/{case.pk}/"
    assert case.owner == inspector and case.number.startswith(f"370406-{today().year}-")
    assert tipoff_public_status(code=code).status == "investigating"


def test_a_tip_off_cannot_be_triaged_twice(inspector: Any, town: Any) -> None:
    tipoff, _ = hotline_tip(town)
    case_open(actor=inspector, title="A", orgunit=town, owner=inspector, tipoffs=[tipoff])
    with pytest.raises(Conflict):
        case_open(actor=inspector, title="B", orgunit=town, owner=inspector, tipoffs=[tipoff])
    assert Case.objects.count() == 1


def test_a_case_owner_must_be_able_to_record_oversight(town: Any, town_officer: Any, inspector: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        case_open(actor=inspector, title="A", orgunit=town, owner=town_officer)
    assert refused.value.field == "owner"


def test_a_penalty_names_the_provision_and_stays_within_its_bounds(inspector: Any, town: Any) -> None:
    case = case_open(actor=inspector, title="药品记录不全", orgunit=town, owner=inspector)
    with pytest.raises(ValidationFailed) as too_low:
        case_add_step(actor=inspector, case=case, kind="penalty", summary="罚款", rule="drug_records", fine_yuan="5000")
    assert too_low.value.field == "fine_yuan"
    with pytest.raises(ValidationFailed):
        case_add_step(actor=inspector, case=case, kind="penalty", summary="罚款", rule="", fine_yuan="20000")
    warning = case_add_step(actor=inspector, case=case, kind="penalty", summary="警告", rule="drug_records")
    fine = case_add_step(
        actor=inspector, case=case, kind="penalty", summary="罚款两万", rule="drug_records", fine_yuan="20000"
    )
    assert warning.fine_yuan is None and str(fine.fine_yuan) == "20000.00"


def test_closing_a_case_closes_its_tip_offs_for_the_reporter(inspector: Any, town: Any) -> None:
    tipoff, code = hotline_tip(town)
    case = case_open(actor=inspector, title="A", orgunit=town, owner=inspector, tipoffs=[tipoff])
    case_close(actor=inspector, case=case, outcome="substantiated", note="罚款并警告")
    assert tipoff_public_status(code=code).status == "closed"
    with pytest.raises(Conflict):
        case_add_step(actor=inspector, case=case, kind="note", summary="too late")


def test_overdue_steps_and_cases_show_on_the_case_page(client: Any, inspector: Any, town: Any) -> None:
    case = case_open(actor=inspector, title="调查某诊所", orgunit=town, owner=inspector)
    case_add_step(actor=inspector, case=case, kind="investigation", summary="走访", due=today())
    client.force_login(inspector)
    page = client.get(f"/oversight/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "调查某诊所" in page and "走访" in page and "Add a step" in page


# --- The reporter's contact ------------------------------------------------------------------------------


def test_the_contact_is_shown_to_the_case_owner_and_each_view_is_audited(
    client: Any, inspector: Any, town: Any
) -> None:
    tipoff, _ = hotline_tip(town)
    case_open(actor=inspector, title="A", orgunit=town, owner=inspector, tipoffs=[tipoff])
    client.force_login(inspector)
    detail = client.get(f"/oversight/tipoffs/{tipoff.pk}/").content.decode()
    assert "13912345678" not in detail  # hidden until asked for
    for _ in range(2):
        shown = client.get(f"/oversight/tipoffs/{tipoff.pk}/contact/", HTTP_HX_REQUEST="true").content.decode()
        assert "13912345678" in shown
    reads = AuditEvent.objects.filter(action="read.reporter_contact", object_id=str(tipoff.pk))
    assert reads.count() == 2 and {e.actor_username for e in reads} == {"inspector"}


def test_the_district_admin_may_see_the_contact_even_before_triage(client: Any, district_admin: Any, town: Any) -> None:
    tipoff, _ = hotline_tip(town)
    client.force_login(district_admin)
    assert "13912345678" in client.get(f"/oversight/tipoffs/{tipoff.pk}/contact/").content.decode()
    assert AuditEvent.objects.filter(action="read.reporter_contact", actor_username="admin").count() == 1


def test_other_inspectors_town_officers_and_auditors_never_see_the_contact(
    client: Any, inspector: Any, other_inspector: Any, town_officer: Any, auditor: Any, town: Any
) -> None:
    tipoff, _ = hotline_tip(town)
    case = case_open(actor=inspector, title="A", orgunit=town, owner=inspector, tipoffs=[tipoff])
    for user in [other_inspector, town_officer, auditor]:
        client.force_login(user)
        assert client.get(f"/oversight/tipoffs/{tipoff.pk}/").status_code == 200
        assert "13912345678" not in client.get(f"/oversight/tipoffs/{tipoff.pk}/").content.decode()
        assert client.get(f"/oversight/tipoffs/{tipoff.pk}/contact/").status_code == 403
        assert client.get(f"/oversight/cases/{case.pk}/contacts/").status_code == 403
    assert not AuditEvent.objects.filter(action="read.reporter_contact").exists()


def test_the_contact_never_reaches_the_audit_trail_or_the_lists(client: Any, inspector: Any, town: Any) -> None:
    hotline_tip(town)
    assert "13912345678" not in json.dumps(list(AuditEvent.objects.values("changes", "reason")), ensure_ascii=False)
    client.force_login(inspector)
    assert "13912345678" not in client.get("/oversight/tipoffs/").content.decode()


# --- Referral between districts ------------------------------------------------------------------------


def _referred_file(inspector: Any, town: Any) -> dict[str, Any]:
    tipoff, _ = hotline_tip(town)
    case = case_open(actor=inspector, title="跨区线索", orgunit=town, owner=inspector, tipoffs=[tipoff])
    case_add_step(actor=inspector, case=case, kind="investigation", summary="初步走访", done_on=today())
    document = case_refer_out(actor=inspector, case=case, to_district="薛城区")
    case.refresh_from_db()
    assert case.status == "referred_out" and case.referred_to == "薛城区"
    return document


def _as_received_from_neighbour(document: dict[str, Any]) -> dict[str, Any]:
    received = copy.deepcopy(document)
    received["from_district"] = {"code": "370403", "name": "薛城区"}
    return received


def test_a_referred_case_keeps_its_history_when_imported(inspector: Any, town: Any) -> None:
    document = _as_received_from_neighbour(_referred_file(inspector, town))
    case = case_import(actor=inspector, document=document, orgunit=town, owner=inspector)
    assert case.received_from == "薛城区" and case.status == "open"
    kinds = list(case.steps.order_by("recorded_at", "id").values_list("kind", "summary"))
    assert kinds[0] == ("investigation", "初步走访") and kinds[-1][0] == "referral"
    assert case.tipoffs.get().contact == "13912345678"
    assert case.tipoffs.get().channel == "referral"


def test_importing_the_same_case_twice_is_refused(inspector: Any, town: Any) -> None:
    document = _as_received_from_neighbour(_referred_file(inspector, town))
    case_import(actor=inspector, document=document, orgunit=town, owner=inspector)
    with pytest.raises(Conflict):
        case_import(actor=inspector, document=document, orgunit=town, owner=inspector)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d.update(format="something.else"),
        lambda d: d.update(version=2),
        lambda d: d["case"].pop("title"),
        lambda d: d["steps"].append({"kind": "torture", "summary": "x", "recorded_at": "2026-01-01T00:00:00Z"}),
        lambda d: d["tipoffs"][0].update(about="pregnant_woman"),
        lambda d: d["tipoffs"][0].update(received_at="yesterday"),
        lambda d: d.update(steps="not a list"),
    ],
)
def test_a_bad_referral_file_changes_nothing(inspector: Any, town: Any, spoil: Any) -> None:
    document = _as_received_from_neighbour(_referred_file(inspector, town))
    spoil(document)
    counts = (Case.objects.count(), CaseStep.objects.count(), TipOff.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed):
        case_import(actor=inspector, document=document, orgunit=town, owner=inspector)
    assert (
        Case.objects.count(),
        CaseStep.objects.count(),
        TipOff.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_a_file_exported_here_is_not_imported_here(inspector: Any, town: Any) -> None:
    with pytest.raises(ValidationFailed):
        case_import(actor=inspector, document=_referred_file(inspector, town), orgunit=town, owner=inspector)


def test_the_import_page_rejects_a_file_that_is_not_json(client: Any, inspector: Any, town: Any) -> None:
    client.force_login(inspector)
    upload = SimpleUploadedFile("case.json", b"\x89PNG not json", content_type="application/json")
    response = client.post(
        "/oversight/cases/import/",
        {"file": upload, "orgunit": town.pk, "owner": inspector.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "not JSON" in response.content.decode()
    assert not Case.objects.exists()


def test_referring_on_the_page_downloads_the_file_and_audits_the_contacts(
    client: Any, inspector: Any, town: Any
) -> None:
    tipoff, _ = hotline_tip(town)
    case = case_open(actor=inspector, title="跨区线索", orgunit=town, owner=inspector, tipoffs=[tipoff])
    client.force_login(inspector)
    response = client.post(f"/oversight/cases/{case.pk}/refer/", {"to_district": "台儿庄区"})
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert document["to_district"] == "台儿庄区" and document["tipoffs"][0]["contact"] == "13912345678"
    assert AuditEvent.objects.filter(action="read.reporter_contact", object_type="case").exists()
    assert case_document(Case.objects.get())["case"]["number"] == case.number
