"""Fixtures every test may use: the standing places and one user per role (see xingfu/core/testing.py)."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from xingfu.accounts.roles import Role
from xingfu.core.testing import ensure_district, ensure_village, make_user
from xingfu.orgunits.models import OrgUnit


@pytest.fixture
def district(db: Any) -> OrgUnit:
    return ensure_district()


@pytest.fixture
def town(district: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(code="370406101")  # 店子镇


@pytest.fixture
def other_town(district: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(code="370406102")  # 西集镇


@pytest.fixture
def village(town: OrgUnit) -> OrgUnit:
    return ensure_village("370406101001", "王庄村", "Wangzhuang Village")


@pytest.fixture
def sibling_village(town: OrgUnit) -> OrgUnit:
    return ensure_village("370406101002", "李家峪村", "Lijiayu Village")


@pytest.fixture
def other_village(other_town: OrgUnit) -> OrgUnit:
    return ensure_village("370406102001", "张家洼村", "Zhangjiawa Village")


@pytest.fixture
def district_admin(district: OrgUnit) -> Any:
    return make_user(Role.DISTRICT_ADMIN, district, "admin")


@pytest.fixture
def town_officer(town: OrgUnit) -> Any:
    return make_user(Role.TOWN_OFFICER, town, "officer")


@pytest.fixture
def other_town_officer(other_town: OrgUnit) -> Any:
    return make_user(Role.TOWN_OFFICER, other_town, "outsider")


@pytest.fixture
def village_worker(village: OrgUnit) -> Any:
    return make_user(Role.VILLAGE_WORKER, village, "worker")


@pytest.fixture
def department_liaison(district: OrgUnit) -> Any:
    return make_user(Role.DEPARTMENT_LIAISON, district, "liaison", department="区水务局")


@pytest.fixture
def inspector(district: OrgUnit) -> Any:
    return make_user(Role.INSPECTOR, district, "inspector")


@pytest.fixture
def auditor(district: OrgUnit) -> Any:
    return make_user(Role.AUDITOR, district, "auditor")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_for() -> Any:
    """``api_for(user)`` gives an API client authenticated as ``user``."""
    return api_as
