"""What oversight must never do: reach residents' records, or show a reporter's contact in the admin."""

from pathlib import Path
from typing import Any

from xingfu.oversight.services.tipoffs import tipoff_record

APP = Path(__file__).resolve().parent.parent


def test_oversight_never_imports_the_registry_or_care_records() -> None:
    offenders = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if "tests" not in path.parts
        and any(f"xingfu.{app}" in path.read_text() for app in ("registry", "care", "benefits"))
    ]
    assert offenders == []


def test_the_admin_lists_oversight_records_and_never_shows_a_reporters_contact(
    client: Any, district_admin: Any, town: Any
) -> None:
    tipoff, _code = tipoff_record(
        actor=None,
        channel="hotline",
        about="sex_selection",
        description="d",
        place="p",
        orgunit=town,
        contact="13712345678",
    )
    client.force_login(district_admin)
    for model in [
        "facility",
        "ultrasounddevice",
        "inspection",
        "tipoff",
        "case",
        "checklistitem",
        "inspectionschedule",
    ]:
        assert client.get(f"/admin/oversight/{model}/").status_code == 200, model
    page = client.get(f"/admin/oversight/tipoff/{tipoff.pk}/change/")
    assert page.status_code == 200 and "13712345678" not in page.content.decode()
    assert client.get("/admin/oversight/facility/add/").status_code == 403  # records change through the pages
