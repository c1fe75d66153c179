"""Linking a household-registration extract against the registry of the officer's town."""

from typing import Any

import pytest

from xingfu.audit.models import AuditEvent
from xingfu.core.append_only import AppendOnlyError
from xingfu.linkage import services
from xingfu.linkage.models import Candidate, CandidateBand, Decision, LinkRun, LinkRunStatus, Proposal, Verdict
from xingfu.linkage.synthetic import HOMOPHONES
from xingfu.linkage.tests import factories
from xingfu.registry.models import Person


def _link(actor: Any, rows: list[list[str]], capture: Any, *, name: str = "extract.csv") -> LinkRun:
    content = factories.csv_bytes(factories.HOUSEHOLD_HEADER, rows)
    with capture(execute=True):
        outside_list = services.list_upload(actor=actor, template="household_extract", file_name=name, content=content)
        run = services.run_start(actor=actor, outside_list=outside_list)
    run.refresh_from_db()
    assert run.status == LinkRunStatus.DONE, run.message
    return run


def _homophone(name: str) -> str:
    """The same name written with a character that sounds the same (王秀英 → 王秀莹)."""
    for i in range(len(name) - 1, 0, -1):
        if name[i] in HOMOPHONES:
            return name[:i] + HOMOPHONES[name[i]][0] + name[i + 1 :]
    raise AssertionError(f"no homophone for {name}")


def _with_homophone(persons: list[Person]) -> Person:
    return next(p for p in persons if any(c in HOMOPHONES for c in p.name[1:]))


def test_same_id_numbers_are_linked_automatically_and_recorded(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    persons = town_registry.persons[:8]
    run = _link(town_officer, [factories.household_row(p) for p in persons], django_capture_on_commit_callbacks)

    assert run.certain == 8
    certain = Candidate.objects.filter(run=run, band=CandidateBand.CERTAIN)
    assert {c.person_id for c in certain} == {p.pk for p in persons}
    decisions = Decision.objects.filter(candidate__run=run)
    assert decisions.count() == 8
    assert {d.verdict for d in decisions} == {Verdict.LINKED_AUTOMATICALLY}
    assert all(d.decided_by_id is None and d.person_id == d.candidate.person_id for d in decisions)
    finish = AuditEvent.objects.get(action="linkage.run.finish", object_id=str(run.pk))
    assert finish.changes["linked_automatically"]["after"] == 8


def test_a_typod_name_without_a_number_is_found_as_probable_with_the_fields_that_agreed(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    target = _with_homophone(town_registry.persons[10:])
    rows = [factories.household_row(p) for p in town_registry.persons[:6]]
    rows.append(factories.household_row(target, name=_homophone(target.name), id_number=""))
    run = _link(town_officer, rows, django_capture_on_commit_callbacks)

    candidate = Candidate.objects.get(run=run, record__row=len(rows) + 1)
    assert candidate.band == CandidateBand.PROBABLE
    assert candidate.proposal == Proposal.LINK
    assert candidate.person_id == target.pk
    assert candidate.match_probability is not None and candidate.match_probability >= 0.5
    # name: same pinyin, other characters; number: missing; birth date, sex, place: agree
    assert candidate.levels == {"name": 2, "id_number": 0, "birth_date": 1, "sex": 1, "place": 1}
    assert not Decision.objects.filter(candidate=candidate).exists()


def test_a_person_the_registry_lacks_is_proposed_and_added_only_when_accepted(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [factories.household_row(p) for p in town_registry.persons[:5]]
    rows.append(["欧阳新来", "", "女", "1991-04-05", "王庄村9组1号", town_registry.persons[0].orgunit.code])
    before = Person.objects.count()
    run = _link(town_officer, rows, django_capture_on_commit_callbacks)

    candidate = Candidate.objects.get(run=run, band=CandidateBand.NONE)
    assert candidate.proposal == Proposal.ADD_PERSON and candidate.person is None
    assert Person.objects.count() == before

    household = town_registry.households[0]
    decision = services.candidate_decide(
        actor=town_officer, candidate=candidate, verdict="accept", household=household, relation="other"
    )
    added = Person.objects.get(name="欧阳新来")
    assert decision.person == added and decision.verdict == Verdict.ACCEPTED
    assert added.memberships.get().household == household
    assert AuditEvent.objects.filter(action="registry.person.add", object_id=str(added.pk)).exists()
    assert AuditEvent.objects.filter(action="linkage.decision.accept", object_id=str(candidate.pk)).exists()


def test_a_rejected_pair_and_a_dismissed_row_are_not_proposed_again_when_the_list_is_run_again(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    target = _with_homophone(town_registry.persons[10:])
    rows = [factories.household_row(p) for p in town_registry.persons[:4]]
    rows.append(factories.household_row(target, name=_homophone(target.name), id_number=""))
    rows.append(["外来人", "", "男", "1980-02-02", "", ""])
    run = _link(town_officer, rows, django_capture_on_commit_callbacks)
    probable = Candidate.objects.get(run=run, band=CandidateBand.PROBABLE)
    newcomer = Candidate.objects.get(run=run, band=CandidateBand.NONE)
    services.candidate_decide(actor=town_officer, candidate=probable, verdict="reject", reason="not her")
    services.candidate_decide(actor=town_officer, candidate=newcomer, verdict="reject", reason="not ours")

    with django_capture_on_commit_callbacks(execute=True):
        again = services.run_repeat(actor=town_officer, run=run)
    again.refresh_from_db()

    assert again.status == LinkRunStatus.DONE
    assert again.repeat_of == run
    proposed = set(Candidate.objects.filter(run=again).values_list("pair_key", flat=True))
    assert probable.pair_key not in proposed
    assert newcomer.pair_key not in proposed
    # The automatically linked rows are settled too: nothing is proposed for them again.
    assert not Candidate.objects.filter(run=again, band=CandidateBand.CERTAIN).exists()
    assert again.skipped >= 6


def test_a_decision_is_final(
    town_officer: Any, town_registry: factories.Registry, django_capture_on_commit_callbacks: Any
) -> None:
    from xingfu.core.errors import Conflict

    run = _link(town_officer, [["外来人", "", "男", "1980-02-02", "", ""]], django_capture_on_commit_callbacks)
    candidate = Candidate.objects.get(run=run)
    decision = services.candidate_decide(actor=town_officer, candidate=candidate, verdict="reject")
    with pytest.raises(Conflict):
        services.candidate_decide(actor=town_officer, candidate=candidate, verdict="accept")
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        Decision.objects.filter(pk=decision.pk).update(reason="changed")
    with pytest.raises(AppendOnlyError):
        Decision.objects.filter(pk=decision.pk).delete()


def test_a_town_officers_run_only_compares_the_registry_of_his_town(
    town_officer: Any,
    district_admin: Any,
    town_registry: factories.Registry,
    other_village: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    elsewhere = factories.registry(district_admin, [other_village], couples=3, seed=9).persons
    rows = [factories.household_row(p, village_code="") for p in elsewhere[:3]]
    run = _link(town_officer, rows, django_capture_on_commit_callbacks)

    assert run.certain == 0
    assert not Candidate.objects.filter(run=run, person__in=elsewhere).exists()
    assert run.registry_persons == len(town_registry.persons)


def test_a_run_that_fails_says_why_and_keeps_nothing(
    town_officer: Any,
    town_registry: factories.Registry,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xingfu.linkage import engine

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("out of memory")

    monkeypatch.setattr(engine, "link", broken)
    content = factories.csv_bytes(factories.HOUSEHOLD_HEADER, [factories.household_row(town_registry.persons[0])])
    with django_capture_on_commit_callbacks(execute=True):
        outside_list = services.list_upload(
            actor=town_officer, template="household_extract", file_name="x.csv", content=content
        )
        run = services.run_start(actor=town_officer, outside_list=outside_list)
    run.refresh_from_db()
    assert run.status == LinkRunStatus.FAILED
    assert "out of memory" in run.message
    assert not Candidate.objects.filter(run=run).exists()
