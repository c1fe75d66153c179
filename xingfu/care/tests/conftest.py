import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from xingfu.care.standard import care_standard_install
from xingfu.care.tests import factories
from xingfu.registry.models import Person


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def programmes(db: Any) -> None:
    care_standard_install()


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def woman(village_worker: Any, village: Any) -> Person:
    """李娜, 31, of 王庄村 (the village worker's village)."""
    return factories.resident(village_worker, village, "李娜", birth_date=datetime.date(1995, 4, 12))


@pytest.fixture
def partner(village_worker: Any, village: Any, woman: Person) -> Person:
    home = woman.memberships.get().household
    return factories.resident(
        village_worker, village, "王强", sex="M", birth_date=datetime.date(1993, 2, 1), home=home, relation="spouse"
    )


@pytest.fixture
def api_for(api_for: Any) -> Any:
    def make(user: Any) -> Any:
        client = api_for(user)
        client.credentials(HTTP_ACCEPT_LANGUAGE="en")
        return client

    return make
