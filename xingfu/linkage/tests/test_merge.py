"""Finding persons registered twice, and merging them: one survivor, the other kept and pointing at it."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from xingfu.audit.models import AuditEvent
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.linkage import services
from xingfu.linkage.models import Candidate, LinkRunStatus, PersonMerge, Proposal
from xingfu.linkage.tests import factories
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import EventKind, LifeEvent, Membership, Person, PersonStatus
from xingfu.registry.services import birth_record, household_register, person_add


def _household(actor: Any, village: OrgUnit, number: str) -> Any:
    return household_register(
        actor=actor, village=village, number=number, residence="rural", registered_on=datetime.date(2010, 1, 1)
    )


@pytest.fixture
def twice(district_admin: Any, village: OrgUnit, sibling_village: OrgUnit) -> tuple[Person, Person]:
    """刘秀英, registered with her number in one household and again, without it, in another village, where a
    child of hers was recorded against the second record."""
    born = datetime.date(1990, 3, 15)
    first = person_add(
        actor=district_admin, household=_household(district_admin, village, "M1"), name="刘秀英", sex="F",
        birth_date=born, relation="head", id_number=factories.id_number(born, "F", 7), start_date=born,
    )  # fmt: skip
    second = person_add(
        actor=district_admin, household=_household(district_admin, sibling_village, "M2"), name="刘秀英", sex="F",
        birth_date=born, relation="head", start_date=datetime.date(2015, 1, 1),
    )  # fmt: skip
    birth_record(actor=district_admin, mother=second, date=datetime.date(2020, 7, 1), sex="M", name="王小明")
    return first, second


def test_a_merge_moves_memberships_and_events_and_keeps_the_other_record_pointing_at_the_survivor(
    town_officer: Any, twice: tuple[Person, Person]
) -> None:
    survivor, merged = twice
    merged_memberships = list(Membership.objects.filter(person=merged).values_list("pk", flat=True))
    child_birth = LifeEvent.objects.get(kind=EventKind.BIRTH, mother=merged)

    merge = services.person_merge(actor=town_officer, survivor=survivor, merged=merged, reason="registered twice")

    assert merge.survivor == survivor and merge.merged == merged
    assert Person.objects.filter(pk=merged.pk).exists()
    assert not Membership.objects.filter(person=merged).exists()
    moved = Membership.objects.filter(pk__in=merged_memberships)
    assert {m.person_id for m in moved} == {survivor.pk}
    # The survivor keeps her own household; the other record's membership ends on the day of the merge.
    assert moved.get().end_date == timezone.localdate()
    assert Membership.objects.get(person=survivor, end_date__isnull=True).household.number == "M1"
    child_birth.refresh_from_db()
    assert child_birth.mother == survivor and child_birth.birth_order == 1
    assert merge.moved["memberships"] == merged_memberships
    assert merge.moved["events"]["mother"] == [child_birth.pk]
    audit = AuditEvent.objects.get(action="linkage.person.merge", object_id=str(survivor.pk))
    assert audit.actor_id == town_officer.pk and audit.reason == "registered twice"
    assert audit.changes["merged_person"]["after"] == merged.pk
    assert AuditEvent.objects.filter(action="linkage.person.merged_away", object_id=str(merged.pk)).exists()


def test_the_survivor_takes_the_number_it_lacked(town_officer: Any, twice: tuple[Person, Person]) -> None:
    with_number, without = twice
    number = with_number.id_number

    services.person_merge(actor=town_officer, survivor=without, merged=with_number)

    without.refresh_from_db()
    with_number.refresh_from_db()
    assert without.id_number == number and with_number.id_number is None
    assert PersonMerge.objects.get(merged=with_number).moved["before"]["merged"]["id_number"] == number


def test_a_merge_of_two_people_with_different_numbers_is_refused_and_changes_nothing(
    town_officer: Any, district_admin: Any, village: OrgUnit
) -> None:
    born = datetime.date(1988, 1, 2)
    home = _household(district_admin, village, "D1")
    a = person_add(
        actor=district_admin, household=home, name="张伟", sex="M", birth_date=born, relation="head",
        id_number=factories.id_number(born, "M", 1), start_date=born,
    )  # fmt: skip
    b = person_add(
        actor=district_admin, household=_household(district_admin, village, "D2"), name="张伟", sex="M",
        birth_date=born, relation="head", id_number=factories.id_number(born, "M", 2), start_date=born,
    )  # fmt: skip
    audit_before = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed, match="different resident-ID numbers"):
        services.person_merge(actor=town_officer, survivor=a, merged=b)

    assert not PersonMerge.objects.exists()
    assert Membership.objects.get(person=b).household.number == "D2"
    assert AuditEvent.objects.count() == audit_before
    assert home.memberships.count() == 1


def test_a_deduplication_run_proposes_the_pair_and_a_dismissed_pair_is_never_proposed_again(
    town_officer: Any,
    town_registry: factories.Registry,
    twice: tuple[Person, Person],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, second = twice
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(actor=town_officer)
    run.refresh_from_db()
    assert run.status == LinkRunStatus.DONE, run.message
    pair = Candidate.objects.get(run=run, person=first, other_person=second)
    assert pair.proposal == Proposal.MERGE
    assert pair.levels["name"] == 1 and pair.levels["birth_date"] == 1

    services.candidate_decide(actor=town_officer, candidate=pair, verdict="reject", reason="two people")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.run_repeat(actor=town_officer, run=run)
    again.refresh_from_db()

    assert again.status == LinkRunStatus.DONE
    assert not Candidate.objects.filter(run=again, pair_key=pair.pair_key).exists()
    assert again.skipped >= 1


def test_accepting_a_duplicate_merges_it_into_the_chosen_survivor(
    town_officer: Any, twice: tuple[Person, Person], django_capture_on_commit_callbacks: Any
) -> None:
    first, second = twice
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(actor=town_officer)
    pair = Candidate.objects.get(run=run, person=first, other_person=second)

    decision = services.candidate_decide(actor=town_officer, candidate=pair, verdict="accept", survivor=second)

    assert decision.merge is not None and decision.merge.survivor == second and decision.merge.merged == first
    assert decision.person == second
    kept = Person.objects.get(pk=first.pk)  # kept, not deleted, and marked as merged into the survivor
    assert kept.status == PersonStatus.MERGED and kept.merged_into == second


def test_the_merged_away_record_leaves_the_lists_and_takes_no_new_events(
    town_officer: Any, twice: tuple[Person, Person]
) -> None:
    from django.test import Client
    from django.urls import reverse

    from xingfu.registry.selectors import persons_filtered, registry_counts
    from xingfu.registry.services import death_record

    survivor, merged = twice
    before = registry_counts(town_officer)["total"]
    services.person_merge(actor=town_officer, survivor=survivor, merged=merged, reason="registered twice")
    merged.refresh_from_db()

    assert (merged.status, merged.merged_into) == (PersonStatus.MERGED, survivor)
    assert registry_counts(town_officer)["total"] == before - 1
    assert list(persons_filtered(town_officer, q="刘秀英")) == [survivor]
    assert list(persons_filtered(town_officer, q="刘秀英", status=PersonStatus.MERGED)) == [merged]
    with pytest.raises(ValidationFailed) as err:
        death_record(actor=town_officer, person=merged, date=datetime.date(2024, 1, 1))
    assert "merged" in err.value.message
    with pytest.raises(Conflict):  # and it is not merged a second time
        services.person_merge(actor=town_officer, survivor=survivor, merged=merged)

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(town_officer)
    page = client.get(reverse("registry-person", args=[merged.pk])).content.decode()
    assert "merged into another record" in page and reverse("registry-person", args=[survivor.pk]) in page
    assert reverse("registry-death-new", args=[merged.pk]) not in page
