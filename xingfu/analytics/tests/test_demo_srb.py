"""The demo district's sex ratio at birth, as the page reads it: at third and later births exactly the two towns
the generator makes markedly higher (城头镇, 冯卯镇: SRB 150) are alerted, the eight ordinary towns (105, normal)
are not, and neither is any village of those eight, however wild small numbers make it look.

Births are pooled 1980–2026, the whole span of the series: from 2014 alone a demo of this size has too few third
births in a town (under the alert's floor of 100) for a ratio of 150 to be credible. 150,000 persons give each
high town about 450–500 third births; on town sizes like these both are found in about 93 % of simulated
districts (300,000 persons: all). An ordinary town is alerted by chance now and then (the alert is a 95 % rule
per town; at 106 about 5 % of the time, less at 105), so some seeds would show a third town; this seed shows
none. A change to the generator that moves an ordinary town over the line is worth a look, but is not
necessarily a bug.
"""

from typing import Any

import pytest

from xingfu.analytics import srb
from xingfu.analytics.services.refresh import refresh_run
from xingfu.analytics.tests.factories import indicator
from xingfu.demo.loader import demo_villages
from xingfu.registry.demo import HIGH_SRB_TOWNS, demo_registry

PERSONS = 150_000
SEED = 2026


@pytest.fixture
def demo_district(district: Any) -> None:
    demo_villages(seed=SEED)
    demo_registry(seed=SEED, persons=PERSONS)
    for code in srb.SRB_CODES.values():
        indicator(code)
    refresh_run()


def _window(level: str) -> srb.SrbWindow:
    return srb.parse_window(order="3", year_from="1980", year_to="", level=level)


def test_the_demo_alerts_exactly_the_two_high_towns_at_third_births_and_no_noisy_village(
    district_admin: Any, demo_district: None
) -> None:
    towns = srb.srb_table(district_admin, _window("town"))
    assert len(towns.rows) == 10
    assert {r.unit.code for r in towns.alerts} == HIGH_SRB_TOWNS
    assert all(r.births >= 400 for r in towns.alerts)  # each alert rests on the town's own births

    villages = srb.srb_table(district_admin, _window("village"))
    ordinary = [r for r in villages.rows if r.unit.code[:9] not in HIGH_SRB_TOWNS]
    # Small numbers do look alarming in some ordinary villages ...
    assert any(r.observed is not None and r.observed > 150 for r in ordinary)
    # ... and none of them is alerted.
    assert [r.unit.code for r in ordinary if r.alert] == []
