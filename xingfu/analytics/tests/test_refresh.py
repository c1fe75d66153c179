"""The refresh: set-based, rolled up by sums, atomic in what users see, following data changes."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xingfu.analytics.models import BatchStatus, DataValue, RefreshBatch
from xingfu.analytics.services import refresh as refresh_module
from xingfu.analytics.services.refresh import (
    current_batch,
    refresh_enqueue,
    refresh_if_stale,
    refresh_run,
    sources_signature,
)
from xingfu.analytics.sources import SOURCES
from xingfu.analytics.tests.factories import births, define, indicator, women
from xingfu.registry.models import Person

Y2025 = dt.date(2025, 1, 1)


def _values(batch: RefreshBatch, code: str, period_type: str, start: dt.date) -> dict[str, Any]:
    rows = DataValue.objects.filter(batch=batch, indicator__code=code, period_type=period_type, period_start=start)
    return {r.orgunit.code: r for r in rows.select_related("orgunit")}


def test_a_refresh_writes_villages_towns_and_the_district(
    village: Any, sibling_village: Any, other_village: Any, town: Any, other_town: Any, district: Any
) -> None:
    births(village, on=dt.date(2025, 3, 3), boys=2, girls=1)
    births(other_village, on=dt.date(2025, 7, 1), boys=1)
    indicator("births")
    batch = refresh_run()
    year = _values(batch, "births", "year", Y2025)
    assert {code: int(r.value) for code, r in year.items()} == {
        village.code: 3,
        town.code: 3,
        other_village.code: 1,
        other_town.code: 1,
        district.code: 4,
    }
    assert year[village.code].town_code == town.code and year[village.code].district_code == district.code
    month = _values(batch, "births", "month", dt.date(2025, 3, 1))
    assert int(month[village.code].value) == 3 and other_village.code not in month
    quarter = _values(batch, "births", "quarter", dt.date(2025, 7, 1))
    assert int(quarter[district.code].value) == 1


def test_a_town_adds_up_numerators_and_denominators_then_divides(village: Any, sibling_village: Any, town: Any) -> None:
    births(village, on=dt.date(2025, 5, 1), boys=1, girls=1)  # SRB 100
    births(sibling_village, on=dt.date(2025, 5, 1), boys=90, girls=10)  # SRB 900
    indicator("srb")
    batch = refresh_run()
    row = _values(batch, "srb", "year", Y2025)[town.code]
    assert (row.numerator, row.denominator) == (Decimal(91), Decimal(11))
    assert row.value == Decimal("827.2727")  # not (100 + 900) / 2


def test_a_zero_denominator_is_stored_as_no_value(village: Any, town: Any) -> None:
    births(village, on=dt.date(2025, 5, 1), boys=3)
    indicator("srb")
    row = _values(refresh_run(), "srb", "year", Y2025)[village.code]
    assert row.numerator == 3 and row.denominator == 0 and row.value is None


def test_each_indicator_and_period_type_is_one_statement(village: Any, other_village: Any) -> None:
    births(village, on=dt.date(2025, 5, 1), boys=3, girls=2)
    for code in ("births", "srb_order3plus", "registry_completeness"):
        indicator(code)
    with CaptureQueriesContext(connection) as ctx:
        refresh_run()
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT INTO")]
    # births: month, quarter, year; srb_order3plus: year; completeness: month, quarter, year — villages,
    # towns and the district each time in the same statement.
    assert len([q for q in inserts if "analytics_datavalue" in q]) == 7


def test_a_refresh_that_fails_half_way_leaves_the_previous_values(village: Any, monkeypatch: Any) -> None:
    births(village, on=dt.date(2025, 5, 1), boys=1, girls=1)
    indicator("births")
    indicator("srb")
    first = refresh_run()
    births(village, on=dt.date(2025, 6, 1), boys=5)
    real = refresh_module._execute
    calls = {"n": 0}

    def failing(sql: str, params: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(sql, params)

    monkeypatch.setattr(refresh_module, "_execute", failing)
    with pytest.raises(RuntimeError):
        refresh_run()
    failed = RefreshBatch.objects.order_by("-id").first()
    assert failed is not None and failed.status == BatchStatus.FAILED and "disk full" in failed.error
    assert not DataValue.objects.filter(batch=failed).exists()
    assert current_batch() == first
    assert int(_values(first, "births", "year", Y2025)[village.code].value) == 2


def test_a_source_whose_module_is_missing_is_not_available_rather_than_zero(village: Any, monkeypatch: Any) -> None:
    indicator("anc_early")
    monkeypatch.setattr(SOURCES["pregnancies"], "unavailable_reason", lambda: "The care module is not there yet.")
    batch = refresh_run()
    assert batch.indicators["anc_early"] == "The care module is not there yet."
    assert not DataValue.objects.filter(batch=batch, indicator__code="anc_early").exists()


def test_an_analytics_page_refreshes_after_the_data_changed(
    client: Any, district_admin: Any, village: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(refresh_module, "AUTO_REFRESH_EVERY", dt.timedelta(0))
    indicator("births")
    before = refresh_run()
    births(village, on=dt.date(2026, 2, 1), girls=2)
    client.force_login(district_admin)
    assert client.get("/analytics/").status_code == 200
    after = current_batch()
    assert after is not None and after.pk != before.pk and after.reason == "data changed"
    assert int(_values(after, "births", "year", dt.date(2026, 1, 1))[village.code].value) == 2


def test_nothing_is_recomputed_while_the_data_is_unchanged(village: Any) -> None:
    indicator("births")
    refresh_run()
    assert refresh_if_stale() is None


def test_a_refresh_records_the_source_signature_it_read(village: Any) -> None:
    indicator("births")
    batch = refresh_run()
    assert batch.source_signature == sources_signature()
    births(village, on=dt.date(2026, 2, 1), girls=1)
    assert sources_signature()["births"] != batch.source_signature["births"]


def test_a_refresh_on_demand_runs_as_a_task_immediately_by_default(district_admin: Any, village: Any) -> None:
    indicator("births")
    batch = refresh_enqueue(actor=district_admin, reason="on demand")
    assert batch.status == BatchStatus.DONE and batch.task_id
    assert batch.requested_by == district_admin


def test_only_the_current_and_previous_batches_keep_their_rows(village: Any) -> None:
    births(village, on=dt.date(2025, 5, 1), boys=1)
    indicator("births")
    batches = [refresh_run() for _ in range(3)]
    kept = set(DataValue.objects.values_list("batch_id", flat=True).distinct())
    assert kept == {batches[1].pk, batches[2].pk}


def test_the_refresh_command_says_what_it_computed(village: Any, capsys: Any, monkeypatch: Any) -> None:
    indicator("births")
    indicator("anc_early")
    monkeypatch.setattr(SOURCES["pregnancies"], "unavailable_reason", lambda: "care is not there yet")
    call_command("analytics_refresh")
    out = capsys.readouterr().out
    assert "1 indicators" in out and "not computed: anc_early: care is not there yet" in out
    call_command("analytics_refresh", "--if-changed")
    assert "unchanged" in capsys.readouterr().out


def test_the_population_counts_residents_by_age_on_the_last_day_of_each_year(village: Any) -> None:
    define(
        "women_35_64",
        numerator={
            "source": "population",
            "filters": [
                {"field": "sex", "op": "eq", "value": "F"},
                {"field": "age", "op": "gte", "value": 35},
                {"field": "age", "op": "lte", "value": 64},
            ],
        },
        period_types=["year"],
    )
    women(village, n=2, born=dt.date(1990, 12, 31))  # 35 on 2025-12-31, 34 a year before
    women(village, n=1, born=dt.date(1960, 1, 1))  # 65 during 2025
    Person.objects.create(
        name="已故",
        sex="F",
        birth_date=dt.date(1980, 1, 1),
        orgunit=village,
        status="dead",
        death_date=dt.date(2025, 3, 1),
    )
    Person.objects.create(name="迁出", sex="F", birth_date=dt.date(1980, 1, 1), orgunit=village, status="moved_out")
    survivor = Person.objects.create(name="重复", sex="F", birth_date=dt.date(1985, 1, 1), orgunit=village)
    # Registered twice and merged: counted once, on the surviving record.
    Person.objects.create(
        name="重复", sex="F", birth_date=dt.date(1985, 1, 1), orgunit=village, status="merged", merged_into=survivor
    )
    Person.objects.create(name="男", sex="M", birth_date=dt.date(1980, 1, 1), orgunit=village)
    batch = refresh_run()
    by_year = {
        r.period_start.year: int(r.numerator)
        for r in DataValue.objects.filter(batch=batch, orgunit=village, indicator__code="women_35_64")
    }
    assert by_year[2024] == 3  # the 1960 woman (64), the one who died in 2025 and the survivor
    assert by_year[2025] == 3  # the two born in 1990 and the survivor
    assert by_year[2026] == 3


def test_publicity_events_per_village_divide_by_every_village(village: Any, sibling_village: Any, town: Any) -> None:
    from xingfu.outreach.models import Campaign, Event

    campaign = Campaign.objects.create(
        theme="关爱女孩", orgunit=town, start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 31)
    )
    for day in (3, 10, 17):
        Event.objects.create(
            campaign=campaign,
            date=dt.date(2025, 3, day),
            village=village,
            kind="stall",
            channel="boards",
            people_reached=10,
        )
    indicator("outreach_events_per_village")
    batch = refresh_run()
    year = _values(batch, "outreach_events_per_village", "year", Y2025)
    assert year[village.code].value == 3 and year[sibling_village.code].value == 0
    assert year[town.code].value == Decimal("1.5")


def test_pages_wait_a_few_minutes_between_refreshes_and_say_the_data_changed(
    client: Any, district_admin: Any, village: Any
) -> None:
    indicator("births")
    before = refresh_run()
    births(village, on=dt.date(2026, 2, 1), girls=2)
    client.force_login(district_admin)
    page = client.get("/analytics/").content.decode()
    assert current_batch() == before
    assert "The data has changed since" in page
