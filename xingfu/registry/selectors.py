"""Reads of the registry, always cut to the user's scope (``xingfu.accounts.access.scoped``) and to roles
that may see the registry at all."""

import datetime
import re
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Length, Replace, Reverse
from django.utils import timezone

from xingfu.accounts.access import access_orgunit_by_code, scoped
from xingfu.accounts.roles import Perm
from xingfu.core.errors import NotFound, ValidationFailed
from xingfu.registry.facts import age_between
from xingfu.registry.models import Household, LifeEvent, Membership, Person, PersonStatus
from xingfu.registry.pinyin import query_letters
from xingfu.registry.resident_id import compact, normalise

_HAN = re.compile(r"[\u3400-\u9fff]")
_ID_QUERY = re.compile(r"^\d{4,17}[\dX]?$")
# A number copied from a masked list: 370406********123X.
_MASKED_ID_QUERY = re.compile(r"^(\d{6})\*+(\d{3}[\dX])$")


def _may_view(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.can(Perm.REGISTRY_VIEW))


def persons_for_user(user: Any) -> QuerySet[Person]:
    if not _may_view(user):
        return Person.objects.none()
    return scoped(user, Person.objects.all(), "orgunit__path")


def households_for_user(user: Any) -> QuerySet[Household]:
    if not _may_view(user):
        return Household.objects.none()
    return scoped(user, Household.objects.all(), "orgunit__path")


def events_for_user(user: Any) -> QuerySet[LifeEvent]:
    if not _may_view(user):
        return LifeEvent.objects.none()
    return scoped(user, LifeEvent.objects.all(), "orgunit__path")


def _pk(value: Any) -> int | None:
    """``value`` as a primary key, or None for anything that cannot be one (so no query overflows)."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) <= 18 else None


def person_get(user: Any, pk: Any) -> Person:
    """The person with ``pk`` if the user may see her; 404 otherwise, whether she exists or not."""
    key = _pk(pk)
    person = persons_for_user(user).select_related("orgunit").filter(pk=key).first() if key else None
    if person is None:
        raise NotFound("No such person in your scope.")
    return person


def household_get(user: Any, pk: Any) -> Household:
    key = _pk(pk)
    household = households_for_user(user).select_related("orgunit", "head").filter(pk=key).first() if key else None
    if household is None:
        raise NotFound("No such household in your scope.")
    return household


def person_search(qs: QuerySet[Person], query: str) -> QuerySet[Person]:
    """Narrow ``qs`` by what a clerk types: a resident-ID number or its last digits (4 or more), a Chinese
    name or part of one, or pinyin ("zhang wei", "zhangwei" or the initials "zw"; one or two letters are
    initials or the start of the pinyin).

    Each condition is written so that an index serves it on PostgreSQL (migration 0006): the ID tail as a
    prefix of ``reverse(id_number)``, names and pinyin through trigrams. A trigram index needs three
    characters in a row, so shorter text is matched at the start or end of the field, where the index pads
    it into trigrams (a single Chinese character is still looked for anywhere: it matches so many names that
    the list's own order finds a page soon). SQLite reads the same conditions without those indexes."""
    query = (query or "").strip()
    if not query:
        return qs
    id_query = compact(query)
    masked = _MASKED_ID_QUERY.match(id_query)
    if masked:
        return _id_ends_with(qs, masked.group(2)).filter(id_number__startswith=masked.group(1))
    if _ID_QUERY.match(id_query):
        if len(id_query) == 18:
            return qs.filter(id_number=id_query)
        if len(id_query) == 15:
            # A legacy number: its 18-digit form, if it is one; otherwise treat it as a tail.
            try:
                return qs.filter(id_number=normalise(id_query))
            except ValidationFailed:
                pass
        return _id_ends_with(qs, id_query)
    if _HAN.search(query):
        return _name_contains(qs, "".join(query.split()))
    letters = query_letters(query)
    if not letters:
        return qs.none()
    # "zhangwei" against "zhang wei": compare with the spaces taken out (the expression the index holds).
    qs = qs.alias(pinyin_compact=Replace("pinyin", Value(" "), Value("")))
    if len(letters) < 3:
        return qs.filter(Q(pinyin_initials__startswith=letters) | Q(pinyin_compact__startswith=letters))
    words = query.lower().split()
    in_pinyin = Q(pinyin_compact__contains=letters)
    if len(words) > 1:
        # Implied by the words in order, and what the index can find; the words then check the spaces.
        in_pinyin &= Q(pinyin__contains=" ".join(words))
    return qs.filter(Q(pinyin_initials__startswith=letters) | in_pinyin)


def _id_ends_with(qs: QuerySet[Person], tail: str) -> QuerySet[Person]:
    """Resident-ID numbers ending in ``tail``: the start of the reversed number, which an index serves."""
    return qs.alias(id_number_reversed=Reverse("id_number")).filter(id_number_reversed__startswith=tail[::-1])


def _name_contains(qs: QuerySet[Person], text: str) -> QuerySet[Person]:
    """Names containing ``text``. Two characters form no trigram, so they are looked for at the start or
    the end of the name (the whole of a name of three characters or fewer) and, in longer names, anywhere."""
    if len(text) != 2:
        return qs.filter(name__contains=text)
    qs = qs.alias(name_length=Length("name"))
    return qs.filter(Q(name__startswith=text) | Q(name__endswith=text) | Q(name_length__gt=3, name__contains=text))


def persons_filtered(
    user: Any,
    *,
    q: str = "",
    orgunit_code: str = "",
    sex: str = "",
    status: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    on: datetime.date | None = None,
) -> QuerySet[Person]:
    """Persons in the user's scope narrowed by the list filters; ``orgunit_code`` takes its whole subtree."""
    qs = persons_for_user(user)
    if orgunit_code:
        unit = access_orgunit_by_code(user, orgunit_code)
        qs = qs.filter(orgunit__path__startswith=unit.path)
    if sex:
        qs = qs.filter(sex=sex)
    # A merged-away duplicate is history, found only when asked for by its status.
    qs = qs.filter(status=status) if status else qs.exclude(status=PersonStatus.MERGED)
    if age_min is not None or age_max is not None:
        qs = qs.filter(age_between(on=on or timezone.localdate(), age_min=age_min, age_max=age_max))
    return person_search(qs, q)


def with_current_household(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Add ``current_household_id`` and ``current_household_number`` (the open membership) for lists."""
    open_membership = Membership.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    return qs.annotate(
        current_household_id=Subquery(open_membership.values("household_id")[:1]),
        current_household_number=Subquery(open_membership.values("household__number")[:1]),
        current_relation=Subquery(open_membership.values("relation")[:1]),
    )


def registry_counts(user: Any) -> dict[str, int]:
    """Households, residents and the three statuses in the user's scope, in two queries (merged-away
    duplicates are not residents)."""
    persons = (
        persons_for_user(user)
        .exclude(status=PersonStatus.MERGED)
        .aggregate(
            total=Count("id"),
            alive=Count("id", filter=Q(status=PersonStatus.ALIVE)),
            dead=Count("id", filter=Q(status=PersonStatus.DEAD)),
            moved_out=Count("id", filter=Q(status=PersonStatus.MOVED_OUT)),
        )
    )
    return {"households": households_for_user(user).count(), **{k: v or 0 for k, v in persons.items()}}


def household_members(household: Household) -> QuerySet[Membership]:
    """Everyone who belongs or belonged to the household, current members first."""
    return household.memberships.select_related("person").order_by(
        F("end_date").asc(nulls_first=True), "start_date", "id"
    )


def household_timeline(household: Household) -> QuerySet[LifeEvent]:
    """Events of the household and of everyone who was ever a member, newest first."""
    # The few member ids as literal values: a subquery here made PostgreSQL scan every life event.
    member_ids = list(household.memberships.values_list("person_id", flat=True))
    return (
        LifeEvent.objects.filter(Q(household=household) | Q(person__in=member_ids) | Q(other_person__in=member_ids))
        .select_related("person", "other_person", "mother", "father", "household")
        .order_by("-date", "-id")
    )


def person_timeline(person: Person) -> QuerySet[LifeEvent]:
    """Events about the person, her marriages and the births and adoptions of her children, newest first."""
    return (
        LifeEvent.objects.filter(Q(person=person) | Q(other_person=person) | Q(mother=person) | Q(father=person))
        .select_related("person", "other_person", "mother", "father", "household")
        .order_by("-date", "-id")
    )


def person_memberships(person: Person) -> QuerySet[Membership]:
    return person.memberships.select_related("household", "household__orgunit").order_by("-start_date", "-id")


def households_with_heads(qs: QuerySet[Household]) -> QuerySet[Household]:
    """For household lists: village and head in the same query, and the count of current members."""
    return qs.select_related("orgunit", "head").annotate(
        n_members=Count("memberships", filter=Q(memberships__end_date__isnull=True))
    )
