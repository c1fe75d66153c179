import datetime as dt

import pytest

from xingfu.core.periods import Period, PeriodType


@pytest.mark.parametrize(
    "code,start,end",
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("202402", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ],
)
def test_period_codes_parse_to_their_dates_and_back(code: str, start: dt.date, end: dt.date) -> None:
    period = Period.parse(code)
    assert (period.start, period.end, period.code) == (start, end, code)


def test_a_malformed_period_is_refused_with_the_expected_forms() -> None:
    with pytest.raises(ValueError, match="2025Q3"):
        Period.parse("2025-13")


def test_next_and_months() -> None:
    assert Period.parse("202512").next().code == "202601"
    assert Period.parse("2025Q4").next().code == "2026Q1"
    assert Period.parse("2025").months == 12
    assert Period.containing(dt.date(2025, 8, 9), PeriodType.QUARTER).code == "2025Q3"
