# ruff: noqa: S608 - the SQL here is assembled from constants and column names; every value is a parameter.
"""Fact tables: every fact of every person (household) in a scope on one date, computed in one set-based pass.

The registry's ``persons_with_facts``/``households_with_facts`` say what each fact means; they compute it as
correlated subqueries, one per row and fact, which on PostgreSQL costs about 1 ms per person and over a second
per household at a million residents (the ``mother IN (...) OR father IN (...)`` test of the household counts
scans every life event for each household). Here the same facts come from a handful of hash joins and
aggregates over the whole scope, written into a temporary table (``PersonFacts``/``HouseholdFacts``), so that a
condition tree compiles to a plain ``Q`` over its columns. Tests check that both give the same values.

Children are counted from parentage events (births and adoptions on or before the date), each child once per
parent (an adoption of a child already counted for that parent adds nothing); a household's children are its
couple's (head and spouse that day), each child once. A person belongs to at most one household on a date
(the registry closes one membership on the day the next begins).

The table lives inside the caller's transaction: ``with fact_table(...) as Facts: Facts.objects.filter(...)``.
"""

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from xingfu.benefits.models import HouseholdFacts, PersonFacts
from xingfu.registry.facts import FamilyType, age_on
from xingfu.registry.models import PARENTAGE_KINDS, EventKind, Household, Person, PersonStatus, Relation, Sex

# Groups of facts that cost a join or an aggregate: only those a rule names are computed.
MEMBERSHIP = {"household_id", "household_head_id", "residence", "relation"}
COUNTS = {
    "sons_ever",
    "daughters_ever",
    "children_ever",
    "living_sons",
    "living_daughters",
    "living_children",
    "family_type",
    "child_disability_grade",
}
PERSON_BASE = {"id", "orgunit_id", "sex", "status", "birth_date", "age", "alive", "disability_grade"}
HOUSEHOLD_BASE = {"id", "orgunit_id", "head_id", "residence"}

_TYPES = {
    "id": "bigint",
    "orgunit_id": "bigint",
    "household_id": "bigint",
    "household_head_id": "bigint",
    "head_id": "bigint",
    "sex": "varchar(1)",
    "status": "varchar(10)",
    "birth_date": "date",
    "age": "integer",
    "alive": "boolean",
    "residence": "varchar(8)",
    "relation": "varchar(8)",
    "family_type": "varchar(16)",
    "household_family_type": "varchar(16)",
    "first_marriage_date": "date",
    "first_child_birth_date": "date",
    "has_living_child_under_3": "boolean",
}


def _columns(model: type[PersonFacts] | type[HouseholdFacts]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _type(column: str) -> str:
    kind = _TYPES.get(column, "integer")
    # SQLite keeps dates as ISO text; a cast to "date" would give them numeric affinity (2026-10-31 → 2026).
    return "text" if kind == "date" and connection.vendor == "sqlite" else kind


# --- SQL helpers ------------------------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _ymd(column: str) -> str:
    """A date column as the integer yyyymmdd (whole years between two dates = difference // 10000)."""
    if connection.vendor == "postgresql":
        return f"CAST(to_char({column}, 'YYYYMMDD') AS integer)"
    return f"CAST(strftime('%%Y%%m%%d', {column}) AS integer)"


def _years(born: str, on: str) -> str:
    """Completed years from ``born`` to ``on`` (``on`` not before ``born``: an event in the person's life)."""
    return f"(({_ymd(on)} - {_ymd(born)}) / 10000)"


def _bool(condition: str) -> str:
    return f"CASE WHEN {condition} THEN TRUE ELSE FALSE END"


def _alive(alias: str) -> str:
    return f"({alias}.birth_date <= %s AND ({alias}.death_date IS NULL OR {alias}.death_date > %s))"


def _family_type(sons: str, daughters: str) -> str:
    return (
        f"CASE WHEN {sons} = 0 AND {daughters} = 0 THEN '{FamilyType.NO_CHILD.value}' "
        f"WHEN {sons} = 1 AND {daughters} = 0 THEN '{FamilyType.ONLY_SON.value}' "
        f"WHEN {sons} = 0 AND {daughters} = 1 THEN '{FamilyType.ONLY_DAUGHTER.value}' "
        f"WHEN {sons} = 0 AND {daughters} = 2 THEN '{FamilyType.TWO_DAUGHTERS.value}' "
        f"ELSE '{FamilyType.OTHER.value}' END"
    )


_PARENTAGE = "(" + ", ".join(f"'{k.value}'" for k in PARENTAGE_KINDS) + ")"
_COUPLE = f"('{Relation.HEAD.value}', '{Relation.SPOUSE.value}')"
_BIRTH = f"'{EventKind.BIRTH.value}'"
_MARRIAGE = f"'{EventKind.MARRIAGE.value}'"
_MALE = f"'{Sex.MALE.value}'"
_FEMALE = f"'{Sex.FEMALE.value}'"


class _Query:
    """A WITH query assembled piece by piece, keeping the parameters in the order they appear."""

    def __init__(self) -> None:
        self.ctes: list[str] = []
        self.params: list[Any] = []

    def cte(self, name: str, sql: str, params: Sequence[Any] = (), *, inline: bool = False) -> None:
        """``inline``: PostgreSQL plans the CTE at each use, with the statistics of the tables under it, rather
        than computing it once (a materialised CTE's columns look like 200 distinct values to the planner)."""
        hint = "NOT MATERIALIZED " if inline and connection.vendor == "postgresql" else ""
        self.ctes.append(f"{name} AS {hint}({sql})")
        self.params.extend(params)

    def sql(self, select: str, params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
        return "WITH " + ",\n".join(self.ctes) + "\n" + select, [*self.params, *params]


def _membership_on(alias: str) -> str:
    return f"{alias}.start_date <= %s AND ({alias}.end_date IS NULL OR {alias}.end_date > %s)"


def _not_counted_before(event: str, parent_test: str) -> str:
    """No earlier parentage event of the same child names a parent satisfying ``parent_test`` (written over
    ``e2``): an adoption adds a child only where an earlier birth or adoption has not counted it already.
    Adoptions are few, so this runs a handful of index lookups."""
    return (
        f"NOT EXISTS (SELECT 1 FROM registry_lifeevent e2 WHERE e2.child_id = {event}.child_id "
        f"AND e2.kind IN {_PARENTAGE} AND e2.date <= %s AND ({parent_test}) "
        f"AND (e2.date < {event}.date OR (e2.date = {event}.date AND e2.id < {event}.id)))"
    )


def _child_sums(on: datetime.date, key: str, source: str) -> tuple[str, list[Any]]:
    """Per ``key``: sons/daughters ever, living sons/daughters, living children under 3 and the most severe
    disability grade of a living child (1 the most severe; NULL when none has one), from ``source`` rows
    (key, child_id) joined to the child."""
    under_3 = _years_before(on, 3)
    sql = (
        f"SELECT x.{key} AS k, "
        f"SUM(CASE WHEN c.sex = {_MALE} THEN 1 ELSE 0 END) AS sons_ever, "
        f"SUM(CASE WHEN c.sex = {_FEMALE} THEN 1 ELSE 0 END) AS daughters_ever, "
        f"SUM(CASE WHEN c.sex = {_MALE} AND {_alive('c')} THEN 1 ELSE 0 END) AS living_sons, "
        f"SUM(CASE WHEN c.sex = {_FEMALE} AND {_alive('c')} THEN 1 ELSE 0 END) AS living_daughters, "
        f"SUM(CASE WHEN {_alive('c')} AND c.birth_date > %s THEN 1 ELSE 0 END) AS under_3, "
        f"MIN(CASE WHEN {_alive('c')} THEN c.disability_grade END) AS child_grade "
        f"FROM {source} x JOIN registry_person c ON c.id = x.child_id GROUP BY x.{key}"
    )
    return sql, [on, on, on, on, on, on, under_3, on, on]


def _years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _person_parentage(query: _Query, on: datetime.date, parents: str) -> None:
    """``pcounts``: child counts per parent, for the parents in CTE ``parents`` (column ``id``). Each child
    counts once per parent: births are one per child; an adoption counts unless an earlier event counted it."""
    births = (
        f"SELECT e.mother_id AS parent_id, e.child_id FROM registry_lifeevent e "
        f"WHERE e.kind = {_BIRTH} AND e.date <= %s AND e.mother_id IN (SELECT id FROM {parents}) "
        f"UNION ALL SELECT e.father_id, e.child_id FROM registry_lifeevent e "
        f"WHERE e.kind = {_BIRTH} AND e.date <= %s AND e.father_id IN (SELECT id FROM {parents}) "
        f"AND (e.mother_id IS NULL OR e.mother_id <> e.father_id)"
    )
    adoptions = (
        f"SELECT e.mother_id, e.child_id FROM registry_lifeevent e "
        f"WHERE e.kind = '{EventKind.ADOPTION.value}' AND e.date <= %s AND e.mother_id IN (SELECT id FROM {parents}) "
        f"AND {_not_counted_before('e', 'e2.mother_id = e.mother_id OR e2.father_id = e.mother_id')} "
        f"UNION ALL SELECT e.father_id, e.child_id FROM registry_lifeevent e "
        f"WHERE e.kind = '{EventKind.ADOPTION.value}' AND e.date <= %s AND e.father_id IN (SELECT id FROM {parents}) "
        f"AND (e.mother_id IS NULL OR e.mother_id <> e.father_id) "
        f"AND {_not_counted_before('e', 'e2.mother_id = e.father_id OR e2.father_id = e.father_id')}"
    )
    query.cte("pk", f"{births} UNION ALL {adoptions}", [on, on, on, on, on, on])
    sums, params = _child_sums(on, "parent_id", "pk")
    query.cte("pcounts", sums, params)


def couple_sql(on: datetime.date, households: str) -> tuple[str, list[Any]]:
    """The head and spouse of each household in ``households`` (a CTE or subquery with column ``id``) that day."""
    return (
        f"SELECT m.household_id, m.person_id FROM registry_membership m WHERE {_membership_on('m')} "
        f"AND m.relation IN {_COUPLE} AND m.household_id IN (SELECT id FROM {households})",
        [on, on],
    )


def _household_counts(
    query: _Query, on: datetime.date, households: str, *, members: bool, couple_table: str | None = None
) -> None:
    """``hcounts`` (and ``hmembers``): the children of each household's couple, for households in CTE
    ``households`` (column ``id``). A parentage event counts for the household of the mother's couple, and
    for the father's if that is another household; an adoption only where no earlier event counted the child
    for that household. ``couple_table`` holds the couples already (``couple_sql``), read at each use."""
    on_date = _membership_on("m")
    # Inline CTEs (planned at each use) let PostgreSQL run the joins below in parallel workers.
    if couple_table is not None:
        query.cte("hcouple", f"SELECT household_id, person_id FROM {couple_table}", inline=True)
    else:
        sql, params = couple_sql(on, households)
        query.cte("hcouple", sql, params, inline=True)
    if members:
        query.cte(
            "hmembers",
            f"SELECT m.household_id, COUNT(*) AS n FROM registry_membership m "
            f"WHERE {on_date} AND m.household_id IN (SELECT id FROM {households}) GROUP BY m.household_id",
            [on, on],
        )

    def events(kind: str) -> str:
        return (
            "SELECT e.id, e.date, e.child_id, cm.household_id AS hm, cf.household_id AS hf "
            "FROM registry_lifeevent e LEFT JOIN hcouple cm ON cm.person_id = e.mother_id "
            "LEFT JOIN hcouple cf ON cf.person_id = e.father_id "
            f"WHERE e.kind = '{kind}' AND e.date <= %s "
            "AND (cm.household_id IS NOT NULL OR cf.household_id IS NOT NULL)"
        )

    query.cte("pe", events(EventKind.BIRTH.value), [on], inline=True)
    query.cte("pa", events(EventKind.ADOPTION.value), [on], inline=True)

    def in_couple(household: str) -> str:
        return (
            "EXISTS (SELECT 1 FROM registry_membership m2 WHERE m2.household_id = "
            f"{household} AND m2.relation IN {_COUPLE} AND {_membership_on('m2')} "
            "AND (m2.person_id = e2.mother_id OR m2.person_id = e2.father_id))"
        )

    # A birth counts once for the mother's household (n = 1) and once for the father's if another (n = 2), in
    # one pass over the births that parallel workers can share; the few adoptions are checked one by one.
    mother, father = "t.n = 1 AND x.hm IS NOT NULL", "t.n = 2 AND x.hf IS NOT NULL AND (x.hm IS NULL OR x.hm <> x.hf)"
    unpivot = "SELECT CASE WHEN t.n = 1 THEN x.hm ELSE x.hf END AS household_id, x.child_id FROM {source} x "
    unpivot += "CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) t WHERE "
    query.cte(
        "hk",
        unpivot.format(source="pe")
        + f"({mother}) OR ({father}) UNION ALL "
        + unpivot.format(source="pa")
        + f"({mother} AND {_not_counted_before('x', in_couple('x.hm'))}) "
        f"OR ({father} AND {_not_counted_before('x', in_couple('x.hf'))})",
        [on] * 6,
        inline=True,
    )
    sums, params = _child_sums(on, "household_id", "hk")
    query.cte("hcounts", sums, params)


def _firsts(query: _Query, on: datetime.date, persons: str, *, marriage: bool, birth: bool) -> None:
    """``fm``/``fb``: first marriage and first child's birth (as a parent) of persons in CTE ``persons``."""
    if marriage:
        query.cte(
            "fm",
            "SELECT x.pid, MIN(x.d) AS d FROM ("
            f"SELECT e.person_id AS pid, e.date AS d FROM registry_lifeevent e "
            f"WHERE e.person_id IN (SELECT id FROM {persons}) AND e.kind = {_MARRIAGE} AND e.date <= %s UNION ALL "
            f"SELECT e.other_person_id, e.date FROM registry_lifeevent e "
            f"WHERE e.other_person_id IN (SELECT id FROM {persons}) AND e.kind = {_MARRIAGE} AND e.date <= %s) x "
            "GROUP BY x.pid",
            [on, on],
        )
    if birth:
        query.cte(
            "fb",
            "SELECT x.pid, MIN(x.d) AS d FROM ("
            f"SELECT e.mother_id AS pid, e.date AS d FROM registry_lifeevent e "
            f"WHERE e.mother_id IN (SELECT id FROM {persons}) AND e.kind = {_BIRTH} AND e.date <= %s UNION ALL "
            f"SELECT e.father_id, e.date FROM registry_lifeevent e "
            f"WHERE e.father_id IN (SELECT id FROM {persons}) AND e.kind = {_BIRTH} AND e.date <= %s) x GROUP BY x.pid",
            [on, on],
        )


def _units_sql(qs: QuerySet[Any], fields: Sequence[str]) -> tuple[str, list[Any]]:
    sql, params = qs.order_by().values(*fields).query.sql_with_params()
    return sql, list(params)


# --- persons ----------------------------------------------------------------------------------------------


def person_units_sql(base: QuerySet[Person], *, on: datetime.date, pushdown: Q | None) -> tuple[str, list[Any]]:
    """The persons the table is about, with their plain facts (age, alive, disability grade), cut by
    ``pushdown``. A record merged into another is nobody's unit: the survivor stands for the person."""
    units = base.exclude(status=PersonStatus.MERGED).annotate(
        age=age_on(on),
        alive=ExpressionWrapper(
            Q(birth_date__lte=on) & (Q(death_date__isnull=True) | Q(death_date__gt=on)), output_field=BooleanField()
        ),
    )
    if pushdown is not None:
        units = units.filter(pushdown)
    return _units_sql(units, ["id", "orgunit_id", "sex", "status", "birth_date", "age", "alive", "disability_grade"])


def person_facts_sql(
    base: QuerySet[Person],
    *,
    on: datetime.date,
    names: set[str] | None,
    pushdown: Q | None = None,
    units_table: str | None = None,
) -> tuple[list[str], str, list[Any]]:
    """(columns, SELECT, params) of the person fact table for ``base`` on ``on``; ``names`` limits the facts
    computed (None: all); ``pushdown`` is a condition on the plain facts (age, sex, alive, status, birth date,
    disability grade) every unit must meet, applied before the joins. ``units_table``: a table already holding
    the units (as ``person_units_sql`` selects them), read instead of the registry at each use."""
    wanted = set(names) if names is not None else set(_columns(PersonFacts))
    if wanted & {"household_family_type", "couple_wife_age"}:
        wanted |= {"household_id"}
    need_membership = bool(wanted & (MEMBERSHIP | {"household_family_type", "couple_wife_age"}))
    need_counts = bool(wanted & (COUNTS | {"has_living_child_under_3"}))
    need_marriage = bool(wanted & {"first_marriage_date", "age_at_first_marriage"})
    need_birth = bool(wanted & {"first_child_birth_date", "age_at_first_birth"})

    query = _Query()
    if units_table is None:
        sql, params = person_units_sql(base, on=on, pushdown=pushdown)
        query.cte("u", sql, params, inline=True)
    else:
        query.cte("u", f"SELECT * FROM {units_table}", inline=True)
    columns = ["id", "orgunit_id", "sex", "status", "birth_date", "age", "alive", "disability_grade"]
    select = ["u.id", "u.orgunit_id", "u.sex", "u.status", "u.birth_date", "u.age", "u.alive", "u.disability_grade"]
    joins: list[str] = []
    select_params: list[Any] = []
    if need_membership:
        query.cte(
            "pm",
            f"SELECT m.person_id, m.household_id, m.relation FROM registry_membership m "
            f"WHERE {_membership_on('m')} AND m.person_id IN (SELECT id FROM u)",
            [on, on],
        )
        joins.append("LEFT JOIN pm ON pm.person_id = u.id LEFT JOIN registry_household h ON h.id = pm.household_id")
        columns += ["household_id", "household_head_id", "residence", "relation"]
        select += ["pm.household_id", "h.head_id", "h.residence", "pm.relation"]
    if need_counts:
        _person_parentage(query, on, "u")
        joins.append("LEFT JOIN pcounts k ON k.k = u.id")
        sons, daughters = "COALESCE(k.sons_ever, 0)", "COALESCE(k.daughters_ever, 0)"
        living_sons, living_daughters = "COALESCE(k.living_sons, 0)", "COALESCE(k.living_daughters, 0)"
        columns += [*sorted(COUNTS - {"family_type", "child_disability_grade"}), "family_type"]
        columns += ["child_disability_grade", "has_living_child_under_3"]
        counts = {
            "children_ever": f"{sons} + {daughters}",
            "daughters_ever": daughters,
            "living_children": f"{living_sons} + {living_daughters}",
            "living_daughters": living_daughters,
            "living_sons": living_sons,
            "sons_ever": sons,
        }
        select += [counts[c] for c in sorted(COUNTS - {"family_type", "child_disability_grade"})]
        select += [_family_type(sons, daughters), "k.child_grade", _bool("COALESCE(k.under_3, 0) > 0")]
    if need_marriage or need_birth:
        _firsts(query, on, "u", marriage=need_marriage, birth=need_birth)
    if need_marriage:
        joins.append("LEFT JOIN fm ON fm.pid = u.id")
        columns += ["first_marriage_date", "age_at_first_marriage"]
        select += ["fm.d", f"CASE WHEN fm.d IS NULL THEN NULL ELSE {_years('u.birth_date', 'fm.d')} END"]
    if need_birth:
        joins.append("LEFT JOIN fb ON fb.pid = u.id")
        columns += ["first_child_birth_date", "age_at_first_birth"]
        select += ["fb.d", f"CASE WHEN fb.d IS NULL THEN NULL ELSE {_years('u.birth_date', 'fb.d')} END"]
    if "household_family_type" in wanted:
        query.cte("ph", "SELECT DISTINCT household_id AS id FROM pm WHERE household_id IS NOT NULL")
        _household_counts(query, on, "ph", members=False)
        joins.append("LEFT JOIN hcounts hk2 ON hk2.k = pm.household_id")
        columns.append("household_family_type")
        select.append(
            "CASE WHEN pm.household_id IS NULL THEN NULL ELSE "
            f"{_family_type('COALESCE(hk2.sons_ever, 0)', 'COALESCE(hk2.daughters_ever, 0)')} END"
        )
    if "couple_wife_age" in wanted:
        # The eldest woman among the head and the spouse of the person's household that day.
        query.cte(
            "wives",
            "SELECT m.household_id, MIN(w.birth_date) AS born FROM registry_membership m "
            "JOIN registry_person w ON w.id = m.person_id "
            f"WHERE {_membership_on('m')} AND m.relation IN {_COUPLE} AND w.sex = {_FEMALE} "
            "AND m.household_id IN (SELECT household_id FROM pm) GROUP BY m.household_id",
            [on, on],
        )
        joins.append("LEFT JOIN wives wv ON wv.household_id = pm.household_id")
        columns.append("couple_wife_age")
        select.append(f"CASE WHEN wv.born IS NULL THEN NULL ELSE ((%s - {_ymd('wv.born')}) / 10000) END")
        select_params.append(int(on.strftime("%Y%m%d")))
    sql, params = query.sql(
        f"SELECT {_final_select(PersonFacts, columns, select)} FROM u {' '.join(joins)}", select_params
    )
    return columns, sql, params


# --- households -------------------------------------------------------------------------------------------


def household_units_sql(base: QuerySet[Household], *, pushdown: Q | None) -> tuple[str, list[Any]]:
    units = base.filter(pushdown) if pushdown is not None else base
    return _units_sql(units, ["id", "orgunit_id", "head_id", "residence"])


def household_facts_sql(
    base: QuerySet[Household],
    *,
    on: datetime.date,
    names: set[str] | None,
    pushdown: Q | None = None,
    couple_table: str | None = None,
) -> tuple[list[str], str, list[Any]]:
    """(columns, SELECT, params) of the household fact table for ``base`` on ``on``; ``couple_table``: the
    couples of these households, materialised beforehand (``couple_sql``)."""
    wanted = set(names) if names is not None else set(_columns(HouseholdFacts))
    query = _Query()
    sql, params = household_units_sql(base, pushdown=pushdown)
    query.cte("u", sql, params, inline=True)
    columns = ["id", "orgunit_id", "head_id", "residence"]
    select = ["u.id", "u.orgunit_id", "u.head_id", "u.residence"]
    joins: list[str] = []
    need_members = "members" in wanted
    need_counts = bool(wanted & COUNTS)
    spouses = wanted & {"husband_marriage_age", "wife_marriage_age", "wife_first_birth_age"}
    if need_members or need_counts or spouses:
        _household_counts(query, on, "u", members=need_members, couple_table=couple_table)
    if need_members:
        joins.append("LEFT JOIN hmembers mb ON mb.household_id = u.id")
        columns.append("members")
        select.append("COALESCE(mb.n, 0)")
    if need_counts:
        joins.append("LEFT JOIN hcounts k ON k.k = u.id")
        sons, daughters = "COALESCE(k.sons_ever, 0)", "COALESCE(k.daughters_ever, 0)"
        living_sons, living_daughters = "COALESCE(k.living_sons, 0)", "COALESCE(k.living_daughters, 0)"
        columns += [
            "sons_ever",
            "daughters_ever",
            "children_ever",
            "living_sons",
            "living_daughters",
            "living_children",
            "family_type",
            "child_disability_grade",
        ]
        select += [
            sons,
            daughters,
            f"{sons} + {daughters}",
            living_sons,
            living_daughters,
            f"{living_sons} + {living_daughters}",
            _family_type(sons, daughters),
            "k.child_grade",
        ]
    if spouses:
        query.cte("cp", "SELECT DISTINCT person_id AS id FROM hcouple")
        _firsts(query, on, "cp", marriage=True, birth=True)
        query.cte(
            "sp",
            "SELECT c.household_id, "
            f"MAX(CASE WHEN p.sex = {_MALE} AND fm.d IS NOT NULL THEN {_years('p.birth_date', 'fm.d')} END) AS hm, "
            f"MAX(CASE WHEN p.sex = {_FEMALE} AND fm.d IS NOT NULL THEN {_years('p.birth_date', 'fm.d')} END) AS wm, "
            f"MAX(CASE WHEN p.sex = {_FEMALE} AND fb.d IS NOT NULL THEN {_years('p.birth_date', 'fb.d')} END) AS wb "
            "FROM hcouple c JOIN registry_person p ON p.id = c.person_id "
            "LEFT JOIN fm ON fm.pid = p.id LEFT JOIN fb ON fb.pid = p.id GROUP BY c.household_id",
        )
        joins.append("LEFT JOIN sp ON sp.household_id = u.id")
        columns += ["husband_marriage_age", "wife_marriage_age", "wife_first_birth_age"]
        select += ["sp.hm", "sp.wm", "sp.wb"]
    sql, params = query.sql(f"SELECT {_final_select(HouseholdFacts, columns, select)} FROM u {' '.join(joins)}")
    return columns, sql, params


# --- the temporary table ----------------------------------------------------------------------------------


def _final_select(model: type[PersonFacts] | type[HouseholdFacts], columns: list[str], select: list[str]) -> str:
    """The fact table's columns in the model's order, each cast to its type; facts not computed are NULL."""
    computed = dict(zip(columns, select, strict=True))
    return ", ".join(f"CAST({computed.get(c, 'NULL')} AS {_type(c)}) AS {_q(c)}" for c in _columns(model))


def _fill(model: type[PersonFacts] | type[HouseholdFacts], sql: str, params: list[Any]) -> None:
    table = _q(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        # CREATE TABLE AS, unlike INSERT ... SELECT, may use parallel workers on PostgreSQL.
        cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")


UNITS_TABLE = "benefits_facts_units"
COUPLE_TABLE = "benefits_facts_couple"


def _materialise(table: str, sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {_q(table)} AS {sql}", params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {_q(table)}")


def _drop(model: type[PersonFacts] | type[HouseholdFacts]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(model._meta.db_table)}")


@contextmanager
def fact_table(
    unit: str,
    base: QuerySet[Any],
    *,
    on: datetime.date,
    names: set[str] | None = None,
    pushdown: Q | None = None,
) -> Iterator[Any]:
    """The fact table of ``base`` (persons or households, already cut to the scope) on ``on``, for the
    duration of the block, inside a transaction (so a failure leaves nothing behind)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The joins and aggregates of a whole district fit in memory (spilling them to disk triples
                # the time), and compiling these one-off queries to machine code costs more than it saves.
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL jit = off")
        model: type[PersonFacts] | type[HouseholdFacts]
        if unit == "person":
            model = PersonFacts
            # The persons are read five times (memberships, births as mother and as father, adoptions, the
            # result): a narrow table of them is cheaper to scan than the person table each time.
            units_sql, units_params = person_units_sql(base, on=on, pushdown=pushdown)
            _materialise(UNITS_TABLE, units_sql, units_params)
            _columns_computed, sql, params = person_facts_sql(
                base, on=on, names=names, pushdown=pushdown, units_table=_q(UNITS_TABLE)
            )
        else:
            model = HouseholdFacts
            # The couples are read four times (the mothers and fathers of births and of adoptions).
            units_sql, units_params = household_units_sql(base, pushdown=pushdown)
            couples, couple_params = couple_sql(on, f"({units_sql}) hu")
            _materialise(COUPLE_TABLE, couples, [*couple_params, *units_params])
            _columns_computed, sql, params = household_facts_sql(
                base, on=on, names=names, pushdown=pushdown, couple_table=_q(COUPLE_TABLE)
            )
        _fill(model, sql, params)
        yield model
        _drop(model)
        with connection.cursor() as cursor:
            for table in (UNITS_TABLE, COUPLE_TABLE):
                cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")
