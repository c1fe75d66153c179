from typing import Any

from xingfu.audit.services import audit_record


def test_the_audit_page_lists_events_in_scope_only(
    client: Any, town_officer: Any, village: Any, other_village: Any
) -> None:
    audit_record(actor=None, action="test.mine", object_type="marker", object_id="in-town", orgunit=village)
    audit_record(actor=None, action="test.theirs", object_type="marker", object_id="elsewhere", orgunit=other_village)
    client.force_login(town_officer)
    page = client.get("/audit/").content.decode()
    assert "in-town" in page and "elsewhere" not in page


def test_a_village_worker_may_not_open_the_audit_page(client: Any, village_worker: Any) -> None:
    client.force_login(village_worker)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "audit.view" in response.content.decode()
