"""The completeness report on hand-made data: outside records matched, added, dismissed and still open, per
village and town."""

import datetime
from typing import Any

from xingfu.linkage import services
from xingfu.linkage.models import Candidate, CandidateBand, LinkRunStatus
from xingfu.linkage.selectors import completeness
from xingfu.linkage.tests import factories
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Person
from xingfu.registry.services import household_register, person_add


def _resident(actor: Any, village: OrgUnit, name: str, serial: int) -> Person:
    born = datetime.date(1980, 1, serial)
    home = household_register(
        actor=actor, village=village, number=f"C{serial}", residence="rural", registered_on=datetime.date(2000, 1, 1)
    )
    return person_add(
        actor=actor, household=home, name=name, sex="M", birth_date=born, relation="head",
        id_number=factories.id_number(born, "M", serial), start_date=datetime.date(2000, 1, 1),
    )  # fmt: skip


def test_the_report_counts_each_record_where_it_belongs(
    town_officer: Any,
    other_town_officer: Any,
    district_admin: Any,
    town: OrgUnit,
    village: OrgUnit,
    sibling_village: OrgUnit,
    django_capture_on_commit_callbacks: Any,
) -> None:
    here = _resident(district_admin, village, "赵德福", 1)
    there = _resident(district_admin, sibling_village, "钱国庆", 2)
    rows = [
        factories.household_row(here, village_code=""),  # matched, counted in here's village
        factories.household_row(there, village_code=""),  # matched, in the sibling village
        ["孙新一", "", "男", "1991-01-01", "", village.code],  # to be added
        ["李新二", "", "女", "1992-02-02", "", sibling_village.code],  # to be dismissed
        ["周新三", "", "男", "1993-03-03", "", ""],  # left open; no village: counted in the town
    ]
    with django_capture_on_commit_callbacks(execute=True):
        outside_list = services.list_upload(
            actor=town_officer,
            template="household_extract",
            file_name="x.csv",
            content=factories.csv_bytes(factories.HOUSEHOLD_HEADER, rows),
        )
        run = services.run_start(actor=town_officer, outside_list=outside_list)
    run.refresh_from_db()
    assert run.status == LinkRunStatus.DONE and run.certain == 2 and run.unmatched == 3
    new = {c.record.name: c for c in Candidate.objects.filter(run=run, band=CandidateBand.NONE) if c.record}
    services.candidate_decide(actor=town_officer, candidate=new["孙新一"], verdict="accept", new_household_number="N1")
    services.candidate_decide(actor=town_officer, candidate=new["李新二"], verdict="reject", reason="moved away")

    report = {row.unit.code: row for row in completeness(town_officer)}

    assert (report[village.code].records, report[village.code].matched, report[village.code].added) == (2, 1, 1)
    assert report[village.code].open == 0
    sibling = report[sibling_village.code]
    assert (sibling.records, sibling.matched, sibling.dismissed, sibling.open) == (2, 1, 1, 0)
    totals = report[town.code]
    assert (totals.records, totals.matched, totals.added, totals.dismissed, totals.open) == (5, 2, 1, 1, 1)
    assert completeness(other_town_officer) == []
    assert Person.objects.get(name="孙新一").orgunit == village
