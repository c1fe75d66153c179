"""Chinese is the default language: the benefits pages speak the office's words (扶助项目, 发放批次, 复核)."""

from typing import Any

from django.test import Client

from xingfu.benefits.services.cycles import cycle_prepare
from xingfu.benefits.tests.factories import D, family


def client_for(user: Any, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_programme_list_is_in_chinese(programmes: Any, town_officer: Any) -> None:
    page = client_for(town_officer).get("/benefits/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "计划生育家庭奖励扶助" in page and "编制发放批次" in page
    for label in ("扶助项目", "级别", "待遇类型", "收款人", "实施日期", "发放批次", "台账", "部门承诺"):
        assert label in page, label
    # The programmes by their Chinese names, their kind and level in Chinese.
    assert "终生一女孩奖励" in page and "现金，按月发放" in page and "区级项目" in page
    assert "Benefits for family-planning families" not in page and "Cash, monthly" not in page


def test_a_cycle_page_awaiting_approval_is_in_chinese(
    programmes: Any, district_admin: Any, town_officer: Any, village: Any
) -> None:
    family(district_admin, village, [("F", D(2005, 3, 1))])
    cycle = cycle_prepare(actor=town_officer, programme=programmes["only-daughter"], period="202610", scope=village)
    page = client_for(district_admin).get(f"/benefits/cycles/{cycle.pk}/").content.decode()
    assert "终生一女孩奖励 · 202610" in page
    for label in (
        "已编制，待复核",
        "发放明细 1 笔，合计 50.00 元",
        "编制人",
        "复核通过",
        "享受对象",
        "发放期",
        "待发放",
    ):
        assert label in page, label
    assert "Prepared, awaiting approval" not in page and "Entitlements" not in page
    # The maker sees why she cannot approve, in Chinese too.
    own = client_for(town_officer).get(f"/benefits/cycles/{cycle.pk}/").content.decode()
    assert "该批次由您编制，须由其他人员复核。" in own


def test_english_is_still_complete_for_those_who_choose_it(programmes: Any, town_officer: Any) -> None:
    page = client_for(town_officer, "en").get("/benefits/").content.decode()
    assert "Benefits for family-planning families" in page and "Only-daughter reward" in page
