from io import StringIO
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command

from xingfu.audit.verify import audit_chain_verify
from xingfu.orgunits.models import OrgUnit


def _demo(**kwargs: Any) -> str:
    out = StringIO()
    # A small registry: these tests are about villages, logins and idempotence, not the registry's size.
    kwargs.setdefault("persons", 1500)
    call_command("demo", stdout=out, **kwargs)
    return out.getvalue()


def test_demo_builds_268_villages_under_the_ten_towns_and_one_login_per_role(district: Any) -> None:
    output = _demo()
    villages = OrgUnit.objects.filter(level="village")
    assert villages.count() == 268
    for v in villages:
        assert (
            v.parent is not None and len(v.code) == 12 and v.code.startswith(v.parent.code) and v.parent.level == "town"
        )
    assert set(villages.values_list("parent__code", flat=True)) == set(
        OrgUnit.objects.filter(level="town").values_list("code", flat=True)
    )
    assert get_user_model().objects.count() == 6
    for username in ["district_admin", "town_officer", "village_worker", "department_liaison", "inspector", "auditor"]:
        assert username in output
    assert "xingfu-demo-2026" in output


def test_running_the_demo_twice_duplicates_nothing(district: Any) -> None:
    _demo()
    units, users = OrgUnit.objects.count(), get_user_model().objects.count()
    second = _demo()
    assert (OrgUnit.objects.count(), get_user_model().objects.count()) == (units, users)
    assert "0 created" in second
    assert audit_chain_verify().ok


def test_demo_password_comes_from_the_environment(district: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("XINGFU_DEMO_PASSWORD", "another-long-password")
    _demo()
    user = get_user_model().objects.get(username="village_worker")
    assert user.check_password("another-long-password")
    assert user.scope is not None and user.scope.level == "village"


def test_demo_is_the_same_for_the_same_seed(district: Any) -> None:
    from xingfu.demo.villages import village_names

    assert village_names(7) == village_names(7)
    assert village_names(7) != village_names(8)
    assert len({name for _, name, _ in village_names(7)}) == 268
