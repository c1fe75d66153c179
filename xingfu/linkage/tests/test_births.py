"""Linking a hospital's birth list: the mother is matched, and a birth the registry lacks is recorded only when a
reviewer accepts it, through the registry's ``birth_record``."""

import datetime
from typing import Any

from xingfu.audit.models import AuditEvent
from xingfu.linkage import services
from xingfu.linkage.models import Candidate, CandidateBand, Decision, LinkRun, LinkRunStatus, Proposal, Verdict
from xingfu.linkage.tests import factories
from xingfu.registry.models import EventKind, LifeEvent, Person


def _link(actor: Any, rows: list[list[str]], capture: Any) -> LinkRun:
    content = factories.csv_bytes(factories.HOSPITAL_HEADER, rows)
    with capture(execute=True):
        outside_list = services.list_upload(
            actor=actor, template="hospital_births", file_name="births.csv", content=content
        )
        run = services.run_start(actor=actor, outside_list=outside_list)
    run.refresh_from_db()
    assert run.status == LinkRunStatus.DONE, run.message
    return run


def _births(registry: factories.Registry) -> list[LifeEvent]:
    return list(
        LifeEvent.objects.filter(kind=EventKind.BIRTH, child__in=registry.persons)
        .select_related("mother", "child")
        .order_by("id")
    )


def _row(mother: Person, date: datetime.date, sex: str, **changes: str) -> list[str]:
    values = {
        "mother_name": mother.name,
        "mother_id_number": mother.id_number or "",
        "child_sex": "男" if sex == "M" else "女",
        "birth_date": date.isoformat(),
        "facility": "山亭区人民医院",
        "child_name": "",
    }
    values.update(changes)
    return list(values.values())


def test_a_registered_birth_is_linked_automatically_and_a_missing_one_is_recorded_only_when_accepted(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    births = _births(town_registry)
    # A mother young enough to give birth in 2026 (a woman over 55 at a birth is never proposed as the mother).
    young = next(b for b in births if b.mother and b.mother.birth_date.year >= 1980)
    registered = [young, *[b for b in births if b != young][:4]]
    rows = [_row(b.mother, b.date, b.sex) for b in registered if b.mother]
    mother = young.mother
    assert mother is not None
    missing_day = datetime.date(2026, 5, 20)
    rows.append(_row(mother, missing_day, "F"))
    births_before = LifeEvent.objects.filter(kind=EventKind.BIRTH).count()

    run = _link(town_officer, rows, django_capture_on_commit_callbacks)

    linked = Candidate.objects.filter(run=run, proposal=Proposal.LINK, band=CandidateBand.CERTAIN)
    assert {c.birth_id for c in linked} == {b.pk for b in registered}
    assert Decision.objects.filter(candidate__in=linked, verdict=Verdict.LINKED_AUTOMATICALLY).count() == 5
    proposal = Candidate.objects.get(run=run, proposal=Proposal.ADD_BIRTH)
    assert proposal.person == mother and proposal.band == CandidateBand.CERTAIN
    assert LifeEvent.objects.filter(kind=EventKind.BIRTH).count() == births_before

    decision = services.candidate_decide(actor=town_officer, candidate=proposal, verdict="accept")

    event = LifeEvent.objects.get(kind=EventKind.BIRTH, mother=mother, date=missing_day)
    assert decision.event == event and decision.person == event.child
    assert event.child is not None and event.child.name == f"{mother.name}之女"
    assert event.place == "山亭区人民医院"
    assert AuditEvent.objects.filter(action="registry.event.birth", object_id=str(event.child_id)).exists()


def test_a_birth_whose_mother_is_not_found_is_recorded_for_the_mother_the_reviewer_names(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    mother = next(b.mother for b in _births(town_registry) if b.mother and b.mother.birth_date.year >= 1980)
    assert mother is not None
    run = _link(
        town_officer,
        [_row(mother, datetime.date(2026, 6, 1), "M", mother_name="无名氏", mother_id_number="", child_name="李小宝")],
        django_capture_on_commit_callbacks,
    )
    proposal = Candidate.objects.get(run=run)
    assert proposal.band == CandidateBand.NONE and proposal.proposal == Proposal.ADD_BIRTH and proposal.person is None

    services.candidate_decide(actor=town_officer, candidate=proposal, verdict="accept", mother=mother)

    child = LifeEvent.objects.get(kind=EventKind.BIRTH, mother=mother, date=datetime.date(2026, 6, 1)).child
    assert child is not None and child.name == "李小宝"


def test_a_mothers_number_is_never_compared_with_a_man(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    man = next(p for p in town_registry.persons if p.sex == "M" and p.birth_date.year < 1996)
    run = _link(town_officer, [_row(man, datetime.date(2026, 6, 1), "M")], django_capture_on_commit_callbacks)

    assert run.certain == 0
    assert not Candidate.objects.filter(run=run, person=man).exists()


def test_a_childs_number_in_the_mothers_column_is_never_matched_to_the_child(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    girl = next(p for p in town_registry.persons if p.sex == "F" and p.birth_date.year >= 2016)
    run = _link(town_officer, [_row(girl, datetime.date(2026, 6, 1), "M")], django_capture_on_commit_callbacks)

    assert run.certain == 0
    assert not Candidate.objects.filter(run=run, person=girl).exists()
