"""Outreach test fixtures: English messages, uploads to a temporary MEDIA_ROOT, a town campaign in March 2025."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from xingfu.outreach.models import Campaign
from xingfu.outreach.tests.factories import make_campaign


@pytest.fixture(autouse=True)
def in_english(settings: Any) -> Any:
    """Messages are asserted in English (the msgids), so that filling in the Chinese catalogue breaks no test."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def campaign(town: Any, town_officer: Any) -> Campaign:
    """店子镇's "Caring for girls" month, March 2025."""
    return make_campaign(town_officer, town, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
