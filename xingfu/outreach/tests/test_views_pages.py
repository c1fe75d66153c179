"""The outreach pages as users meet them: scoped lists, forms that refuse bad input, coverage and its export."""

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from xingfu.outreach.models import Attendance, Campaign, Event
from xingfu.outreach.tests.factories import ID_NUMBERS, make_campaign, make_event, make_person, make_training


def _page(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def test_the_outreach_home_shows_this_years_campaigns_upcoming_events_and_coverage(
    client: Any, town_officer: Any, town: Any, village: Any, sibling_village: Any
) -> None:
    today = timezone.localdate()
    campaign = make_campaign(town_officer, town, start=today, end=today + dt.timedelta(days=30), theme="冬季送健康")
    make_event(town_officer, campaign, village, date=today + dt.timedelta(days=3), people_reached=0)
    client.force_login(town_officer)
    page = _page(client, "/outreach/")
    assert "冬季送健康" in page and "Wangzhuang" in page
    assert 'data-testid="coverage-summary"' in page and "<strong>1</strong> / 2" in page
    # The module is in the top navigation now that its home exists.
    assert 'href="/outreach/"' in _page(client, "/")


def test_the_home_says_so_when_nothing_is_planned(client: Any, village_worker: Any) -> None:
    client.force_login(village_worker)
    page = _page(client, "/outreach/")
    assert "No campaign planned for this year yet." in page and "No events planned from today on." in page


def test_a_department_liaison_has_no_outreach_pages(client: Any, department_liaison: Any) -> None:
    client.force_login(department_liaison)
    assert client.get("/outreach/").status_code == 403


def test_a_town_officer_sees_only_the_events_of_his_town(
    client: Any,
    district_admin: Any,
    town_officer: Any,
    campaign: Any,
    village: Any,
    other_town: Any,
    other_village: Any,
) -> None:
    make_event(town_officer, campaign, village)
    theirs = make_campaign(district_admin, other_town, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    make_event(district_admin, theirs, other_village)
    client.force_login(town_officer)
    page = _page(client, "/outreach/events/")
    assert "Wangzhuang" in page and "Zhangjiawa" not in page
    other = Event.objects.get(village=other_village)
    _page(client, f"/outreach/events/{other.pk}/", status=404)


def test_the_events_list_searches_and_filters(
    client: Any, town_officer: Any, campaign: Any, village: Any, sibling_village: Any
) -> None:
    make_event(town_officer, campaign, village, kind="film")
    make_event(town_officer, campaign, sibling_village, kind="stall")
    client.force_login(town_officer)
    assert "Lijiayu" not in _page(client, "/outreach/events/?kind=film")
    found = _page(client, "/outreach/events/?q=Lijiayu")
    assert "Lijiayu" in found and "Wangzhuang" not in found
    partial = client.get("/outreach/events/?q=Lijiayu", headers={"HX-Request": "true"}).content.decode()
    assert "Lijiayu" in partial and "<html" not in partial
    assert "No event matches that search." in _page(client, "/outreach/events/?q=nowhere")


@pytest.mark.parametrize("n_events", [2, 30])
def test_the_events_list_takes_the_same_number_of_queries_for_any_number_of_events(
    client: Any,
    town_officer: Any,
    campaign: Any,
    village: Any,
    sibling_village: Any,
    n_events: int,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(n_events):
        make_event(town_officer, campaign, village if i % 2 else sibling_village, date=dt.date(2025, 3, 1 + i % 28))
    client.force_login(town_officer)
    with django_assert_max_num_queries(8):
        page = _page(client, "/outreach/events/")
    assert page.count("/outreach/events/") >= min(n_events, 25)


def test_a_village_worker_records_an_event_in_her_village_through_the_form(
    client: Any, village_worker: Any, campaign: Any, village: Any
) -> None:
    client.force_login(village_worker)
    form = _page(client, f"/outreach/events/new/?campaign={campaign.pk}")
    assert "Wangzhuang" in form and "Lijiayu" not in form  # only her own village to choose
    response = client.post(
        "/outreach/events/new/",
        {
            "campaign": campaign.pk,
            "village": village.pk,
            "date": "2025-03-08",
            "kind": "commemorative",
            "channel": "banners",
            "people_reached": "150",
            "material_leaflet": "300",
            "note": "三八妇女节",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.people_reached == 150 and event.materials.get().count == 300
    assert "三八妇女节" in _page(client, response["Location"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "2025-04-02"}, "outside the campaign"),
        ({"people_reached": "-3"}, "greater than or equal to 0"),
        ({"material_poster": "-1"}, "greater than or equal to 0"),
    ],
)
def test_the_event_form_refuses_bad_input_with_a_reason_and_records_nothing(
    client: Any, town_officer: Any, campaign: Any, village: Any, change: dict[str, str], message: str
) -> None:
    client.force_login(town_officer)
    data = {
        "campaign": campaign.pk,
        "village": village.pk,
        "date": "2025-03-08",
        "kind": "stall",
        "channel": "boards",
        "people_reached": "10",
        **change,
    }
    response = client.post("/outreach/events/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_the_event_form_refuses_a_village_outside_the_scope(
    client: Any, town_officer: Any, campaign: Any, other_village: Any
) -> None:
    client.force_login(town_officer)
    data = {"campaign": campaign.pk, "village": other_village.pk, "date": "2025-03-08", "kind": "stall"}
    response = client.post("/outreach/events/new/", {**data, "channel": "boards", "people_reached": "1"})
    assert response.status_code == 400 and not Event.objects.exists()


def test_a_town_officer_plans_a_campaign_through_the_form(client: Any, town_officer: Any, town: Any) -> None:
    client.force_login(town_officer)
    response = client.post(
        "/outreach/campaigns/new/",
        {"theme": "春节返乡人员健康服务", "orgunit": town.pk, "start_date": "2026-01-20", "end_date": "2026-02-28"},
    )
    assert response.status_code == 302
    assert "春节返乡人员健康服务" in _page(client, "/outreach/campaigns/")
    bad = client.post(
        "/outreach/campaigns/new/",
        {"theme": "倒过来", "orgunit": town.pk, "start_date": "2026-02-28", "end_date": "2026-01-20"},
    )
    assert bad.status_code == 400 and "before it starts" in bad.content.decode()
    assert Campaign.objects.count() == 1


def test_a_village_worker_sees_her_towns_campaign_but_not_other_villages_events(
    client: Any, town_officer: Any, village_worker: Any, campaign: Any, sibling_village: Any
) -> None:
    make_event(town_officer, campaign, sibling_village)
    client.force_login(village_worker)
    page = _page(client, f"/outreach/campaigns/{campaign.pk}/")
    assert campaign.theme in page and "Lijiayu" not in page


def test_attendance_is_added_by_resident_id_number_on_the_training_page(
    client: Any, town_officer: Any, town: Any, village: Any, other_village: Any
) -> None:
    person = make_person(village, id_number=ID_NUMBERS[0])
    make_person(other_village, name="外村人", id_number=ID_NUMBERS[1])
    training = make_training(town_officer, town)
    client.force_login(town_officer)
    url = f"/outreach/trainings/{training.pk}/attendance/"
    assert client.post(url, {"id_number": ID_NUMBERS[0]}).status_code == 302
    unknown = client.post(url, {"id_number": ID_NUMBERS[1]})  # lives in another town
    assert unknown.status_code == 404 and "No resident with this resident ID number" in unknown.content.decode()
    again = client.post(url, {"id_number": ID_NUMBERS[0]})
    assert again.status_code == 409 and "already recorded" in again.content.decode()
    assert list(Attendance.objects.values_list("person", flat=True)) == [person.pk]
    page = _page(client, f"/outreach/trainings/{training.pk}/")
    assert "王秀英" in page and ID_NUMBERS[0] not in page  # masked on the page


def test_the_person_search_finds_residents_in_scope_only(
    client: Any, town_officer: Any, town: Any, village: Any, other_village: Any
) -> None:
    make_person(village, name="王秀英", id_number=ID_NUMBERS[0])
    make_person(other_village, name="王大明", id_number=ID_NUMBERS[1], sex="M")
    training = make_training(town_officer, town)
    client.force_login(town_officer)
    found = client.get(f"/outreach/trainings/{training.pk}/persons/?q=王", headers={"HX-Request": "true"})
    html = found.content.decode()
    assert "王秀英" in html and "王大明" not in html
    for q in (ID_NUMBERS[0][-6:], "wang xiu", "wxy"):  # the ID's last digits, pinyin, initials
        found = client.get(f"/outreach/trainings/{training.pk}/persons/?q={q}", headers={"HX-Request": "true"})
        assert "王秀英" in found.content.decode(), q


def test_a_persons_training_record_page_shows_the_total_hours(
    client: Any, district_admin: Any, town_officer: Any, district: Any, town: Any, village: Any
) -> None:
    from xingfu.outreach import services

    person = make_person(village, id_number=ID_NUMBERS[0])
    for unit, hours in [(district, "6.0"), (town, "1.5")]:
        training = make_training(district_admin, unit, hours=hours, topic=f"培训 {hours}")
        services.attendance_add(actor=district_admin, training=training, person=person)
    client.force_login(town_officer)
    page = _page(client, f"/outreach/people/{person.pk}/trainings/")
    assert "<strong>7.5</strong>" in page and "培训 6.0" in page and "培训 1.5" in page


def test_a_staff_member_sees_her_own_training_record(
    client: Any, district_admin: Any, village_worker: Any, district: Any
) -> None:
    from xingfu.outreach import services

    training = make_training(district_admin, district, hours="4.5", topic="孕产妇健康管理培训")
    services.attendance_add(actor=district_admin, training=training, user=village_worker)
    client.force_login(village_worker)
    response = client.get("/outreach/my-trainings/", follow=True)
    page = response.content.decode()
    assert "孕产妇健康管理培训" in page and "<strong>4.5</strong>" in page


def test_the_coverage_page_lists_the_villages_not_reached_first(
    client: Any, town_officer: Any, campaign: Any, village: Any, sibling_village: Any
) -> None:
    make_event(town_officer, campaign, village)
    client.force_login(town_officer)
    page = _page(client, "/outreach/coverage/?year=2025")
    unreached = page[page.index('data-testid="unreached"') :]
    unreached = unreached[: unreached.index("</section>")]
    assert "Lijiayu" in unreached and "Wangzhuang" not in unreached
    assert page.index("Lijiayu") < page.index("Wangzhuang")
    assert "shade-0" in page and "shade-1" in page


def test_the_coverage_export_opens_in_openpyxl_with_every_village(
    client: Any, district_admin: Any, campaign: Any, village: Any, sibling_village: Any, other_village: Any
) -> None:
    make_event(district_admin, campaign, village, kind="film")
    client.force_login(district_admin)
    response = client.get("/outreach/coverage.xlsx?year=2025")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="outreach-coverage-2025.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    codes = [r[1] for r in rows[1:]]
    assert codes == [sibling_village.code, other_village.code, village.code]  # the unreached first
    header = list(rows[0])
    assert rows[-1][header.index("Film screening")] == 1 and rows[-1][4] == 1


def test_media_pieces_are_recorded_with_a_clipping(client: Any, town_officer: Any, town: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xingfu.outreach.tests.factories import JPEG

    client.force_login(town_officer)
    response = client.post(
        "/outreach/media/",
        {
            "outlet": "newspaper",
            "outlet_name": "枣庄日报",
            "title": "店子镇开展关爱女孩宣传",
            "date": "2025-03-21",
            "orgunit": town.pk,
            "clipping": SimpleUploadedFile("clip.jpg", JPEG),
        },
    )
    assert response.status_code == 302
    page = _page(client, "/outreach/media/")
    assert "店子镇开展关爱女孩宣传" in page and "/outreach/attachments/" in page
    bad = client.post(
        "/outreach/media/",
        {"outlet": "newspaper", "title": "坏链接", "date": "2025-03-21", "orgunit": town.pk, "link": "javascript:x"},
    )
    assert bad.status_code == 400 and "http://" in bad.content.decode()


def test_an_auditor_reads_but_gets_no_recording_forms(client: Any, auditor: Any, campaign: Any) -> None:
    client.force_login(auditor)
    assert "/outreach/events/new/" not in _page(client, "/outreach/events/")
    assert client.get("/outreach/events/new/").status_code == 403
