"""Derived facts about persons and households on a reference date, as SQL annotations.

Benefits decide eligibility over whole populations, so every fact here is an expression or a correlated
subquery added to a queryset: the caller filters on it (``.filter(age__gte=60, family_type__in=ONLY_CHILD)``)
and the database does the work. Nothing here loops over persons in Python.

Children are counted through parentage events (births and adoptions) naming the person as mother or father,
on or before the date. "Ever" counts include children who have since died (the special-assistance
programme needs them); "living" counts only children alive on the date. A household's children are the
children of its couple on the date: the head and the spouse, counted once each.

    from xingfu.registry.facts import households_with_facts, persons_with_facts, FamilyType
    persons_with_facts(persons_for_user(user), on=date(2026, 1, 1)).filter(age__gte=60, residence="rural")
"""

import datetime
from typing import Any

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from xingfu.registry.models import (
    PARENTAGE_KINDS,
    EventKind,
    Household,
    LifeEvent,
    Membership,
    Person,
    Relation,
    Sex,
)


class FamilyType(models.TextChoices):
    """The shape of a family by the children ever born to or adopted by its parents."""

    NO_CHILD = "none", _("No child")
    ONLY_SON = "only_son", _("Only child (a son)")
    ONLY_DAUGHTER = "only_daughter", _("Only child (a daughter)")
    TWO_DAUGHTERS = "two_daughters", _("Two daughters")
    OTHER = "other", _("Other")


# "Only-child family" in the programmes: one child ever, son or daughter.
ONLY_CHILD = (FamilyType.ONLY_SON, FamilyType.ONLY_DAUGHTER)

# The annotation names each function adds, so callers (and tests) can name them.
CHILD_COUNTS = ("sons_ever", "daughters_ever", "children_ever", "living_sons", "living_daughters", "living_children")


def age_on(on: datetime.date, field: str = "birth_date") -> Combinable:
    """Completed years of age on ``on`` (a birthday on 29 February comes on 1 March in other years)."""
    birthday_to_come = Q(**{f"{field}__month__gt": on.month}) | Q(
        **{f"{field}__month": on.month, f"{field}__day__gt": on.day}
    )
    return ExpressionWrapper(
        Value(on.year)
        - ExtractYear(field)
        - Case(When(birthday_to_come, then=Value(1)), default=Value(0), output_field=IntegerField()),
        output_field=IntegerField(),
    )


def _years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February in a year without one
        return on.replace(year=on.year - years, day=28)


def age_between(*, on: datetime.date, age_min: int | None = None, age_max: int | None = None) -> Q:
    """A condition on ``birth_date`` meaning "aged age_min..age_max (inclusive) on ``on``".

    Written as a date range rather than on ``age_on`` so that it uses the index on birth_date.
    """
    condition = Q()
    if age_min is not None:
        condition &= Q(birth_date__lte=_years_before(on, age_min))
    if age_max is not None:
        condition &= Q(birth_date__gt=_years_before(on, age_max + 1))
    return condition


class _CountDistinct(Func):
    """COUNT(DISTINCT x) as a plain function, so that a subquery counts without a GROUP BY."""

    template = "COUNT(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def _count(events: QuerySet[LifeEvent]) -> Coalesce:
    return Coalesce(
        Subquery(events.order_by().annotate(n=_CountDistinct(F("child"))).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _alive_on(on: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}birth_date__lte": on}) & (
        Q(**{f"{prefix}death_date__isnull": True}) | Q(**{f"{prefix}death_date__gt": on})
    )


def _child_counts(parentage: QuerySet[LifeEvent], on: datetime.date) -> dict[str, Combinable]:
    """The six child counts over ``parentage`` (events already tied to the outer row's parents)."""
    living = parentage.filter(_alive_on(on, "child__"))
    counts: dict[str, Combinable] = {
        "sons_ever": _count(parentage.filter(child__sex=Sex.MALE)),
        "daughters_ever": _count(parentage.filter(child__sex=Sex.FEMALE)),
        "living_sons": _count(living.filter(child__sex=Sex.MALE)),
        "living_daughters": _count(living.filter(child__sex=Sex.FEMALE)),
    }
    return counts


def _family_type() -> Case:
    return Case(
        When(Q(sons_ever=0, daughters_ever=0), then=Value(FamilyType.NO_CHILD.value)),
        When(Q(sons_ever=1, daughters_ever=0), then=Value(FamilyType.ONLY_SON.value)),
        When(Q(sons_ever=0, daughters_ever=1), then=Value(FamilyType.ONLY_DAUGHTER.value)),
        When(Q(sons_ever=0, daughters_ever=2), then=Value(FamilyType.TWO_DAUGHTERS.value)),
        default=Value(FamilyType.OTHER.value),
        output_field=CharField(),
    )


def _with_totals_and_type(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.annotate(
        children_ever=F("sons_ever") + F("daughters_ever"),
        living_children=F("living_sons") + F("living_daughters"),
        family_type=_family_type(),
    )


def _parentage_until(on: datetime.date) -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(kind__in=PARENTAGE_KINDS, date__lte=on)


def _membership_on(on: datetime.date) -> QuerySet[Membership]:
    return Membership.objects.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gt=on))


def persons_with_facts(qs: QuerySet[Person], *, on: datetime.date) -> QuerySet[Any]:
    """``qs`` annotated, for the date ``on``, with:

    - ``age`` (completed years) and ``alive`` (born and not dead on the date)
    - ``household_id`` and ``residence`` ("rural"/"urban") of the household the person belonged to that day
      (None when in none), and ``relation`` to its head
    - as a parent: ``sons_ever``, ``daughters_ever``, ``children_ever``, ``living_sons``,
      ``living_daughters``, ``living_children`` and ``family_type`` (a ``FamilyType`` value)
    - ``first_marriage_date`` and ``first_child_birth_date`` (as a parent), None if none by the date
    """
    membership = _membership_on(on).filter(person=OuterRef("pk")).order_by("-start_date")
    parentage = _parentage_until(on).filter(Q(mother=OuterRef("pk")) | Q(father=OuterRef("pk")))
    marriages = LifeEvent.objects.filter(kind=EventKind.MARRIAGE, date__lte=on).filter(
        Q(person=OuterRef("pk")) | Q(other_person=OuterRef("pk"))
    )
    annotated = qs.annotate(
        age=age_on(on),
        alive=ExpressionWrapper(_alive_on(on), output_field=models.BooleanField()),
        household_id=Subquery(membership.values("household_id")[:1]),
        residence=Subquery(membership.values("household__residence")[:1]),
        relation=Subquery(membership.values("relation")[:1]),
        first_marriage_date=Subquery(marriages.order_by("date").values("date")[:1]),
        first_child_birth_date=Subquery(parentage.filter(kind=EventKind.BIRTH).order_by("date").values("date")[:1]),
        **_child_counts(parentage, on),
    )
    return _with_totals_and_type(annotated)


def households_with_facts(qs: QuerySet[Household], *, on: datetime.date) -> QuerySet[Any]:
    """``qs`` annotated, for the date ``on``, with ``members`` (persons belonging that day) and the child
    counts and ``family_type`` of the household's couple (head and spouse that day); ``residence`` is
    the household's own field."""
    # The couple as two scalar columns (head first, then the spouse), so that the parentage subqueries
    # compare ``mother``/``father`` with plain values and use their indexes; "IN (couple)" made PostgreSQL
    # scan every life event for each household.
    couple = (
        _membership_on(on)
        .filter(household=OuterRef("pk"), relation__in=[Relation.HEAD, Relation.SPOUSE])
        .order_by(Case(When(relation=Relation.HEAD, then=Value(0)), default=Value(1)), "start_date", "id")
        .values("person")
    )
    qs = qs.annotate(_partner_a=Subquery(couple[:1]), _partner_b=Subquery(couple[1:2]))
    parentage = _parentage_until(on).filter(
        Q(mother=OuterRef("_partner_a"))
        | Q(father=OuterRef("_partner_a"))
        | Q(mother=OuterRef("_partner_b"))
        | Q(father=OuterRef("_partner_b"))
    )
    members = _membership_on(on).filter(household=OuterRef("pk"))
    annotated = qs.annotate(
        members=Coalesce(
            Subquery(
                members.order_by()
                .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
                .values("n")[:1]
            ),
            Value(0),
            output_field=IntegerField(),
        ),
        **_child_counts(parentage, on),
    )
    return _with_totals_and_type(annotated)


def has_living_child_under(*, on: datetime.date, years: int) -> Exists:
    """For a Person queryset: the person is a parent of a child alive on ``on`` and younger than ``years``
    (the childcare subsidy: a child under 3)."""
    return Exists(
        _parentage_until(on)
        .filter(Q(mother=OuterRef("pk")) | Q(father=OuterRef("pk")))
        .filter(_alive_on(on, "child__"), child__birth_date__gt=_years_before(on, years))
    )


def spouse_on(person: Person, on: datetime.date) -> Person | None:
    """``person``'s spouse on ``on``: the latest marriage by then, unless a divorce of the same couple or the
    spouse's death came after it. One person's few marriage events, read in date order."""
    events = (
        LifeEvent.objects.filter(kind__in=[EventKind.MARRIAGE, EventKind.DIVORCE], date__lte=on)
        .filter(Q(person=person) | Q(other_person=person))
        .select_related("person", "other_person")
        .order_by("date", "id")
    )
    spouse: Person | None = None
    for event in events:
        other = event.other_person if event.person_id == person.pk else event.person
        if event.kind == EventKind.MARRIAGE:
            spouse = other
        elif spouse is not None and other is not None and other.pk == spouse.pk:
            spouse = None
    if spouse is not None and spouse.death_date is not None and spouse.death_date <= on:
        return None
    return spouse
