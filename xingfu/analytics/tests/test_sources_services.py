"""The sources over care, benefits and outreach count what their definitions say (read-only from those apps)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xingfu.analytics.models import DataValue, RefreshBatch
from xingfu.analytics.services import refresh as refresh_module
from xingfu.analytics.services.refresh import refresh_run
from xingfu.analytics.tests.factories import indicator, mother

D = dt.timedelta


def _year(batch: RefreshBatch, code: str, unit: Any, year: int) -> DataValue:
    return DataValue.objects.get(
        batch=batch, indicator__code=code, orgunit=unit, period_type="year", period_start=dt.date(year, 1, 1)
    )


def _pregnancy(village: Any, *, lmp: dt.date, ended: dt.date, visits: list[dt.date]) -> Any:
    from xingfu.care.models import Enrollment, Programme, Visit

    woman = mother(village)
    enrolment = Enrollment.objects.create(
        programme=Programme.objects.get(kind="maternal", active=True),
        person=woman,
        orgunit=village,
        enrolled_on=lmp + D(days=50),
        lmp=lmp,
        outcome="live_birth",
        outcome_on=ended,
    )
    for day in visits:
        Visit.objects.create(enrollment=enrolment, date=day)
    return enrolment


def test_antenatal_and_postnatal_coverage_follow_the_national_schedule(village: Any) -> None:
    from xingfu.care.standard import care_standard_install

    care_standard_install()
    lmp = dt.date(2024, 6, 1)
    ended = lmp + D(days=280)
    # First visit on day 90 (12 weeks 6 days): early; five antenatal contacts; a postnatal visit.
    _pregnancy(
        village, lmp=lmp, ended=ended, visits=[lmp + D(days=d) for d in (90, 120, 160, 220, 270)] + [ended + D(days=5)]
    )
    # First visit on day 91 (13 weeks): not early; two contacts; no postnatal visit.
    _pregnancy(village, lmp=lmp, ended=ended, visits=[lmp + D(days=91), lmp + D(days=200)])
    for code in ("anc_early", "anc_5_visits", "pnc_coverage", "prepregnancy_coverage"):
        indicator(code)
    batch = refresh_run()
    for code, expected in (("anc_early", 1), ("anc_5_visits", 1), ("pnc_coverage", 1), ("prepregnancy_coverage", 0)):
        row = _year(batch, code, village, 2025)
        assert (row.numerator, row.denominator) == (expected, 2), code
    assert _year(batch, "anc_early", village, 2025).value == Decimal("50.0000")


def test_a_woman_screened_twice_in_a_year_counts_once(village: Any, town: Any) -> None:
    from xingfu.care.models import Invitation, Programme, ScreeningCampaign
    from xingfu.care.standard import care_standard_install

    care_standard_install()
    programme = Programme.objects.get(kind="screening", active=True)
    woman = mother(village, born=dt.date(1980, 5, 5))
    for month in (3, 9):
        campaign = ScreeningCampaign.objects.create(
            programme=programme,
            village=village,
            name=f"两癌筛查{month}",
            starts_on=dt.date(2025, month, 1),
            ends_on=dt.date(2025, month, 5),
        )
        Invitation.objects.create(
            campaign=campaign, person=woman, status="attended", attended_on=dt.date(2025, month, 2)
        )
    mother(village, born=dt.date(1975, 1, 1))  # a second woman of 35–64, not screened
    indicator("screening_coverage")
    row = _year(refresh_run(), "screening_coverage", village, 2025)
    assert (row.numerator, row.denominator, row.value) == (1, 2, Decimal("50.0000"))


def test_benefits_paid_net_of_reversals_and_recipients_counted_once(village: Any, monkeypatch: Any) -> None:
    from xingfu.benefits.models import LedgerEntry, Programme

    monkeypatch.setattr(refresh_module, "today", timezone.localdate)  # the ledger is stamped with today
    programme = Programme.objects.create(
        code="only-daughter",
        name_zh="独女户奖励",
        unit="person",
        benefit_kind="cash_monthly",
        payee="person",
        starts_on=dt.date(2020, 1, 1),
    )
    a, b = mother(village), mother(village)
    for period in ("202601", "202602"):
        LedgerEntry.objects.create(
            programme=programme, period=period, person=a, orgunit=village, kind="payment", amount=Decimal("50.00")
        )
    paid = LedgerEntry.objects.create(
        programme=programme, period="202601", person=b, orgunit=village, kind="payment", amount=Decimal("50.00")
    )
    LedgerEntry.objects.create(
        programme=programme,
        period="202601",
        person=b,
        orgunit=village,
        kind="reversal",
        amount=Decimal("-50.00"),
        reverses=paid,
    )
    indicator("benefit_amount")
    indicator("benefit_recipients")
    batch = refresh_run()
    year = timezone.localdate().year
    assert _year(batch, "benefit_amount", village, year).value == Decimal("100.0000")
    assert _year(batch, "benefit_recipients", village, year).value == 1  # b's only payment was reversed
