from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from xingfu.registry.models import Household, Person
from xingfu.registry.tests import factories


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English; pages that show Chinese by default say so in their tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def home(village_worker: Any, village: Any) -> Household:
    """A rural household in 王庄村 (the village worker's village)."""
    return factories.household(village_worker, village, "WZ-001")


@pytest.fixture
def family(village_worker: Any, home: Household) -> tuple[Person, Person]:
    """王强 and 李娜, the couple heading ``home``."""
    return factories.couple(village_worker, home)


@pytest.fixture
def api_for(api_for: Any) -> Any:
    """The project's ``api_for``, asking for English (the API answers in the request's language)."""

    def make(user: Any) -> Any:
        client = api_for(user)
        client.credentials(HTTP_ACCEPT_LANGUAGE="en")
        return client

    return make
