"""Benefits test fixtures: English messages, uploads to a temporary MEDIA_ROOT, the demo programmes, and
hand-made families in 王庄村 (the village worker's village)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from xingfu.benefits.demo import demo_programmes
from xingfu.benefits.models import Programme


@pytest.fixture(autouse=True)
def in_english(settings: Any) -> Iterator[None]:
    """Messages are asserted in English (the msgids), so that filling in the Chinese catalogue breaks no test."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def programmes(district: Any) -> dict[str, Programme]:
    """The demo's programmes, by code."""
    demo_programmes()
    return {p.code: p for p in Programme.objects.all()}


@pytest.fixture
def api_for(api_for: Any) -> Any:
    """The project's ``api_for``, asking for English."""

    def make(user: Any) -> Any:
        client = api_for(user)
        client.credentials(HTTP_ACCEPT_LANGUAGE="en")
        return client

    return make
