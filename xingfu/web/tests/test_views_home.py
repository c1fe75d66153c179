from typing import Any


def test_home_is_in_chinese_by_default_and_shows_the_users_place(
    client: Any, village_worker: Any, village: Any
) -> None:
    client.force_login(village_worker)
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "山亭区" in page and "店子镇" in page and "王庄村" in page  # the breadcrumb to her village


def test_switching_to_english_sticks_for_the_session(client: Any, village_worker: Any, village: Any) -> None:
    client.force_login(village_worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Shanting District" in page and "Wangzhuang Village" in page


def test_a_town_officer_sees_his_villages_but_not_other_towns(
    client: Any, town_officer: Any, village: Any, sibling_village: Any, other_village: Any
) -> None:
    client.force_login(town_officer)
    page = client.get("/").content.decode()
    assert "王庄村" in page and "李家峪村" in page
    assert "张家洼村" not in page


def test_navigation_shows_only_modules_the_role_may_use(client: Any, village_worker: Any, auditor: Any) -> None:
    client.force_login(village_worker)
    assert 'href="/audit/"' not in client.get("/").content.decode()
    client.force_login(auditor)
    assert 'href="/audit/"' in client.get("/").content.decode()


def test_the_org_unit_tree_opens_a_town_and_searches_within_scope(
    client: Any, town_officer: Any, village: Any, other_village: Any
) -> None:
    client.force_login(town_officer)
    tree = client.get("/orgunits/").content.decode()
    assert "店子镇" in tree and "王庄村" in tree
    found = client.get("/orgunits/?q=庄").content.decode()
    assert "王庄村" in found and "张家洼村" not in found
    assert "No org unit" not in found
    empty = client.get("/orgunits/?q=nothing-like-this", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="empty"' in empty


def test_opening_a_unit_outside_the_scope_is_404(client: Any, town_officer: Any, other_village: Any) -> None:
    client.force_login(town_officer)
    assert client.get("/orgunits/370406102/children/").status_code == 404


def test_the_django_admin_is_for_district_admins_only(client: Any, district_admin: Any, town_officer: Any) -> None:
    client.force_login(district_admin)
    assert client.get("/admin/").status_code == 200
    client.force_login(town_officer)
    assert client.get("/admin/").status_code == 302  # sent to the admin login


def test_pages_load_nothing_from_outside(client: Any, village_worker: Any) -> None:
    client.force_login(village_worker)
    page = client.get("/").content.decode()
    assert "http://" not in page and "https://" not in page
    assert "/static/django_htmx/htmx" in page
