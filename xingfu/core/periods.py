"""Periods (month, year): one small type used everywhere a figure belongs to a stretch of time."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class PeriodType(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_PATTERNS = {
    PeriodType.YEAR: re.compile(r"^(\d{4})$"),
    PeriodType.QUARTER: re.compile(r"^(\d{4})Q([1-4])$"),
    PeriodType.MONTH: re.compile(r"^(\d{4})(0[1-9]|1[0-2])$"),
}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period identified as DHIS2 does: ``2025`` (year), ``2025Q3`` (quarter), ``202507`` (month)."""

    start: dt.date
    end: dt.date  # inclusive
    type: PeriodType

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip().upper()
        for ptype, pattern in _PATTERNS.items():
            m = pattern.match(text)
            if not m:
                continue
            year = int(m.group(1))
            if ptype is PeriodType.YEAR:
                return cls.year(year)
            if ptype is PeriodType.QUARTER:
                return cls.quarter(year, int(m.group(2)))
            return cls.month(year, int(m.group(2)))
        raise ValueError(f"not a period: {text!r} (expected 2025, 2025Q3 or 202507)")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), PeriodType.YEAR)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        last_day = calendar.monthrange(year, last_month)[1]
        return cls(dt.date(year, first_month, 1), dt.date(year, last_month, last_day), PeriodType.QUARTER)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last_day = calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last_day), PeriodType.MONTH)

    @classmethod
    def containing(cls, day: dt.date, ptype: PeriodType) -> Period:
        if ptype is PeriodType.YEAR:
            return cls.year(day.year)
        if ptype is PeriodType.QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        return cls.month(day.year, day.month)

    @property
    def code(self) -> str:
        if self.type is PeriodType.YEAR:
            return f"{self.start.year}"
        if self.type is PeriodType.QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}{self.start.month:02d}"

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def next(self) -> Period:
        return Period.containing(self.end + dt.timedelta(days=1), self.type)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.code
