"""Reads of the outreach app, always cut by the user's scope (``xingfu.outreach.access``), plus the
set-based counts the analytics module turns into indicators (``outreach_counts``)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from xingfu.accounts.access import scope_path, scoped
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.outreach.access import (
    access_campaigns,
    access_events,
    access_media_pieces,
    access_trainings,
)
from xingfu.outreach.models import Attendance, Campaign, Event, EventKind, MediaPiece, Training
from xingfu.registry.models import Person, PersonStatus
from xingfu.registry.selectors import person_search

# The kinds of activity the coverage view shows per village: the event kinds, and trainings held there.
TRAINING = "training"
ACTIVITY_KINDS: list[str] = [*EventKind.values, TRAINING]


def activity_label(kind: str) -> str:
    """The name of an activity kind in the user's language."""
    return str(_("Village training")) if kind == TRAINING else str(EventKind(kind).label)


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- lists -------------------------------------------------------------------------------------------------


def campaigns_for_user(user: Any, *, q: str = "", year: int | None = None) -> QuerySet[Campaign]:
    """Campaigns the user may see, newest first, each with the number of its events in her scope."""
    prefix = scope_path(user) or "\x00"
    qs = access_campaigns(user).select_related("orgunit")
    if q:
        qs = qs.filter(Q(theme__icontains=q) | Q(orgunit__name_zh__icontains=q) | Q(orgunit__name_en__icontains=q))
    if year is not None:
        start, end = _year_range(year)
        qs = qs.filter(start_date__lte=end, end_date__gte=start)
    return qs.annotate(n_events=Count("events", filter=Q(events__village__path__startswith=prefix))).order_by(
        "-start_date", "-id"
    )


def events_for_user(
    user: Any,
    *,
    q: str = "",
    kind: str = "",
    campaign: Campaign | None = None,
    village: OrgUnit | None = None,
    year: int | None = None,
) -> QuerySet[Event]:
    """Events in the user's villages, newest first, with their campaign, village, town and photo count."""
    qs = access_events(user).select_related("campaign", "village", "village__parent")
    if q:
        qs = qs.filter(
            Q(village__name_zh__icontains=q)
            | Q(village__name_en__icontains=q)
            | Q(campaign__theme__icontains=q)
            | Q(place__icontains=q)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if village is not None:
        qs = qs.filter(village__path__startswith=village.path)
    if year is not None:
        qs = qs.filter(date__range=_year_range(year))
    return qs.annotate(n_attachments=Count("attachments")).order_by("-date", "-id")


def upcoming_events(user: Any, *, today: dt.date, limit: int = 10) -> QuerySet[Event]:
    return (
        access_events(user).select_related("campaign", "village").filter(date__gte=today).order_by("date", "id")[:limit]
    )


def trainings_for_user(user: Any, *, q: str = "", year: int | None = None, audience: str = "") -> QuerySet[Training]:
    qs = access_trainings(user).select_related("orgunit")
    if q:
        qs = qs.filter(Q(topic__icontains=q) | Q(trainer__icontains=q) | Q(orgunit__name_zh__icontains=q))
    if year is not None:
        qs = qs.filter(date__range=_year_range(year))
    if audience:
        qs = qs.filter(audience=audience)
    return qs.annotate(n_attendees=Count("attendances")).order_by("-date", "-id")


def training_attendances(training: Training) -> QuerySet[Attendance]:
    """Who attended ``training`` (the caller has checked that the user may see the training)."""
    return training.attendances.select_related("person", "person__orgunit", "user", "user__scope").order_by("id")


def media_for_user(user: Any, *, q: str = "", outlet: str = "", year: int | None = None) -> QuerySet[MediaPiece]:
    qs = access_media_pieces(user).select_related("orgunit")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(outlet_name__icontains=q))
    if outlet:
        qs = qs.filter(outlet=outlet)
    if year is not None:
        qs = qs.filter(date__range=_year_range(year))
    return qs.annotate(n_attachments=Count("attachments")).order_by("-date", "-id")


def persons_search(user: Any, q: str, *, limit: int = 20) -> QuerySet[Person]:
    """Residents in the user's scope found as the registry's search finds them (whole resident-ID number or
    its last digits, name, pinyin or initials; merged-away duplicates left out): to pick an attendee."""
    if not q.strip():
        return Person.objects.none()
    qs = scoped(user, Person.objects.exclude(status=PersonStatus.MERGED), "orgunit__path").select_related("orgunit")
    return person_search(qs, q).order_by("name", "id")[:limit]


# --- a person's training record -------------------------------------------------------------------------


@dataclass
class TrainingRecord:
    attendances: list[Attendance]
    total_hours: Decimal
    count: int


def training_record(*, person: Person | None = None, staff: Any = None) -> TrainingRecord:
    """All trainings a resident or a staff member attended, newest first, with the total hours.

    The caller has checked that the user may see the person (``access_person``/``access_staff_member``); the
    trainings are listed whoever held them, as they are the person's record.
    """
    if (person is None) == (staff is None):
        raise ValueError("training_record needs a person or a staff member")
    qs = Attendance.objects.filter(person=person) if person is not None else Attendance.objects.filter(user=staff)
    rows = list(qs.select_related("training", "training__orgunit").order_by("-training__date", "-id"))
    total = sum((a.training.hours for a in rows), Decimal("0.0"))
    return TrainingRecord(attendances=rows, total_hours=total, count=len(rows))


# --- coverage ----------------------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    village: OrgUnit
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def reached(self) -> bool:
        return self.total > 0

    @property
    def kinds(self) -> list[str]:
        return [k for k in ACTIVITY_KINDS if self.counts.get(k)]

    @property
    def details(self) -> list[tuple[str, int]]:
        """``[(activity name, count)]`` for the kinds that took place."""
        return [(activity_label(k), self.counts[k]) for k in self.kinds]

    @property
    def shade(self) -> int:
        """0 (not reached) to 4 (7 or more activities): the colour of the village's cell."""
        n = self.total
        return 0 if n == 0 else 1 if n == 1 else 2 if n <= 3 else 3 if n <= 6 else 4


@dataclass
class TownCoverage:
    town: OrgUnit
    rows: list[CoverageRow]

    @property
    def reached(self) -> int:
        return sum(1 for r in self.rows if r.reached)


def _villages_in_scope(user: Any) -> QuerySet[OrgUnit]:
    return scoped(user, OrgUnit.objects.filter(level=Level.VILLAGE), "path")


def coverage_rows(user: Any, *, year: int) -> list[CoverageRow]:
    """Every village in the user's scope with its number of activities of each kind in ``year``, the villages
    not reached first (then by code). One query."""
    start, end = _year_range(year)
    in_year = Q(outreach_events__date__range=(start, end))
    trainings = (
        Training.objects.filter(orgunit=OuterRef("pk"), date__range=(start, end))
        .order_by()
        .values("orgunit")
        .annotate(n=Count("id"))
        .values("n")
    )
    per_kind = {
        f"n_{kind}": Count("outreach_events", filter=in_year & Q(outreach_events__kind=kind)) for kind in EventKind
    }
    qs = (
        _villages_in_scope(user)
        .select_related("parent")
        .annotate(
            n_events=Count("outreach_events", filter=in_year),
            n_training=Coalesce(Subquery(trainings, output_field=IntegerField()), 0),
            **per_kind,
        )
        .annotate(
            unreached=Case(
                When(Q(n_events=0) & Q(n_training=0), then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("unreached", "path")
    )
    return [CoverageRow(village=v, counts={k: getattr(v, f"n_{k}") for k in ACTIVITY_KINDS}) for v in qs]


def coverage_by_town(rows: list[CoverageRow]) -> list[TownCoverage]:
    """The rows grouped by town (towns by code, villages by code within each)."""
    towns: dict[int, TownCoverage] = {}
    for row in sorted(rows, key=lambda r: r.village.path):
        parent = row.village.parent
        assert parent is not None
        towns.setdefault(parent.pk, TownCoverage(town=parent, rows=[])).rows.append(row)
    return list(towns.values())


def coverage_summary(user: Any, *, year: int) -> dict[str, int]:
    """How many villages in the user's scope there are, and how many had any activity in ``year``."""
    start, end = _year_range(year)
    had_event = Exists(Event.objects.filter(village=OuterRef("pk"), date__range=(start, end)))
    had_training = Exists(Training.objects.filter(orgunit=OuterRef("pk"), date__range=(start, end)))
    row = _villages_in_scope(user).aggregate(
        villages=Count("id"), reached=Count("id", filter=Q(had_event) | Q(had_training))
    )
    return {"villages": row["villages"] or 0, "reached": row["reached"] or 0}


# --- indicators for analytics ----------------------------------------------------------------------------


def outreach_counts(*, period_start: dt.date, period_end: dt.date, user: Any = None) -> QuerySet[Any]:
    """Outreach figures per village for the days ``period_start`` to ``period_end`` (both included), for the
    analytics module's indicators. One SQL query (GROUP BY village, with grouped sub-selects for trainings);
    no Python loop over rows.

    Call it with a ``Period`` from ``xingfu.core.periods``::

        p = Period.parse("2026Q3")
        for row in outreach_counts(period_start=p.start, period_end=p.end):
            ...

    ``user``: cut to the villages in that user's scope; ``None`` (the default) means every village in the
    district, for the system's indicator refresh. Returns a values-QuerySet with one dict per village, every
    village included (zeros where nothing happened), ordered by village code:

    - ``village_id`` (int), ``village_code`` (12 digits), ``town_code`` (9 digits)
    - ``events`` (int): publicity events held in the village
    - ``people_reached`` (int): the sum of people reached by those events
    - ``trainings`` (int): village-level trainings held in the village
    - ``training_hours`` (Decimal): the hours of those trainings
    - ``attendee_hours`` (Decimal): training hours credited to the village's residents and staff, from
      trainings at any level (each attendance counts its training's hours)
    """
    villages = OrgUnit.objects.filter(level=Level.VILLAGE)
    if user is not None:
        villages = scoped(user, villages, "path")
    in_period = Q(outreach_events__date__range=(period_start, period_end))
    hours: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=1)
    zero_hours = Value(Decimal("0.0"), output_field=hours)
    held = Training.objects.filter(orgunit=OuterRef("pk"), date__range=(period_start, period_end)).order_by()
    attended = Attendance.objects.filter(
        Q(person__orgunit=OuterRef("pk")) | Q(user__scope=OuterRef("pk")),
        training__date__range=(period_start, period_end),
    ).order_by()
    return (
        villages.values(village_id=F("id"), village_code=F("code"), town_code=F("parent__code"))
        .annotate(
            events=Count("outreach_events", filter=in_period),
            people_reached=Coalesce(Sum("outreach_events__people_reached", filter=in_period), 0),
            trainings=Coalesce(Subquery(held.values(n=Func("id", function="COUNT")), output_field=IntegerField()), 0),
            training_hours=Coalesce(
                Subquery(held.values(h=Func("hours", function="SUM")), output_field=hours), zero_hours
            ),
            attendee_hours=Coalesce(
                Subquery(attended.values(h=Func("training__hours", function="SUM")), output_field=hours), zero_hours
            ),
        )
        .order_by("village_code")
    )
