"""Reads of oversight data, always cut to the user's subtree by ``xingfu.accounts.access.scoped``."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from xingfu.accounts.access import scoped
from xingfu.accounts.roles import Perm
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.oversight.models import (
    DEVICE_FLAGGED,
    Case,
    CaseStatus,
    DeviceStatus,
    Facility,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionStatus,
    TipOff,
    UltrasoundDevice,
)

# "/370406/370406101/": the district's and a town's code with their slashes, the start of every path below.
TOWN_PATH_LENGTH = 1 + 6 + 1 + 9 + 1


def _may_view(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.can(Perm.OVERSIGHT_VIEW))


def facilities_for(user: Any) -> QuerySet[Facility]:
    if not _may_view(user):
        return Facility.objects.none()
    return scoped(user, Facility.objects.all(), "orgunit__path")


def devices_for(user: Any) -> QuerySet[UltrasoundDevice]:
    if not _may_view(user):
        return UltrasoundDevice.objects.none()
    return scoped(user, UltrasoundDevice.objects.all(), "facility__orgunit__path")


def inspections_for(user: Any) -> QuerySet[Inspection]:
    if not _may_view(user):
        return Inspection.objects.none()
    return scoped(user, Inspection.objects.all(), "facility__orgunit__path")


def findings_for(user: Any) -> QuerySet[Finding]:
    if not _may_view(user):
        return Finding.objects.none()
    return scoped(user, Finding.objects.all(), "inspection__facility__orgunit__path")


def tipoffs_for(user: Any) -> QuerySet[TipOff]:
    if not _may_view(user):
        return TipOff.objects.none()
    return scoped(user, TipOff.objects.all(), "orgunit__path")


def cases_for(user: Any) -> QuerySet[Case]:
    if not _may_view(user):
        return Case.objects.none()
    return scoped(user, Case.objects.all(), "orgunit__path")


# --- Lists with their filters ---------------------------------------------------------------------------


def _under(qs: QuerySet[Any], path_field: str, unit: OrgUnit | None) -> QuerySet[Any]:
    return qs.filter(**{f"{path_field}__startswith": unit.path}) if unit is not None else qs


def facility_list(
    user: Any,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    under: OrgUnit | None = None,
    expiring_by: dt.date | None = None,
) -> QuerySet[Facility]:
    """Facilities for a list page: searched by name, licence, address or responsible person."""
    qs = _under(facilities_for(user), "orgunit__path", under).select_related("orgunit__parent")
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(licence_number__icontains=q)
            | Q(address__icontains=q)
            | Q(responsible_person__icontains=q)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    qs = qs.order_by("name", "id")
    if expiring_by is not None:
        qs = qs.filter(status="open", licence_expiry__isnull=False, licence_expiry__lte=expiring_by).order_by(
            "licence_expiry", "name", "id"
        )
    return qs.annotate(n_devices=Count("devices", filter=Q(devices__status__in=["in_use", "stored"])))


def device_list(
    user: Any,
    *,
    q: str = "",
    status: str = "",
    flagged: bool = False,
    under: OrgUnit | None = None,
    facility: Facility | None = None,
) -> QuerySet[UltrasoundDevice]:
    qs = _under(devices_for(user), "facility__orgunit__path", under).select_related("facility__orgunit")
    if q:
        qs = qs.filter(
            Q(serial__icontains=q) | Q(make__icontains=q) | Q(model_name__icontains=q) | Q(facility__name__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if flagged:
        qs = qs.filter(DEVICE_FLAGGED)
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs


def inspection_list(
    user: Any,
    *,
    q: str = "",
    status: str = "",
    kind: str = "",
    under: OrgUnit | None = None,
    facility: Facility | None = None,
) -> QuerySet[Inspection]:
    qs = _under(inspections_for(user), "facility__orgunit__path", under).select_related(
        "facility__orgunit", "inspector"
    )
    if q:
        qs = qs.filter(facility__name__icontains=q)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.annotate(n_findings=Count("findings"))


def findings_overdue(user: Any, *, on: dt.date) -> QuerySet[Finding]:
    """Findings not corrected by their deadline, the longest overdue first, with whether a re-inspection
    is already on the calendar."""
    planned = Inspection.objects.filter(follows_finding=OuterRef("pk"), status=InspectionStatus.PLANNED)
    return (
        findings_for(user)
        .filter(corrected_on__isnull=True, correction_due__lt=on)
        .select_related("inspection__facility__orgunit")
        .annotate(reinspection_planned=Exists(planned))
        .order_by("correction_due", "id")
    )


def tipoff_list(user: Any, *, status: str = "", about: str = "") -> QuerySet[TipOff]:
    qs = tipoffs_for(user).select_related("orgunit", "case")
    if status:
        qs = qs.filter(status=status)
    if about:
        qs = qs.filter(about=about)
    return qs.defer("contact")


def case_list(user: Any, *, q: str = "", status: str = "", overdue_on: dt.date | None = None) -> QuerySet[Case]:
    qs = cases_for(user).select_related("orgunit", "owner", "facility")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(facility__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if overdue_on is not None:
        qs = qs.filter(status=CaseStatus.OPEN, deadline__lt=overdue_on)
    return qs


# --- Reports --------------------------------------------------------------------------------------------


def _towns(user: Any) -> list[OrgUnit]:
    return list(scoped(user, OrgUnit.objects.filter(level=Level.TOWN), "path").order_by("code"))


@dataclass
class TownRow:
    """One town's line of a report; ``unit`` is None for records held at district level."""

    unit: OrgUnit | None
    counts: dict[str, int] = field(default_factory=dict)

    def get(self, key: str) -> int:
        return self.counts.get(key, 0)


def _by_town(user: Any, rows: list[dict[str, Any]], key: str) -> list[TownRow]:
    towns = {t.path: t for t in _towns(user)}
    table: dict[str, TownRow] = {path: TownRow(unit) for path, unit in towns.items()}
    for row in rows:
        path = row["town_path"]
        target = table.get(path)
        if target is None:
            target = table.setdefault("", TownRow(None))
        target.counts[row[key]] = target.counts.get(row[key], 0) + row["n"]
    ordered = [table[p] for p in sorted(towns)]
    if "" in table:
        ordered.append(table[""])
    return ordered


def device_register_report(user: Any) -> list[TownRow]:
    """Devices per town by status, with how many are flagged (keys: the statuses, ``flagged``, ``total``)."""
    qs = devices_for(user).annotate(town_path=Substr("facility__orgunit__path", 1, TOWN_PATH_LENGTH))
    by_status = list(qs.values("town_path", "status").annotate(n=Count("id")).order_by())
    flagged = list(qs.filter(DEVICE_FLAGGED).values("town_path").annotate(n=Count("id")).order_by())
    rows = [*by_status, *({"town_path": r["town_path"], "status": "flagged", "n": r["n"]} for r in flagged)]
    rows += [{"town_path": r["town_path"], "status": "total", "n": r["n"]} for r in by_status]
    return _by_town(user, rows, "status")


DEVICE_REPORT_COLUMNS = [*DeviceStatus.values, "flagged", "total"]


def inspections_report(user: Any, *, start: dt.date, end: dt.date) -> list[TownRow]:
    """Per town, for planned visits due in [start, end]: ``planned`` and ``planned_done``; and all visits
    done in the period: ``done``, of which ``done_planned``, ``done_unannounced`` and ``done_reinspection``."""
    qs = inspections_for(user).annotate(town_path=Substr("facility__orgunit__path", 1, TOWN_PATH_LENGTH))
    planned = qs.filter(kind=InspectionKind.PLANNED, planned_for__range=(start, end)).exclude(
        status=InspectionStatus.CANCELLED
    )
    done = qs.filter(status=InspectionStatus.DONE, done_on__range=(start, end))
    rows: list[dict[str, Any]] = []
    for r in planned.values("town_path").annotate(n=Count("id")).order_by():
        rows.append({"town_path": r["town_path"], "key": "planned", "n": r["n"]})
    for r in planned.filter(status=InspectionStatus.DONE).values("town_path").annotate(n=Count("id")).order_by():
        rows.append({"town_path": r["town_path"], "key": "planned_done", "n": r["n"]})
    for r in done.values("town_path", "kind").annotate(n=Count("id")).order_by():
        rows.append({"town_path": r["town_path"], "key": "done", "n": r["n"]})
        rows.append({"town_path": r["town_path"], "key": f"done_{r['kind']}", "n": r["n"]})
    return _by_town(user, rows, "key")


def findings_by_kind(user: Any, *, start: dt.date, end: dt.date, on: dt.date) -> list[dict[str, Any]]:
    """Findings of visits in [start, end] by kind: found, corrected, open, overdue (as of ``on``)."""
    qs = findings_for(user).filter(inspection__done_on__range=(start, end))
    counts = {
        row["kind"]: row
        for row in qs.values("kind")
        .annotate(
            found=Count("id"),
            corrected=Count("id", filter=Q(corrected_on__isnull=False)),
            open=Count("id", filter=Q(corrected_on__isnull=True)),
            overdue=Count("id", filter=Q(corrected_on__isnull=True, correction_due__lt=on)),
        )
        .order_by()
    }
    return [
        {
            "kind": kind,
            "label": label,
            **{k: counts.get(kind, {}).get(k, 0) for k in ("found", "corrected", "open", "overdue")},
        }
        for kind, label in FindingKind.choices
    ]


AGE_BUCKETS = [(0, 30, "0–30"), (31, 60, "31–60"), (61, 90, "61–90"), (91, None, "90+")]


def cases_by_status_and_age(user: Any, *, on: dt.date) -> dict[str, Any]:
    """Cases by status, each split by age in days since opening (as of ``on``), and how many open cases are
    past their deadline."""
    qs = cases_for(user)
    aggregates: dict[str, Any] = {}
    for status in CaseStatus.values:
        for lo, hi, label in AGE_BUCKETS:
            cond = Q(status=status, opened_on__lte=on - dt.timedelta(days=lo))
            if hi is not None:
                cond &= Q(opened_on__gt=on - dt.timedelta(days=hi + 1))
            aggregates[f"{status}|{label}"] = Count("id", filter=cond)
    aggregates["overdue"] = Count("id", filter=Q(status=CaseStatus.OPEN, deadline__lt=on))
    result = qs.aggregate(**aggregates)
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for key, n in result.items():
        if "|" in key:
            status, label = key.split("|", 1)
            table[status][label] = n or 0
    return {
        "buckets": [label for _lo, _hi, label in AGE_BUCKETS],
        "rows": [
            {
                "status": status,
                "label": label,
                "counts": [table[status][b[2]] for b in AGE_BUCKETS],
                "total": sum(table[status].values()),
            }
            for status, label in CaseStatus.choices
        ],
        "overdue": result["overdue"] or 0,
    }


def dashboard_counts(user: Any, *, on: dt.date, expiring_by: dt.date) -> dict[str, int]:
    """The numbers on the oversight home page."""
    return {
        "facilities": facilities_for(user).filter(status="open").count(),
        "expiring": facilities_for(user)
        .filter(status="open", licence_expiry__isnull=False, licence_expiry__lte=expiring_by)
        .count(),
        "devices": devices_for(user).filter(status__in=["in_use", "stored"]).count(),
        "flagged": devices_for(user).filter(DEVICE_FLAGGED).count(),
        "planned": inspections_for(user).filter(status=InspectionStatus.PLANNED, planned_for__lte=on).count(),
        "overdue_findings": findings_for(user).filter(corrected_on__isnull=True, correction_due__lt=on).count(),
        "new_tipoffs": tipoffs_for(user).filter(status="received").count(),
        "open_cases": cases_for(user).filter(status=CaseStatus.OPEN).count(),
    }
