"""Record linkage: an outside list against a large registry, with precision and recall against the known truth.

``xingfu bench linkage --persons 1000000 --outside 100000``: the registry is generated in memory by the demo
generator (``registry.demo.generate``: families, births, deaths, moves; valid fictional ID numbers), the list
by ``linkage.synthetic`` (copies of registry persons with realistic typos, missing fields and swapped
characters, and 5 % people the registry lacks). What is timed is the app's own path from list rows to
proposals: ``lists.parse_row`` → ``lists.outside_input`` → ``engine.link`` (Splink on DuckDB: training u by
random sampling and m by EM, then blocking and scoring). Precision and recall count certain + probable
matches (the best candidate of each row). The baseline in the same run is exact ID-number matching alone.

``--app`` runs the whole app path instead, on the PostgreSQL database ``xingfu_bench_linkage`` only
(``DATABASE_URL=postgres://postgres@127.0.0.1/xingfu_bench_linkage``; created, migrated and filled by the demo
generator when empty): the list is uploaded as a CSV through ``list_upload``, the run reads the registry out of
the database (``registry_input``), links, and stores its candidates and automatic links.
"""

import argparse
import datetime
from collections import defaultdict
from typing import Any

from bench.common import stopwatch
from xingfu.linkage import engine, lists, synthetic
from xingfu.linkage.features import clean_name, pinyin_compact
from xingfu.orgunits.district import TOWNS
from xingfu.registry import demo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, default=100_000, help="registry size")
    parser.add_argument("--outside", type=int, default=10_000, help="rows of the outside list")
    parser.add_argument("--template", choices=["household_extract", "hospital_births"], default="household_extract")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--app", action="store_true", help="the whole app path on xingfu_bench_linkage")


def _villages() -> list[demo.Village]:
    """268 villages over the district's ten towns, as the district has; ids are only for the generator."""
    villages: list[demo.Village] = []
    for t, (town, _zh, _en) in enumerate(TOWNS):
        for v in range(1, 27 + (1 if t < 8 else 0) - (1 if t == 0 else 0)):
            code = f"{town}{v:03d}"
            villages.append(demo.Village(len(villages) + 1, code, f"{code[-5:]}村"))
    return villages


def _registry(seed: int, persons: int) -> tuple[list[synthetic.RegistryPerson], Any, list[synthetic.RegistryBirth]]:
    """The generated registry as the model reads it (the same columns ``registry_input`` gives)."""
    villages = _villages()
    generated = demo.generate(seed=seed, persons=persons, villages=villages)
    code = {v.id: v.code for v in villages}
    open_household: dict[int, int] = {}
    for person, household, _relation, _start, end in generated.memberships:
        if end is None:
            open_household[person] = household
    people = []
    for i, (name, sex, birth, number, _phone, _status, _death, village) in enumerate(generated.persons):
        household = open_household.get(i)
        address = generated.households[household][2] if household is not None else ""
        people.append(synthetic.RegistryPerson(i + 1, name, sex, birth, number, code[village], address))
    births: dict[int, list[datetime.date]] = defaultdict(list)
    birth_events = []
    for kind, on, _p, _o, mother, _f, _child, sex, *_rest in generated.events:
        if kind == "birth" and mother is not None:
            births[mother + 1].append(on)
            birth_events.append(synthetic.RegistryBirth(mother + 1, on, sex))
    table = engine.input_table(
        (
            p.id,
            clean_name(p.name),
            pinyin_compact(p.name),
            p.id_number,
            p.birth_date,
            p.sex,
            p.village_code,
            p.village_code[:9],
            p.address or None,
            None,
            None,
            births.get(p.id),
        )
        for p in people
    )
    return people, table, birth_events


def run(
    *, persons: int, outside: int, template: str, seed: int, threads: int, app: bool = False, **_: Any
) -> dict[str, Any]:
    if app:
        return _run_app(persons=persons, outside=outside, template=template, seed=seed)
    with stopwatch() as build:
        people, registry, births = _registry(seed, persons)
        recent = [b for b in births if b.date.year >= 2005]
        made = (
            synthetic.household_extract(people, rows=outside, seed=seed + 1)
            if template == "household_extract"
            else synthetic.hospital_births(people, recent, rows=outside, seed=seed + 1)
        )
    with stopwatch() as link:
        problems = lists.RowProblems()
        rows = [(i + 1, lists.parse_row(template, i + 2, r, problems)) for i, r in enumerate(made.rows)]
        table = lists.outside_input((uid, row) for uid, row in rows if row is not None)
        outcome = engine.link(kind=template, outside=table, registry=registry, threads=threads)
    found = {m.left: m.right for m in outcome.certain}
    for match in outcome.probable:
        found.setdefault(match.left, match.right)
    row_ids = [uid for uid, _ in rows]
    measured = synthetic.precision_recall(made.truth, found, row_ids)
    baseline = synthetic.precision_recall(made.truth, {m.left: m.right for m in outcome.certain}, row_ids)
    return {
        "template": template,
        "persons": persons,
        "outside": outside,
        "rows_left_out": sum(1 for _, r in rows if r is None),
        "seconds": round(link["seconds"], 1),
        "steps_seconds": {k: round(v, 1) for k, v in outcome.seconds.items()},
        "pairs_scored": outcome.parameters.get("pairs_scored"),
        "certain": len(outcome.certain),
        "probable": len({m.left for m in outcome.probable}),
        "unmatched": len(outcome.unmatched),
        "precision": measured["precision"],
        "recall": measured["recall"],
        "true_pairs": measured["true_pairs"],
        "baseline_exact_id_precision": baseline["precision"],
        "baseline_exact_id_recall": baseline["recall"],
        "prior": outcome.parameters.get("probability_two_random_records_match"),
        "build_seconds": round(build["seconds"], 1),
    }


def _run_app(*, persons: int, outside: int, template: str, seed: int) -> dict[str, Any]:
    import csv
    import io

    from django.db import connection

    from xingfu.accounts.roles import Role
    from xingfu.core.testing import make_user
    from xingfu.demo.loader import demo_villages
    from xingfu.linkage.lists import TEMPLATES
    from xingfu.linkage.models import Candidate, CandidateBand, LinkRunStatus
    from xingfu.linkage.services import list_upload, run_start
    from xingfu.orgunits.models import Level, OrgUnit
    from xingfu.registry.demo import demo_registry
    from xingfu.registry.models import EventKind, LifeEvent, Membership, Person

    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] != "xingfu_bench_linkage":
        raise SystemExit("--app runs only on PostgreSQL database xingfu_bench_linkage (see the module's docstring)")
    with stopwatch() as build:
        demo_villages(seed=seed)
        demo_registry(seed=seed, persons=persons)
        district = OrgUnit.objects.get(level=Level.DISTRICT)
        actor = make_user(
            Role.DISTRICT_ADMIN, district, f"bench_linkage_{seed}_{outside}_{template}_{Person.objects.count()}"
        )
        address = dict(Membership.objects.filter(end_date__isnull=True).values_list("person_id", "household__address"))
        people = [
            synthetic.RegistryPerson(pk, name, sex, born, number, code, address.get(pk) or "")
            for pk, name, sex, born, number, code in Person.objects.values_list(
                "pk", "name", "sex", "birth_date", "id_number", "orgunit__code"
            ).iterator(chunk_size=50_000)
        ]
        births = [
            synthetic.RegistryBirth(mother, on, sex)
            for mother, on, sex in LifeEvent.objects.filter(kind=EventKind.BIRTH, date__year__gte=2005).values_list(
                "mother_id", "date", "sex"
            )
        ]
        made = (
            synthetic.household_extract(people, rows=outside, seed=seed + 1)
            if template == "household_extract"
            else synthetic.hospital_births(people, births, rows=outside, seed=seed + 1)
        )
        columns = TEMPLATES[template]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([c.zh for c in columns])
        writer.writerows([[row.get(c.field, "") for c in columns] for row in made.rows])
        content = buffer.getvalue().encode("utf-8")
    with stopwatch() as upload:
        outside_list = list_upload(actor=actor, template=template, file_name=f"bench-{seed}.csv", content=content)
    with stopwatch() as linking:
        run = run_start(actor=actor, outside_list=outside_list)  # runs inline when not in a transaction
        run.refresh_from_db()
    if run.status != LinkRunStatus.DONE:
        raise SystemExit(f"run {run.pk} {run.status}: {run.message}")
    rows = {r: i for i, r in enumerate(outside_list.records.order_by("row").values_list("pk", flat=True))}
    found = dict(
        Candidate.objects.filter(run=run, band__in=(CandidateBand.CERTAIN, CandidateBand.PROBABLE)).values_list(
            "record_id", "person_id"
        )
    )
    # Rows left out at upload have no record: the truth is indexed by the list's row order.
    record_rows = dict(outside_list.records.values_list("pk", "row"))
    truth = [made.truth[record_rows[pk] - 2] for pk in rows]
    measured = synthetic.precision_recall(truth, found, list(rows))
    return {
        "mode": "app",
        "template": template,
        "persons": Person.objects.count(),
        "outside": outside,
        "upload_seconds": round(upload["seconds"], 1),
        "seconds": round(linking["seconds"], 1),
        "run_steps_seconds": run.seconds,
        "registry_persons": run.registry_persons,
        "certain": run.certain,
        "probable": run.probable,
        "unmatched": run.unmatched,
        "precision": measured["precision"],
        "recall": measured["recall"],
        "build_seconds": round(build["seconds"], 1),
    }
