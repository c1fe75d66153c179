"""Village screening campaigns: invitation list from the registry, check-in by resident ID, results, coverage."""

import datetime
from typing import Any

import pytest

from xingfu.care import services
from xingfu.care.models import Invitation, InvitationStatus, ScreeningCampaign
from xingfu.care.selectors import screening_coverage
from xingfu.care.tests import factories
from xingfu.core.errors import Conflict, NotFound, ValidationFailed
from xingfu.registry.models import Person
from xingfu.registry.services import death_record


def _born(today: datetime.date, age: int) -> datetime.date:
    return today.replace(year=today.year - age) - datetime.timedelta(days=10)


@pytest.fixture
def villagers(
    village_worker: Any, village: Any, sibling_village: Any, town_officer: Any, today: datetime.date
) -> dict[str, Person]:
    """Hand-made residents: who is and who is not on the list, and why."""
    r = factories.resident
    people = {
        "due_40": r(village_worker, village, "王芳", birth_date=_born(today, 40)),
        "due_64": r(village_worker, village, "李秀英", birth_date=_born(today, 64)),
        "too_young_34": r(village_worker, village, "赵婷", birth_date=_born(today, 34)),
        "too_old_65": r(village_worker, village, "孙桂兰", birth_date=_born(today, 65)),
        "man_50": r(village_worker, village, "王建军", sex="M", birth_date=_born(today, 50)),
        "dead_50": r(village_worker, village, "刘凤", birth_date=_born(today, 50)),
        "screened_recently_45": r(village_worker, village, "陈霞", birth_date=_born(today, 45)),
        "other_village_45": r(town_officer, sibling_village, "杨梅", birth_date=_born(today, 45)),
    }
    death_record(actor=village_worker, person=people["dead_50"], date=today - datetime.timedelta(days=30))
    # 陈霞 was screened in a campaign a year ago.
    old = ScreeningCampaign.objects.create(
        programme_id=_programme_id(), village=village, name="2025", starts_on=today - datetime.timedelta(days=380),
        ends_on=today - datetime.timedelta(days=370),
    )  # fmt: skip
    Invitation.objects.create(
        campaign=old,
        person=people["screened_recently_45"],
        status=InvitationStatus.ATTENDED,
        attended_on=today - datetime.timedelta(days=375),
    )
    return people


def _programme_id() -> int:
    from xingfu.care.models import Programme

    return Programme.objects.get(kind="screening").pk


@pytest.fixture
def campaign(village_worker: Any, village: Any, today: datetime.date) -> ScreeningCampaign:
    return services.campaign_plan(
        actor=village_worker,
        village=village,
        name="2026年两癌筛查",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
        place="村卫生室",
    )


def test_the_invitation_list_holds_the_women_35_to_64_not_screened_in_three_years(
    village_worker: Any, campaign: ScreeningCampaign, villagers: dict[str, Person]
) -> None:
    assert services.invitations_generate(actor=village_worker, campaign=campaign) == 2
    invited = set(campaign.invitations.values_list("person__name", flat=True))
    assert invited == {villagers["due_40"].name, villagers["due_64"].name}
    # Generating again adds nobody twice.
    assert services.invitations_generate(actor=village_worker, campaign=campaign) == 0


def test_a_woman_is_checked_in_by_her_resident_id_number(
    village_worker: Any, campaign: ScreeningCampaign, villagers: dict[str, Person], today: datetime.date
) -> None:
    services.invitations_generate(actor=village_worker, campaign=campaign)
    number = villagers["due_40"].id_number
    assert number
    spaced = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    invitation = services.screening_checkin(actor=village_worker, campaign=campaign, id_number=spaced)
    assert (invitation.status, invitation.attended_on, invitation.walk_in) == ("attended", today, False)
    with pytest.raises(Conflict, match="already checked in"):
        services.screening_checkin(actor=village_worker, campaign=campaign, id_number=number)


def test_a_covered_woman_not_on_the_list_is_checked_in_as_a_walk_in(
    village_worker: Any, campaign: ScreeningCampaign, villagers: dict[str, Person]
) -> None:
    services.invitations_generate(actor=village_worker, campaign=campaign)
    woman = villagers["screened_recently_45"]
    assert woman.id_number
    invitation = services.screening_checkin(actor=village_worker, campaign=campaign, id_number=woman.id_number)
    assert invitation.walk_in


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("too_young_34", ValidationFailed, "not covered"),
        ("man_50", ValidationFailed, "not covered"),
        ("other_village_45", NotFound, "No resident of"),
    ],
)
def test_check_in_refuses_who_the_campaign_does_not_cover(
    village_worker: Any, campaign: ScreeningCampaign, villagers: dict[str, Person], who: str, error: Any, message: str
) -> None:
    number = villagers[who].id_number
    assert number
    with pytest.raises(error, match=message):
        services.screening_checkin(actor=village_worker, campaign=campaign, id_number=number)
    assert not campaign.invitations.filter(status="attended").exists()


def test_a_malformed_id_number_is_refused(village_worker: Any, campaign: ScreeningCampaign) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.screening_checkin(actor=village_worker, campaign=campaign, id_number="12345")
    assert error.value.field == "id_number"


def test_an_abnormal_result_needs_a_referral_and_coverage_counts_the_screened(
    village_worker: Any, campaign: ScreeningCampaign, villagers: dict[str, Person], today: datetime.date
) -> None:
    services.invitations_generate(actor=village_worker, campaign=campaign)
    number = villagers["due_40"].id_number
    assert number
    invitation = services.screening_checkin(actor=village_worker, campaign=campaign, id_number=number)
    with pytest.raises(ValidationFailed, match="needs the referral"):
        services.screening_result_record(
            actor=village_worker, invitation=invitation, cervical="abnormal", breast="birads_1_2"
        )
    services.screening_result_record(
        actor=village_worker,
        invitation=invitation,
        cervical="abnormal",
        breast="birads_1_2",
        referral_to="区妇幼 阴道镜",
    )
    (row,) = screening_coverage(village_worker, on=today)
    # Covered: 王芳, 李秀英, 陈霞 (the dead, the man, the too young and too old are not); screened: 王芳 and 陈霞.
    assert (row.eligible, row.screened, row.referred, row.coverage) == (3, 2, 1, 66.7)


def test_a_campaign_cannot_end_before_it_starts(village_worker: Any, village: Any, today: datetime.date) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.campaign_plan(
            actor=village_worker, village=village, name="x", starts_on=today, ends_on=today - datetime.timedelta(days=1)
        )
    assert error.value.field == "ends_on"
