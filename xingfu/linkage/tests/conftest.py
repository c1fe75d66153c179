from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from xingfu.linkage.tests import factories
from xingfu.orgunits.models import OrgUnit


@pytest.fixture
def town_registry(district_admin: Any, village: OrgUnit, sibling_village: OrgUnit) -> factories.Registry:
    """About 150 generated persons in the town's two villages: couples with a child or two."""
    return factories.registry(district_admin, [village, sibling_village], couples=25, seed=1)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield
