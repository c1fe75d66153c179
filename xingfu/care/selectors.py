"""Reads of care records, always through ``xingfu.care.access`` (the user's scope, health roles only).

Lists select only what they show and never health findings; the one read that shows a record in full,
``enrollment_open``, writes ``read.care_record`` to the audit trail each time.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from xingfu.accounts.access import access_orgunit_by_code, scoped
from xingfu.audit.services import audit_sensitive_read
from xingfu.care.access import (
    access_campaigns,
    access_checkup,
    access_due_visits,
    access_enrollment,
    access_enrollments,
    access_persons,
    may_view,
)
from xingfu.care.models import (
    COLOUR_RANK,
    CareDueStatus,
    CheckItem,
    CheckUp,
    DueVisit,
    Enrollment,
    EnrollmentStatus,
    Invitation,
    InvitationStatus,
    Programme,
    ScreeningCampaign,
    Stage,
)
from xingfu.care.schedule import HORIZON_DAYS, WORKLIST_DAYS, anchors_of, stage_occurrences
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.facts import age_between
from xingfu.registry.models import Person, PersonStatus
from xingfu.registry.selectors import person_search

# --- enrolments -------------------------------------------------------------------------------------------


def enrollments_for_user(
    user: Any, *, kind: str = "", status: str = "", q: str = "", orgunit_code: str = ""
) -> QuerySet[Enrollment]:
    """Enrolments in the user's scope, for lists: who, where, which programme, since when; no findings."""
    qs = access_enrollments(user)
    if kind:
        qs = qs.filter(programme__kind=kind)
    if status:
        qs = qs.filter(status=status)
    if orgunit_code:
        unit = access_orgunit_by_code(user, orgunit_code)
        qs = qs.filter(orgunit__path__startswith=unit.path)
    if q.strip():
        qs = qs.filter(person__in=person_search(access_persons(user), q).values("pk"))
    return qs.select_related("programme", "person", "orgunit", "responsible").order_by("-enrolled_on", "-id")


def enrollment_open(user: Any, pk: Any, *, reason: str = "") -> Enrollment:
    """The enrolment with ``pk`` in full, for a health role in scope; the opening is audited."""
    enrollment = access_enrollment(user, pk)
    audit_sensitive_read(
        actor=user,
        what="care_record",
        object_type="care.enrollment",
        object_id=enrollment.pk,
        orgunit=enrollment.orgunit,
        reason=reason,
    )
    return enrollment


@dataclass(frozen=True)
class ScheduleLine:
    stage: Stage
    occurrence: int
    due_on: datetime.date
    due_by: datetime.date
    status: str  # a CareDueStatus, or "" for not materialised yet (upcoming)
    visit_date: datetime.date | None


def enrollment_schedule(enrollment: Enrollment, stages: list[Stage], *, today: datetime.date) -> list[ScheduleLine]:
    """Her whole schedule as it stands: every stage's window from the anchor dates known so far, with what
    was done, missed or is still due (repeatable stages: the occurrences up to the horizon)."""
    due = {
        (d.stage_id, d.occurrence): d for d in enrollment.due_visits.filter(stage__isnull=False).select_related("visit")
    }
    anchors = anchors_of(enrollment)
    lines = []
    far = datetime.date.max - datetime.timedelta(days=4000)
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    for stage in stages:
        until = horizon if stage.repeatable else far
        for occ in stage_occurrences(stage, anchors, until=until, max_occurrences=12):
            item = due.get((stage.pk, occ.occurrence))
            lines.append(
                ScheduleLine(
                    stage=stage,
                    occurrence=occ.occurrence,
                    due_on=item.due_on if item else occ.due_on,
                    due_by=item.due_by if item else occ.due_by,
                    status=item.status if item else "",
                    visit_date=item.visit.date if item and item.visit else None,
                )
            )
    return lines


def enrollment_record(enrollment: Enrollment, *, today: datetime.date) -> dict[str, Any]:
    """Everything shown on an opened record (after ``enrollment_open``)."""
    stages = list(Stage.objects.filter(programme_id=enrollment.programme_id).order_by("order"))
    visits = list(enrollment.visits.select_related("stage", "recorded_by").order_by("-date", "-id"))
    open_due = list(
        enrollment.due_visits.filter(status=CareDueStatus.DUE).select_related("stage", "referral").order_by("due_by")
    )
    record: dict[str, Any] = {
        "stages": stages,
        "schedule": enrollment_schedule(enrollment, stages, today=today),
        "visits": visits,
        "open_due": open_due,
        "children": list(enrollment.children.all()),
        "checkup": None,
    }
    checkup = CheckUp.objects.filter(enrollment=enrollment).select_related("partner").first()
    if checkup is not None:
        record["checkup"] = checkup
        results = {(r.item_id, "M" if r.person_id == checkup.partner_id else "F"): r for r in checkup.results.all()}
        record["result_rows"] = [
            (item, results.get((item.pk, "F")), results.get((item.pk, "M")))
            for item in CheckItem.objects.filter(programme_id=enrollment.programme_id).order_by("number")
        ]
    return record


def checkup_open(user: Any, pk: Any) -> CheckUp:
    """A check-up in full (its results): the opening is audited like any care record."""
    checkup = access_checkup(user, pk)
    audit_sensitive_read(
        actor=user,
        what="care_record",
        object_type="care.checkup",
        object_id=checkup.pk,
        orgunit=checkup.enrollment.orgunit,
    )
    return checkup


def checkups_for_user(user: Any, *, q: str = "") -> QuerySet[CheckUp]:
    qs = CheckUp.objects.filter(enrollment__in=access_enrollments(user).values("pk"))
    if q.strip():
        qs = qs.filter(enrollment__person__in=person_search(access_persons(user), q).values("pk"))
    return qs.select_related(
        "enrollment", "enrollment__person", "enrollment__orgunit", "enrollment__responsible", "partner"
    ).order_by("-booked_for", "-id")


# --- worklists --------------------------------------------------------------------------------------------

_RANK = Case(
    *[When(enrollment__risk_colour=colour, then=Value(rank * 2)) for colour, rank in COLOUR_RANK.items()],
    default=Value(0),
    output_field=IntegerField(),
) + Case(When(enrollment__infectious=True, then=Value(1)), default=Value(0), output_field=IntegerField())


def worklist(user: Any, *, today: datetime.date) -> QuerySet[DueVisit]:
    """The visits due within four weeks, and the overdue ones, of the women ``user`` is responsible for:
    the highest risk first (purple before none within a colour), then the latest (earliest ``due_by``).

    One query whatever the number of rows (plus one to count them for a page).
    """
    if not may_view(user):
        return DueVisit.objects.none()
    return (
        access_due_visits(user)
        .filter(
            status=CareDueStatus.DUE,
            due_on__lte=today + datetime.timedelta(days=WORKLIST_DAYS),
            enrollment__responsible=user,
            enrollment__status=EnrollmentStatus.OPEN,
        )
        .annotate(risk_rank=_RANK)
        .select_related("enrollment", "enrollment__person", "enrollment__orgunit", "stage", "referral")
        .only(
            "id",
            "kind",
            "occurrence",
            "due_on",
            "due_by",
            "status",
            "referral__date",
            "referral__referral_to",
            "stage__code",
            "stage__name_zh",
            "stage__name_en",
            "stage__kind",
            "enrollment__id",
            "enrollment__programme_id",
            "enrollment__risk_colour",
            "enrollment__infectious",
            "enrollment__lmp",
            "enrollment__outcome_on",
            "enrollment__person__name",
            "enrollment__person__id_number",
            "enrollment__person__birth_date",
            "enrollment__orgunit__name_zh",
            "enrollment__orgunit__name_en",
        )
        .order_by("-risk_rank", "due_by", "due_on", "id")
    )


@dataclass(frozen=True)
class VillageCounts:
    village: OrgUnit
    overdue: int
    due_soon: int
    unassigned: int
    open_enrollments: int


def overdue_by_village(user: Any, *, today: datetime.date) -> list[VillageCounts]:
    """For town officers and the district: per village of the scope, the visits overdue, those due within
    four weeks, and the due ones nobody is responsible for. Counts only: no names, no findings. Three
    queries whatever the number of villages."""
    if not may_view(user):
        return []
    soon = today + datetime.timedelta(days=WORKLIST_DAYS)
    due = (
        access_due_visits(user)
        .filter(status=CareDueStatus.DUE, enrollment__status=EnrollmentStatus.OPEN, due_on__lte=soon)
        .values("enrollment__orgunit_id")
        .annotate(
            overdue=Count("id", filter=Q(due_by__lt=today)),
            due_soon=Count("id", filter=Q(due_by__gte=today)),
            unassigned=Count("id", filter=Q(enrollment__responsible__isnull=True)),
        )
    )
    by_village = {row["enrollment__orgunit_id"]: row for row in due}
    enrolled = dict(
        access_enrollments(user)
        .filter(status=EnrollmentStatus.OPEN)
        .values("orgunit_id")
        .annotate(n=Count("id"))
        .values_list("orgunit_id", "n")
    )
    villages = scoped(user, OrgUnit.objects.filter(level=Level.VILLAGE), "path").filter(
        pk__in=set(by_village) | set(enrolled)
    )
    rows = [
        VillageCounts(
            village=v,
            overdue=by_village.get(v.pk, {}).get("overdue", 0),
            due_soon=by_village.get(v.pk, {}).get("due_soon", 0),
            unassigned=by_village.get(v.pk, {}).get("unassigned", 0),
            open_enrollments=enrolled.get(v.pk, 0),
        )
        for v in villages
    ]
    return sorted(rows, key=lambda r: (-r.overdue, -r.unassigned, r.village.path))


def care_counts(user: Any, *, today: datetime.date) -> dict[str, int]:
    """The figures on the care home page, for the user's scope (two queries)."""
    enrolments = access_enrollments(user).aggregate(
        pregnancies=Count("id", filter=Q(status=EnrollmentStatus.OPEN, programme__kind="maternal", outcome="")),
        postnatal=Count("id", filter=Q(status=EnrollmentStatus.OPEN, programme__kind="maternal") & ~Q(outcome="")),
        checkups=Count("id", filter=Q(status=EnrollmentStatus.OPEN, programme__kind="prepregnancy")),
    )
    mine = worklist(user, today=today).aggregate(due=Count("id"), overdue=Count("id", filter=Q(due_by__lt=today)))
    return {**{k: v or 0 for k, v in enrolments.items()}, **{f"my_{k}": v or 0 for k, v in mine.items()}}


# --- programmes and screening -------------------------------------------------------------------------------

DEFAULT_INTERVAL_DAYS = 3 * 365


def screening_interval_days(programme: Programme) -> int:
    """How long a screening counts: the repeat interval of the programme's screening stage (three years)."""
    stage = programme.stages.filter(repeatable=True).order_by("order").first()
    return (stage.repeat_interval_days if stage else None) or DEFAULT_INTERVAL_DAYS


def eligible_women(campaign: ScreeningCampaign) -> Any:
    """Residents of the campaign's village the programme covers on its first day (women 35–64, living)."""
    programme = campaign.programme
    qs = Person.objects.filter(orgunit=campaign.village, status=PersonStatus.ALIVE).filter(
        age_between(on=campaign.starts_on, age_min=programme.min_age, age_max=programme.max_age)
    )
    return qs.filter(sex=programme.eligible_sex) if programme.eligible_sex else qs


def screened_since(since: datetime.date) -> Any:
    """A condition (for ``Person`` rows) that the woman attended a screening on or after ``since``."""
    return Exists(
        Invitation.objects.filter(person=OuterRef("pk"), status=InvitationStatus.ATTENDED, attended_on__gte=since)
    )


def programmes_for_user(user: Any) -> QuerySet[Programme]:
    if not may_view(user):
        return Programme.objects.none()
    return Programme.objects.all().order_by("code")


def campaigns_for_user(user: Any, *, village_code: str = "") -> QuerySet[ScreeningCampaign]:
    qs = access_campaigns(user)
    if village_code:
        unit = access_orgunit_by_code(user, village_code)
        qs = qs.filter(village__path__startswith=unit.path)
    return (
        qs.select_related("village")
        .annotate(
            invited=Count("invitations"),
            attended=Count("invitations", filter=Q(invitations__status=InvitationStatus.ATTENDED)),
        )
        .order_by("-starts_on", "-id")
    )


def campaign_invitations(campaign: ScreeningCampaign, *, q: str = "") -> QuerySet[Invitation]:
    qs = campaign.invitations.all()
    if q.strip():
        qs = qs.filter(person__in=person_search(Person.objects.filter(orgunit=campaign.village_id), q).values("pk"))
    return qs.select_related("person", "result", "checked_in_by").order_by("status", "person__pinyin", "id")


@dataclass(frozen=True)
class CoverageRow:
    village: OrgUnit
    eligible: int
    screened: int
    referred: int

    @property
    def coverage(self) -> float | None:
        return round(100 * self.screened / self.eligible, 1) if self.eligible else None


def screening_coverage(user: Any, *, on: datetime.date, programme: Programme | None = None) -> list[CoverageRow]:
    """Per village of the scope: women the screening programme covers (35–64, living), those screened within
    its interval (three years), and those referred. Three grouped queries, whatever the population."""
    programme = programme or Programme.objects.filter(kind="screening", active=True).first()
    if programme is None or not may_view(user):
        return []
    since = on - datetime.timedelta(days=screening_interval_days(programme))
    women = access_persons(user).filter(status=PersonStatus.ALIVE, orgunit__level=Level.VILLAGE)
    women = women.filter(age_between(on=on, age_min=programme.min_age, age_max=programme.max_age))
    if programme.eligible_sex:
        women = women.filter(sex=programme.eligible_sex)
    counts = {
        row["orgunit_id"]: row
        for row in women.values("orgunit_id").annotate(
            eligible=Count("id"), done=Count("id", filter=Q(screened_since(since)))
        )
    }
    referred = dict(
        Invitation.objects.filter(
            campaign__in=access_campaigns(user).values("pk"),
            status=InvitationStatus.ATTENDED,
            attended_on__gte=since,
            result__isnull=False,
        )
        .exclude(result__referral_to="")
        .values("campaign__village_id")
        .annotate(n=Count("id"))
        .values_list("campaign__village_id", "n")
    )
    villages = scoped(user, OrgUnit.objects.filter(level=Level.VILLAGE), "path").filter(pk__in=list(counts))
    return [
        CoverageRow(
            village=v,
            eligible=counts[v.pk]["eligible"],
            screened=counts[v.pk]["done"],
            referred=referred.get(v.pk, 0),
        )
        for v in villages.order_by("path")
    ]
