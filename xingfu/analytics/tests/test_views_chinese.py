"""Chinese is the default language: the analytics pages speak a health commission's words (出生人口性别比, 孩次,
经验贝叶斯估计, 置信区间, 统计周期)."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from xingfu.analytics.services.refresh import refresh_run
from xingfu.analytics.srb import SRB_CODES
from xingfu.analytics.tests.factories import births, indicator


def client_for(user: Any, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def figures(village: Any, other_village: Any) -> None:
    births(village, on=dt.date(2025, 3, 1), boys=14, girls=12, order=1)
    births(other_village, on=dt.date(2025, 4, 1), boys=9, girls=7, order=3)
    for code in ("births", *SRB_CODES.values()):
        indicator(code)
    refresh_run()


def test_the_sex_ratio_page_is_in_chinese(district_admin: Any, figures: None) -> None:
    page = client_for(district_admin).get("/analytics/sex-ratio/").content.decode()
    assert '<html lang="zh-hans">' in page
    for label in (
        "出生人口性别比",
        "孩次",
        "三孩及以上",
        "观测性别比",
        "95%置信区间（Wilson 法）",
        "经验贝叶斯估计",
        "95%可信区间",
        "P(高于全区其余地区)",
        "计算方法",
        "借力估计（经验贝叶斯）",
        "数据截至",
    ):
        assert label in page, label
    for english in ("Sex ratio at birth", "Observed SRB", "Birth order", "Method", "empirical Bayes"):
        assert english not in page, english


def test_the_indicator_explorer_is_in_chinese(town_officer: Any, figures: None) -> None:
    url = "/analytics/explore/?indicator=births&period_type=year&period_from=2024&period_to=2025"
    page = client_for(town_officer).get(url).content.decode()
    for label in ("指标查询", "统计周期", "仅本单位", "图表", "下载 XLSX", "出生数", "王庄村"):
        assert label in page, label
    for english in ("Indicator explorer", "Period type", "Download XLSX", "Live births", "this unit only"):
        assert english not in page, english


def test_english_is_still_complete_for_those_who_choose_it(district_admin: Any, figures: None) -> None:
    page = client_for(district_admin, "en").get("/analytics/sex-ratio/").content.decode()
    assert "Sex ratio at birth" in page and "Estimate (empirical Bayes)" in page and "出生人口性别比" not in page
