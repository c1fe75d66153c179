from io import StringIO
from typing import Any

from django.core.management import call_command

from xingfu.audit.verify import audit_chain_verify
from xingfu.demo.loader import demo_logins, demo_villages
from xingfu.oversight.demo import demo_oversight
from xingfu.oversight.models import Case, Facility, Inspection, TipOff, UltrasoundDevice


def test_the_demo_fills_the_register_once_and_running_it_again_adds_nothing(district: Any) -> None:
    demo_villages(seed=2026)
    demo_logins(password="a-long-demo-password")
    first = demo_oversight(seed=2026)
    assert first["created"] == 1
    assert 55 <= first["facilities"] <= 65 and first["devices"] == 40
    assert 3 <= first["flagged"] < 40
    assert first["done"] > 0 and first["tipoffs"] >= 5 and first["cases"] >= 3
    assert Facility.objects.values("orgunit__level").distinct().count() >= 2
    counts = (
        Facility.objects.count(),
        UltrasoundDevice.objects.count(),
        Inspection.objects.count(),
        TipOff.objects.count(),
        Case.objects.count(),
    )
    second = demo_oversight(seed=2026)
    assert second["created"] == 0 and {k: v for k, v in second.items() if k != "created"} == {
        k: v for k, v in first.items() if k != "created"
    }
    assert counts == (
        Facility.objects.count(),
        UltrasoundDevice.objects.count(),
        Inspection.objects.count(),
        TipOff.objects.count(),
        Case.objects.count(),
    )
    assert audit_chain_verify().ok


def test_the_demo_command_prints_a_line_about_oversight(district: Any) -> None:
    out = StringIO()
    call_command("demo", stdout=out, persons=100)
    assert "oversight:" in out.getvalue()
