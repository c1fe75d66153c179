"""The demo year of outreach: most villages reached but not all, staff trainings, and nothing duplicated."""

from typing import Any

from xingfu.demo.loader import demo_logins, demo_villages
from xingfu.outreach.demo import demo_outreach
from xingfu.outreach.models import Attendance, Campaign, Event, MediaPiece, Training
from xingfu.outreach.selectors import coverage_summary


def test_the_demo_reaches_most_villages_and_running_it_again_duplicates_nothing(district: Any) -> None:
    demo_villages(seed=2026)
    demo_logins(password="a-long-demo-password")
    first = demo_outreach(seed=2026)
    assert first["campaigns"] >= 30 and first["events"] > 268 and first["trainings"] > 30
    assert first["attendances"] > 0 and first["media_pieces"] > 0
    counts = [m.objects.count() for m in (Campaign, Event, Training, Attendance, MediaPiece)]

    again = demo_outreach(seed=2026)
    assert set(again.values()) == {0}
    assert [m.objects.count() for m in (Campaign, Event, Training, Attendance, MediaPiece)] == counts

    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="district_admin")
    year = Campaign.objects.order_by("start_date").first().start_date.year  # type: ignore[union-attr]
    summary = coverage_summary(admin, year=year)
    assert summary["villages"] == 268
    assert 0.8 * 268 < summary["reached"] < 268
    # The demo village worker has something to see in her own village.
    worker = get_user_model().objects.get(username="village_worker")
    assert Event.objects.filter(village=worker.scope).exists()
