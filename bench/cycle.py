"""A monthly payment cycle over the whole demo district, set-based, beside a per-unit ORM baseline.

``xingfu bench cycle --persons 1000000``: prepares one month's cycles of the three recurring programmes that
pay monthly in the demo configuration (only-daughter 50 a month, two-daughter 40 a month, and the national
reward assistance, 80 a month) for the whole district, as ``cycles_prepare`` does for a user: the fact tables
built once per unit, one ``INSERT ... SELECT`` per programme. The baseline decides the same rules the way a
first attempt would (per household and per person: its memberships, its parents' births, its children, each a
query, then Python), timed on a sample and scaled to the population; it must agree with the cycles on the sample.

Use a registry made beforehand (``xingfu demo --persons N``) so the peak memory is the cycle's; an empty one is
generated first (and then dominates the memory). Everything the run writes is rolled back.
"""

import argparse
import datetime
import random
import resource
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from bench.common import peak_rss_mb, postgres_backend_cpu_seconds, stopwatch
from xingfu.accounts.roles import Role
from xingfu.benefits.demo import demo_programmes
from xingfu.benefits.models import CycleStatus, Entitlement, Programme
from xingfu.benefits.services.cycles import cycles_prepare
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.models import PARENTAGE_KINDS, Household, LifeEvent, Membership, Person, Relation

PROGRAMMES = ("only-daughter", "two-daughters", "reward-assistance")
PLANNED = {"only_son", "only_daughter", "two_daughters"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, default=1_000_000, help="registry size to generate if it is empty")
    parser.add_argument("--period", default="202610", help="the month paid (default 202610)")
    parser.add_argument("--sample", type=int, default=400, help="units the baseline evaluates one by one")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--serial",
        action="store_true",
        help="no parallel workers (PostgreSQL), so that cpu_seconds is all the database's work",
    )


def _registry(persons: int, seed: int) -> int:
    if not Person.objects.exists():
        from xingfu.demo.loader import demo_villages
        from xingfu.registry.demo import demo_registry

        demo_villages(seed=seed)
        demo_registry(seed=seed, persons=persons)
    return Person.objects.count()


def _users() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    district = OrgUnit.objects.get(level=Level.DISTRICT)
    user_model = get_user_model()
    made = []
    for name in ("bench-preparer", "bench-approver"):
        user, _ = user_model.objects.get_or_create(
            username=name, defaults={"role": Role.DISTRICT_ADMIN, "scope": district, "is_active": True}
        )
        made.append(user)
    return made[0], made[1]


# --- the baseline: one unit at a time through the ORM -----------------------------------------------------


def _on_date(qs: Any, on: datetime.date) -> Any:
    return qs.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gt=on))


def _family_type(parents: list[int], on: datetime.date) -> str:
    children: set[int] = set()
    for parent in parents:
        events = LifeEvent.objects.filter(kind__in=PARENTAGE_KINDS, date__lte=on).filter(
            Q(mother=parent) | Q(father=parent)
        )
        children.update(e.child_id for e in events if e.child_id)
    sexes = [Person.objects.get(pk=child).sex for child in children]
    sons, daughters = sexes.count("M"), sexes.count("F")
    if sons == 0 and daughters == 0:
        return "none"
    if (sons, daughters) == (1, 0):
        return "only_son"
    if (sons, daughters) == (0, 1):
        return "only_daughter"
    if (sons, daughters) == (0, 2):
        return "two_daughters"
    return "other"


def _naive_household(household: Household, on: datetime.date) -> str:
    couple = [
        m.person_id
        for m in _on_date(Membership.objects.filter(household=household), on)
        if m.relation in (Relation.HEAD, Relation.SPOUSE)
    ]
    return _family_type(couple, on)


def _naive_person(person: Person, on: datetime.date) -> bool:
    alive = person.birth_date <= on and (person.death_date is None or person.death_date > on)
    age = on.year - person.birth_date.year - ((on.month, on.day) < (person.birth_date.month, person.birth_date.day))
    if not alive or age < 60:
        return False
    membership = _on_date(Membership.objects.filter(person=person), on).select_related("household").first()
    if membership is None or membership.household.residence != "rural":
        return False
    return _family_type([person.pk], on) in PLANNED


def _baseline(sample: int, seed: int, on: datetime.date, paid: dict[str, set[int]]) -> dict[str, Any]:
    """Seconds per household and per person, one at a time; checked against the cycles on the sample."""
    rng = random.Random(seed)
    household_ids = list(Household.objects.values_list("id", flat=True))
    person_ids = list(Person.objects.values_list("id", flat=True))
    households = Household.objects.filter(pk__in=rng.sample(household_ids, min(sample, len(household_ids))))
    persons = Person.objects.filter(pk__in=rng.sample(person_ids, min(sample, len(person_ids))))
    disagreements = 0
    with stopwatch() as h:
        checked_h = 0
        for household in households:
            kind = _naive_household(household, on)
            disagreements += (kind == "only_daughter") != (household.pk in paid["only-daughter"])
            disagreements += (kind == "two_daughters") != (household.pk in paid["two-daughters"])
            checked_h += 1
    with stopwatch() as p:
        checked_p = 0
        for person in persons:
            disagreements += _naive_person(person, on) != (person.pk in paid["reward-assistance"])
            checked_p += 1
    per_household = h["seconds"] / max(checked_h, 1)
    per_person = p["seconds"] / max(checked_p, 1)
    return {
        "seconds": per_household * len(household_ids) + per_person * len(person_ids),
        "per_household_ms": round(per_household * 1000, 3),
        "per_person_ms": round(per_person * 1000, 3),
        "sampled": checked_h + checked_p,
        "disagreements": disagreements,
    }


def run(*, persons: int, period: str, sample: int, seed: int, serial: bool = False, **_: Any) -> dict[str, Any]:
    registry_size = _registry(persons, seed)
    if serial and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
    demo_programmes()
    preparer, _approver = _users()
    district = OrgUnit.objects.get(level=Level.DISTRICT)
    programmes = [Programme.objects.get(code=code) for code in PROGRAMMES]
    result: dict[str, Any] = {
        "persons": registry_size,
        "households": Household.objects.count(),
        "period": period,
        "serial": serial,
    }
    with transaction.atomic():
        db_cpu, own_cpu = postgres_backend_cpu_seconds(), _own_cpu()
        with stopwatch() as timed:
            cycles = cycles_prepare(actor=preparer, programmes=programmes, period=period, scope=district)
        db_after = postgres_backend_cpu_seconds()
        result["cpu_seconds"] = round(
            (db_after - db_cpu if db_after is not None and db_cpu is not None else 0) + _own_cpu() - own_cpu, 3
        )
        failed = [c.error for c in cycles if c.status != CycleStatus.PREPARED]
        assert not failed, failed
        result["seconds"] = round(timed["seconds"], 3)
        result["peak_rss_mb_after_cycle"] = peak_rss_mb()
        result["entitlements"] = {c.programme.code: c.entitlement_count for c in cycles}
        result["total_yuan"] = str(sum((c.total_amount for c in cycles), Decimal(0)))
        on = cycles[0].reference_date
        paid = {
            c.programme.code: set(
                Entitlement.objects.filter(cycle=c).values_list(
                    "person_id" if c.programme.unit == "person" else "household_id", flat=True
                )
            )
            for c in cycles
        }
        baseline = _baseline(sample, seed, on, paid)
        transaction.set_rollback(True)
    result.update(
        baseline_seconds=round(baseline["seconds"], 1),
        baseline_per_household_ms=baseline["per_household_ms"],
        baseline_per_person_ms=baseline["per_person_ms"],
        baseline_sampled=baseline["sampled"],
        baseline_disagreements=baseline["disagreements"],
        speedup=round(baseline["seconds"] / result["seconds"], 1),
        database_load=_load(),
    )
    return result


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return ""
