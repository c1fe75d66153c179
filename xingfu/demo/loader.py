"""The synthetic demo district: villages, one login per role, and (as modules land) their demo data.

Everything is deterministic from the seed and safe to run again: what exists is kept, not duplicated.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from xingfu.accounts.roles import Role
from xingfu.accounts.services import user_create, user_set_password
from xingfu.demo.villages import village_names
from xingfu.orgunits.district import DISTRICT
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.orgunits.services import orgunit_create


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    scope_code: str
    full_name: str
    department: str = ""


DEMO_TOWN = "370406101"  # 店子镇
DEMO_VILLAGE = "370406101001"

DEMO_LOGINS = [
    DemoLogin("district_admin", Role.DISTRICT_ADMIN, DISTRICT[0], "区卫健局 管理员"),
    DemoLogin("town_officer", Role.TOWN_OFFICER, DEMO_TOWN, "店子镇 计生办"),
    DemoLogin("village_worker", Role.VILLAGE_WORKER, DEMO_VILLAGE, "村卫生员"),
    DemoLogin("department_liaison", Role.DEPARTMENT_LIAISON, DISTRICT[0], "区水务局 联络员", "区水务局"),
    DemoLogin("inspector", Role.INSPECTOR, DISTRICT[0], "卫生监督员"),
    DemoLogin("auditor", Role.AUDITOR, DISTRICT[0], "审计员"),
]


@transaction.atomic
def demo_villages(*, seed: int) -> int:
    """Create the 268 generated villages that do not exist yet; returns how many were created."""
    towns = {u.code: u for u in OrgUnit.objects.filter(level=Level.TOWN)}
    existing = set(OrgUnit.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    created = 0
    for code, name_zh, name_en in village_names(seed):
        if code in existing:
            continue
        orgunit_create(
            actor=None, code=code, name_zh=name_zh, name_en=name_en, level=Level.VILLAGE, parent=towns[code[:9]]
        )
        created += 1
    return created


@transaction.atomic
def demo_logins(*, password: str) -> list[DemoLogin]:
    """One login per role; an existing demo login gets the given password again."""
    User = get_user_model()
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user_create(
                actor=None,
                username=login.username,
                password=password,
                role=login.role,
                scope=OrgUnit.objects.get(code=login.scope_code),
                full_name=login.full_name,
                department=login.department,
            )
        elif not user.check_password(password):
            user_set_password(actor=None, user=user, password=password)
    return DEMO_LOGINS
