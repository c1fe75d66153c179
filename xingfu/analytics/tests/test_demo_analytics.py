"""The demo's indicators and scorecards: written once, refreshed, service targets only."""

import datetime as dt
from typing import Any

from xingfu.analytics.demo import INDICATORS, analytics_summary, demo_analytics
from xingfu.analytics.models import BatchStatus, DataValue, Indicator, RefreshBatch, Scorecard
from xingfu.analytics.services.scorecards import check_targetable
from xingfu.analytics.srb import SRB_CODES
from xingfu.analytics.tests.factories import births


def test_the_demo_defines_every_indicator_and_refreshes_once_per_run(district: Any, village: Any) -> None:
    births(village, on=dt.date(2025, 5, 1), boys=2, girls=1, order=3)
    first = demo_analytics(seed=2026)
    # The three per-department indicators wait for the benefits demo's departments.
    assert first["indicators"] == len(INDICATORS) - 3 and first["scorecards"] == 2
    assert first["computed"] + first["not_available"] == len(INDICATORS) - 3
    assert set(SRB_CODES.values()) <= set(Indicator.objects.values_list("code", flat=True))
    again = demo_analytics(seed=2026)
    assert again["indicators"] == 0 and again["scorecards"] == 0
    assert Indicator.objects.count() == len(INDICATORS) - 3 and Scorecard.objects.count() == 2
    assert RefreshBatch.objects.filter(status=BatchStatus.DONE).count() == 2
    assert DataValue.objects.filter(indicator__code="births", orgunit=village, period_type="year").exists()
    assert analytics_summary(again).startswith("analytics: 0 indicators and 0 scorecards created; refreshed ")


def test_the_demo_scorecards_hold_service_targets_only(district: Any) -> None:
    demo_analytics(seed=2026)
    for card in Scorecard.objects.all():
        for line in card.lines.select_related("indicator"):
            check_targetable(line.indicator)  # raises for a births or population target
    births_like = Indicator.objects.filter(code__in=["births", *SRB_CODES.values()])
    assert not births_like.filter(targetable=True).exists()


def test_department_indicators_are_defined_once_the_departments_exist(district: Any) -> None:
    from xingfu.benefits.models import Commitment

    demo_analytics(seed=2026)
    assert not Indicator.objects.filter(code="commitments_water").exists()
    Commitment.objects.create(department="区水务局", title="减免水表费", category="minor")
    Commitment.objects.create(department="区教育局", title="优先安排寄宿", category="minor")
    Commitment.objects.create(department="区民政局", title="临时救助优先", category="minor")
    assert demo_analytics(seed=2026)["indicators"] == 3
    water = Indicator.objects.get(code="commitments_water")
    assert water.targetable and water.numerator["filters"][0]["value"] == "区水务局"


def test_each_benefits_programme_gets_its_amount_and_recipients(district: Any) -> None:
    import datetime as dt

    from xingfu.benefits.models import Programme

    Programme.objects.create(
        code="only-daughter",
        name_zh="独女户奖励",
        name_en="Only-daughter households",
        unit="person",
        benefit_kind="cash_monthly",
        payee="person",
        starts_on=dt.date(2020, 1, 1),
    )
    demo_analytics(seed=2026)
    paid = Indicator.objects.get(code="paid_only-daughter")
    assert paid.numerator["filters"] == [{"field": "programme", "op": "eq", "value": "only-daughter"}]
    assert paid.unit == "yuan" and not paid.targetable
    assert Indicator.objects.filter(code="recipients_only-daughter").exists()
