"""Standing places and users for tests (healthchecks/Zulip style), used through the fixtures in conftest.py.

Places: the district; 店子镇 (``town``) with villages ``village`` and ``sibling_village``; 西集镇
(``other_town``) with ``other_village``. Users: one per role, scoped where that role usually works.
"""

from typing import Any

from django.contrib.auth import get_user_model

from xingfu.accounts.roles import Role
from xingfu.orgunits.district import DISTRICT, TOWNS
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.orgunits.services import orgunit_create

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - a test password


def ensure_district() -> OrgUnit:
    """The district and its towns as the migration loads them (flushing tests may have removed them)."""
    code, zh, en = DISTRICT
    district, _ = OrgUnit.objects.get_or_create(
        code=code, defaults={"name_zh": zh, "name_en": en, "level": Level.DISTRICT, "path": f"/{code}/"}
    )
    for tcode, tzh, ten in TOWNS:
        OrgUnit.objects.get_or_create(
            code=tcode,
            defaults={
                "name_zh": tzh,
                "name_en": ten,
                "level": Level.TOWN,
                "parent": district,
                "path": f"{district.path}{tcode}/",
            },
        )
    return district


def ensure_village(code: str, name_zh: str, name_en: str = "") -> OrgUnit:
    existing = OrgUnit.objects.filter(code=code).first()
    if existing:
        return existing
    return orgunit_create(
        actor=None,
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        level=Level.VILLAGE,
        parent=OrgUnit.objects.get(code=code[:9]),
    )


def make_user(role: Role | str, scope: OrgUnit | None, username: str | None = None, **extra: Any) -> Any:
    User = get_user_model()
    username = username or f"{Role(role).value}_{scope.code if scope else 'noscope'}"
    user = User(username=username, role=Role(role), scope=scope, is_staff=(role == Role.DISTRICT_ADMIN), **extra)
    user.set_password(TEST_PASSWORD)
    user.save()
    return user
