"""Reads of the linkage app, always cut to the user's scope (``linkage.access``)."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext as _

from xingfu.accounts.access import scope_path
from xingfu.accounts.roles import Perm
from xingfu.core.errors import ValidationFailed
from xingfu.linkage import engine
from xingfu.linkage.access import candidates_for_user, runs_for_user
from xingfu.linkage.features import id_pattern
from xingfu.linkage.models import (
    Candidate,
    CandidateStatus,
    Decision,
    LinkRun,
    OutsideRecord,
    Proposal,
    Verdict,
)
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.models import Household, Person
from xingfu.registry.resident_id import normalise
from xingfu.registry.selectors import households_for_user, persons_for_user

SETTLING = (Verdict.ACCEPTED, Verdict.LINKED_AUTOMATICALLY)


def with_status(qs: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """``status``: open until decided, then the decision's verdict."""
    return qs.annotate(status=Coalesce(F("decision__verdict"), Value(CandidateStatus.OPEN), output_field=CharField()))


def runs_list(user: Any) -> QuerySet[LinkRun]:
    return runs_for_user(user).select_related("scope", "outside_list", "started_by").order_by("-created_at", "-id")


def candidates_filtered(
    user: Any,
    *,
    run: LinkRun | None = None,
    status: str = "",
    band: str = "",
    proposal: str = "",
) -> QuerySet[Candidate]:
    """Candidates in the user's scope for the lists and the review queue, with what the rows show."""
    qs = with_status(candidates_for_user(user)).select_related("run", "record", "person", "other_person", "orgunit")
    if run is not None:
        qs = qs.filter(run=run)
    if status == CandidateStatus.OPEN:
        qs = qs.filter(decision__isnull=True)
    elif status:
        qs = qs.filter(decision__verdict=status)
    if band:
        qs = qs.filter(band=band)
    if proposal:
        qs = qs.filter(proposal=proposal)
    return qs.order_by("-run_id", "band", "-match_probability", "id")


def queue_counts(user: Any) -> dict[str, int]:
    """Open candidates by what accepting them would do."""
    rows = candidates_for_user(user).filter(decision__isnull=True).values("proposal").annotate(n=Count("id")).order_by()
    counts = {p.value: 0 for p in Proposal}
    counts.update({r["proposal"]: r["n"] for r in rows})
    return counts


# --- one pair, side by side --------------------------------------------------------------------------------


@dataclass
class FieldRow:
    label: str
    left: str
    right: str
    meaning: str = ""  # agree / partial / disagree / missing, when a comparison covers the field
    level: str = ""
    pattern: str = ""  # for ID numbers: where the two agree, character by character


@dataclass
class SideBySide:
    left_title: str
    right_title: str
    rows: list[FieldRow] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def side_by_side(candidate: Candidate, *, revealed: dict[str, str] | None = None) -> SideBySide:
    """The two records of a pair field by field, ID numbers masked unless revealed, with how each compared."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    from xingfu.core.masking import mask_id_number

    kind = candidate.run.kind
    revealed = revealed or {}

    def level(comparison: str) -> tuple[str, str]:
        if comparison not in candidate.levels:
            return "", ""
        label, meaning = engine.level_info(kind, comparison, int(candidate.levels[comparison]))
        return _(label), meaning

    def number(side: str, value: str | None) -> str:
        if side in revealed:
            return revealed[side] or ""
        return mask_id_number(value or "")

    if candidate.record is None:  # deduplication: two registry persons
        a, b = candidate.person, candidate.other_person
        assert a is not None and b is not None
        out = SideBySide(_("Registry person #%(id)d") % {"id": a.pk}, _("Registry person #%(id)d") % {"id": b.pk})
        pairs = [
            ("name", pgettext("person", "Name"), a.name, b.name),
            ("birth_date", _("Birth date"), _text(a.birth_date), _text(b.birth_date)),
            ("sex", _("Sex"), a.get_sex_display(), b.get_sex_display()),
            ("place", _("Village"), a.orgunit.name, b.orgunit.name),
        ]
        for comparison, label, left, right in pairs:
            out.rows.append(FieldRow(label, left, right, *reversed(level(comparison))))
        out.rows.append(
            FieldRow(
                _("Resident ID number"),
                number("person", a.id_number),
                number("other_person", b.id_number),
                pattern=id_pattern(a.id_number, b.id_number),
            )
        )
        mother = level("mother")
        out.rows.append(FieldRow(_("Mother (birth event)"), "", "", mother[1], mother[0]))
        return out

    record = candidate.record
    person = candidate.person
    out = SideBySide(
        _("List row %(row)d") % {"row": record.row},
        _("Registry person #%(id)d") % {"id": person.pk} if person else _("Not in the registry"),
    )
    hospital = kind == "hospital_births"
    name_label = _("Mother's name") if hospital else pgettext("person", "Name")
    rows = [
        ("name", name_label, record.name, person.name if person else ""),
        ("birth_date", _("Mother's birth date") if hospital else _("Birth date"), _text(record.birth_date),
         _text(person.birth_date) if person else ""),
    ]  # fmt: skip
    if not hospital:
        rows.append(("sex", _("Sex"), record.get_sex_display(), person.get_sex_display() if person else ""))
    rows.append(("place", _("Village / address"), record.address or record.village_code,
                 person.orgunit.name if person else ""))  # fmt: skip
    for comparison, label, left, right in rows:
        lv, meaning = level(comparison)
        out.rows.append(FieldRow(label, left, right, meaning, lv))
    lv, meaning = level("id_number")
    out.rows.append(
        FieldRow(
            _("Mother's ID number") if hospital else _("Resident ID number"),
            number("record", record.id_number),
            number("person", person.id_number if person else None),
            meaning,
            lv,
            id_pattern(record.id_number or None, person.id_number if person else None),
        )
    )
    if hospital:
        lv, meaning = level("birth")
        birth = candidate.birth
        out.rows.append(
            FieldRow(
                _("The birth"),
                f"{_text(record.child_birth_date)} {record.get_child_sex_display()} · {record.facility}",
                f"{_text(birth.date)} {birth.get_sex_display()}" if birth else _("not in the registry"),
                meaning,
                lv,
            )
        )
    return out


# --- completeness -------------------------------------------------------------------------------------------


@dataclass
class CompletenessRow:
    unit: OrgUnit
    records: int = 0
    matched: int = 0
    added: int = 0
    dismissed: int = 0

    @property
    def open(self) -> int:
        return self.records - self.matched - self.added - self.dismissed


def completeness(user: Any) -> list[CompletenessRow]:
    """Outside records per town and village in the user's scope: matched to a registry person, added to the
    registry, dismissed (not ours), and still open. A record counts where it concerns: the village of the
    person it was linked to or added as, failing that of the person proposed, failing that its own."""
    prefix = scope_path(user)
    if prefix is None or not user.can(Perm.LINKAGE_VIEW):
        return []
    settling = Decision.objects.filter(record_key=OuterRef("record_key"), verdict__in=SETTLING).exclude(record_key="")
    latest = Candidate.objects.filter(record=OuterRef("pk")).order_by("-run_id", "-id")
    records = (
        OutsideRecord.objects.annotate(
            settled_as=Subquery(settling.values("proposal")[:1]),
            dismissed=Exists(
                Decision.objects.filter(
                    pair_key=Concat(OuterRef("record_key"), Value(":new")), verdict=Verdict.REJECTED
                )
            ),
            unit_id=Coalesce(
                Subquery(settling.values("orgunit_id")[:1]),
                Subquery(latest.values("orgunit_id")[:1]),
                F("orgunit_id"),
                output_field=IntegerField(),
            ),
        )
        .annotate(unit_path=Subquery(OrgUnit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1]))
        .filter(unit_path__startswith=prefix)
        .values("unit_id")
        .annotate(
            n_records=Count("id"),
            n_matched=Count("id", filter=Q(settled_as=Proposal.LINK)),
            n_added=Count("id", filter=Q(settled_as__in=(Proposal.ADD_BIRTH, Proposal.ADD_PERSON))),
            n_dismissed=Count("id", filter=Q(settled_as__isnull=True, dismissed=True)),
        )
        .order_by()
    )
    units = {u.pk: u for u in OrgUnit.objects.filter(path__startswith=prefix)}
    by_unit: dict[int, CompletenessRow] = {}

    def row_for(unit: OrgUnit) -> CompletenessRow:
        if unit.pk not in by_unit:
            by_unit[unit.pk] = CompletenessRow(unit)
        return by_unit[unit.pk]

    for counts in records:
        unit = units.get(counts["unit_id"])
        if unit is None:
            continue
        chain = [unit]
        if unit.level == Level.VILLAGE and unit.parent_id in units:
            chain.append(units[unit.parent_id])
        for target in chain:
            row = row_for(target)
            for key in ("records", "matched", "added", "dismissed"):
                setattr(row, key, getattr(row, key) + counts[f"n_{key}"])
    return sorted(by_unit.values(), key=lambda r: r.unit.path)


def household_by_number(user: Any, unit: OrgUnit, number: str) -> Household | None:
    """The household numbered ``number`` (户号) in ``unit``'s villages and the user's scope; None when no
    number is given. A number that fits none, or several villages of a town, is refused with the reason."""
    number = (number or "").strip()
    if not number:
        return None
    found = list(
        households_for_user(user)
        .filter(orgunit__path__startswith=unit.path, number=number)
        .select_related("orgunit")[:2]
    )
    if not found:
        raise ValidationFailed(
            _("No household numbered %(number)s in %(unit)s.") % {"number": number, "unit": unit.name},
            field="household",
        )
    if len(found) > 1:
        raise ValidationFailed(
            _("Several villages of %(unit)s have a household numbered %(number)s; add the person from the registry.")
            % {"number": number, "unit": unit.name},
            field="household",
        )
    return found[0]


def mother_by_id_number(user: Any, id_number: str) -> Person | None:
    """The woman in the user's scope with this resident-ID number; None when no number is given."""
    if not (id_number or "").strip():
        return None
    number = normalise(id_number)
    mother = persons_for_user(user).filter(id_number=number).first()
    if mother is None:
        raise ValidationFailed(_("No person with that resident ID number is registered in your scope."), field="mother")
    return mother
