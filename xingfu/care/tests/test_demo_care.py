"""The care demo over a small demo registry."""

from typing import Any

from xingfu.audit.verify import audit_chain_verify
from xingfu.care.demo import DEMO_VILLAGE, care_summary, demo_care
from xingfu.care.models import CheckResult, DueVisit, Enrollment, ScreeningCampaign, Visit


def test_with_an_empty_registry_nothing_is_created_and_it_says_so(district: Any) -> None:
    result = demo_care(seed=1)
    assert not result["created"] and not Enrollment.objects.exists()
    assert "no persons" in care_summary(result)


def test_the_demo_fills_care_once_from_the_registry(district: Any) -> None:
    from xingfu.demo.loader import demo_logins, demo_villages
    from xingfu.registry.demo import demo_registry

    demo_villages(seed=2026)
    demo_logins(password="a-long-demo-password")
    demo_registry(seed=2026, persons=3000)
    result = demo_care(seed=2026)
    assert result["created"] and result["enrollments"] > 0
    assert Visit.objects.exists() and CheckResult.objects.exists()
    assert DueVisit.objects.filter(status="due").exists()
    assert ScreeningCampaign.objects.filter(village__code=DEMO_VILLAGE).exists()
    worker_people = Enrollment.objects.filter(responsible__username="village_worker")
    assert not worker_people.exclude(orgunit__code=DEMO_VILLAGE).exists()
    again = demo_care(seed=2026)
    assert not again["created"] and Enrollment.objects.count() == result["enrollments"]
    assert audit_chain_verify().ok
