"""Analytics test fixtures: English messages (the msgids), a fixed "today" so periods do not move under the
tests, and the refresh run inline."""

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def in_english(settings: Any) -> Any:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: Any) -> dt.date:
    """2026-06-15: the current period is 202606 / 2026Q2 / 2026."""
    from xingfu.analytics.services import refresh

    monkeypatch.setattr(refresh, "today", lambda: TODAY)
    for module in ("xingfu.analytics.selectors", "xingfu.analytics.srb", "xingfu.analytics.views"):
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()
