"""Writes to the registry. Each function is one thing a clerk does, all-or-nothing, with its audit row.

Rules every write keeps: the actor's role may edit the registry and the village concerned lies in her
scope; no date lies in the future; a person recorded dead gets no new events.
"""

import datetime
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.access import may_see_unit, require
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record, audit_sensitive_read, field_changes
from xingfu.core.errors import PermissionDenied, ValidationFailed
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry import resident_id
from xingfu.registry.facts import spouse_on
from xingfu.registry.models import (
    DisabilityGrade,
    EventKind,
    Household,
    LifeEvent,
    Membership,
    Person,
    PersonStatus,
    Relation,
    Residence,
    Sex,
)
from xingfu.registry.pinyin import name_pinyin

# Masked in lists and audit rows, shown in full only through ``person_reveal`` (which audits the sight).
SENSITIVE = {"id_number", "phone", "disability_grade"}

_PHONE = re.compile(r"^\+?\d{7,15}$")


# --- checks shared by the services ------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _require_edit(actor: Any, *villages: OrgUnit) -> None:
    require(actor, Perm.REGISTRY_EDIT)
    for village in villages:
        if not may_see_unit(actor, village):
            raise PermissionDenied(_("%(village)s is outside your scope.") % {"village": village.name})


def _check_date(value: Any, *, field: str = "date") -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationFailed(_("A date is required."), field=field)
    if value > _today():
        raise ValidationFailed(_("The date %(date)s lies in the future.") % {"date": value.isoformat()}, field=field)
    return value


def _check_name(value: str, *, field: str = "name") -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationFailed(_("The name is required."), field=field)
    if len(name) > 50:
        raise ValidationFailed(_("A name has at most 50 characters."), field=field)
    return name


def _check_sex(value: str, *, field: str = "sex") -> str:
    if value not in Sex.values:
        raise ValidationFailed(_("Sex must be M (male) or F (female)."), field=field)
    return value


def _check_relation(value: str) -> str:
    if value not in Relation.values:
        raise ValidationFailed(
            _("Unknown relation to the head; one of: %(choices)s.") % {"choices": ", ".join(Relation.values)},
            field="relation",
        )
    return value


def _check_phone(value: str) -> str:
    phone = re.sub(r"[\s\-()]", "", value or "")
    if phone and not _PHONE.match(phone):
        raise ValidationFailed(_("A phone number has 7 to 15 digits."), field="phone")
    return phone


def _check_id_number(
    raw: str | None, *, birth_date: datetime.date, sex: str, exclude_pk: int | None = None
) -> str | None:
    """The normalised number (None when not given), after our cross-checks with the person's record."""
    if raw is None or not str(raw).strip():
        return None
    number = resident_id.normalise(str(raw))
    resident_id.check_agrees(number, birth_date=birth_date, sex=sex)
    taken = Person.objects.filter(id_number=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationFailed(
            _("This resident ID number is already registered for another person."), field="id_number"
        )
    return number


def _check_living(person: Person, on: datetime.date, *, field: str = "person") -> None:
    """A dead person gets no new events; nor does anyone on a day before they were born; nor a record merged
    into another (the survivor's record carries the person)."""
    if person.status == PersonStatus.MERGED:
        raise ValidationFailed(
            _("%(name)s's record was merged into another record of the same person; record events there.")
            % {"name": person.name},
            field=field,
        )
    if person.status == PersonStatus.DEAD:
        raise ValidationFailed(
            _("%(name)s is recorded as deceased; no new events can be recorded for them.") % {"name": person.name},
            field=field,
        )
    if on < person.birth_date:
        raise ValidationFailed(
            _("%(date)s is before %(name)s was born.") % {"date": on.isoformat(), "name": person.name}, field=field
        )


def _open_membership(person: Person) -> Membership | None:
    return Membership.objects.select_related("household").filter(person=person, end_date__isnull=True).first()


def _save_person(person: Person) -> None:
    """Save, turning a lost race for a resident-ID number into the same message the check gives."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        if "id_number" in str(exc) or "unique" in str(exc).lower():
            raise ValidationFailed(
                _("This resident ID number is already registered for another person."), field="id_number"
            ) from exc
        raise


def _person_fields(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "id_number": person.id_number,
        "phone": person.phone,
        "status": person.status,
        "death_date": person.death_date,
        "orgunit": person.orgunit.code,
    }


def _join(*, person: Person, household: Household, relation: str, start: datetime.date) -> Membership:
    """Open ``person``'s membership of ``household``; the household's head follows a new head."""
    if (
        relation == Relation.HEAD
        and Membership.objects.filter(household=household, relation=Relation.HEAD, end_date__isnull=True).exists()
    ):
        raise ValidationFailed(_("This household already has a head."), field="relation")
    if Membership.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationFailed(
            _("%(name)s already belongs to a household; record a move instead.") % {"name": person.name},
            field="person",
        )
    membership = Membership.objects.create(person=person, household=household, relation=relation, start_date=start)
    if relation == Relation.HEAD:
        Household.objects.filter(pk=household.pk).update(head=person)
        household.head = person
    return membership


def _leave(person: Person, on: datetime.date) -> Membership | None:
    """Close ``person``'s open membership on ``on``; a household whose head leaves has no head until one is set."""
    membership = _open_membership(person)
    if membership is None:
        return None
    if on < membership.start_date:
        raise ValidationFailed(
            _("%(date)s is before %(name)s joined the household (%(start)s).")
            % {"date": on.isoformat(), "name": person.name, "start": membership.start_date.isoformat()},
            field="date",
        )
    membership.end_date = on
    membership.save(update_fields=["end_date"])
    Household.objects.filter(pk=membership.household_id, head=person).update(head=None)
    return membership


def _event_audit(actor: Any, event: LifeEvent, details: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=f"registry.event.{event.kind}",
        object_type="person",
        object_id=event.person_id,
        orgunit=event.orgunit,
        changes=field_changes(None, {"kind": event.kind, "date": event.date, **details}, sensitive=SENSITIVE),
    )


# --- households and persons -------------------------------------------------------------------------------


@transaction.atomic
def household_register(
    *,
    actor: Any,
    village: OrgUnit,
    number: str,
    residence: str,
    registered_on: datetime.date,
    address: str = "",
) -> Household:
    """Register a new household in ``village``; its members are added with ``person_add``."""
    _require_edit(actor, village)
    if village.level != Level.VILLAGE:
        raise ValidationFailed(_("A household belongs to a village."), field="village")
    number = (number or "").strip()
    if not number:
        raise ValidationFailed(_("The household number is required."), field="number")
    if len(number) > 32:
        raise ValidationFailed(_("A household number has at most 32 characters."), field="number")
    if residence not in Residence.values:
        raise ValidationFailed(_("Residence must be rural or urban."), field="residence")
    _check_date(registered_on, field="registered_on")
    if Household.objects.filter(orgunit=village, number=number).exists():
        raise ValidationFailed(
            _("Household number %(number)s is already registered in %(village)s.")
            % {"number": number, "village": village.name},
            field="number",
        )
    household = Household.objects.create(
        orgunit=village, number=number, address=(address or "").strip()[:200], residence=residence,
        registered_on=registered_on,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="registry.household.register",
        object_type="household",
        object_id=household.pk,
        orgunit=village,
        changes=field_changes(
            None,
            {"number": number, "address": household.address, "residence": residence, "registered_on": registered_on},
        ),
    )
    return household


@transaction.atomic
def household_update(
    *, actor: Any, household: Household, address: str | None = None, residence: str | None = None
) -> Household:
    """Correct a household's address or residence kind."""
    _require_edit(actor, household.orgunit)
    before = {"address": household.address, "residence": household.residence}
    if address is not None:
        household.address = address.strip()[:200]
    if residence is not None:
        if residence not in Residence.values:
            raise ValidationFailed(_("Residence must be rural or urban."), field="residence")
        household.residence = residence
    household.save(update_fields=["address", "residence", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.household.update",
        object_type="household",
        object_id=household.pk,
        orgunit=household.orgunit,
        changes=field_changes(before, {"address": household.address, "residence": household.residence}),
    )
    return household


@transaction.atomic
def household_head_change(
    *, actor: Any, household: Household, head: Person, relations: dict[int, str] | None = None, reason: str = ""
) -> Household:
    """Make ``head``, a current member, the head of ``household`` (变更户主), and restate what the other
    current members are to the new head: ``relations`` maps their person ids to a ``Relation``. The former
    head, if one is still a member, must be given one; members not named keep the relation recorded."""
    _require_edit(actor, household.orgunit)
    relations = dict(relations or {})
    members = {
        m.person_id: m
        for m in Membership.objects.select_for_update()
        .select_related("person")
        .filter(household=household, end_date__isnull=True)
    }
    if head.pk not in members:
        raise ValidationFailed(
            _("%(name)s is not a current member of this household.") % {"name": head.name}, field="head"
        )
    _check_living(head, _today(), field="head")
    if members[head.pk].relation == Relation.HEAD:
        raise ValidationFailed(_("%(name)s is already the head.") % {"name": head.name}, field="head")
    relations.pop(head.pk, None)
    for person_id, relation in relations.items():
        if person_id not in members:
            raise ValidationFailed(_("Only current members' relations can be restated."), field="relations")
        if _check_relation(relation) == Relation.HEAD:
            raise ValidationFailed(_("A household has one head."), field="relations")
    former = next((m for m in members.values() if m.relation == Relation.HEAD), None)
    if former is not None and former.person_id not in relations:
        raise ValidationFailed(
            _("Say what %(name)s, the present head, will be to the new head.") % {"name": former.person.name},
            field="relations",
        )
    before = {str(pid): m.relation for pid, m in members.items()}
    # The former head steps down before the new one steps up: one open head per household, always.
    for person_id, relation in relations.items():
        Membership.objects.filter(pk=members[person_id].pk).update(relation=relation)
    Membership.objects.filter(pk=members[head.pk].pk).update(relation=Relation.HEAD)
    previous_head = household.head_id
    household.head = head
    household.save(update_fields=["head", "updated_at"])
    after = {**before, **{str(pid): r for pid, r in relations.items()}, str(head.pk): Relation.HEAD.value}
    changes = field_changes({"head": previous_head}, {"head": head.pk})
    changes.update(
        {f"relation.{pid}": {"before": before[pid], "after": after[pid]} for pid in after if before[pid] != after[pid]}
    )
    audit_record(
        actor=actor,
        action="registry.household.head",
        object_type="household",
        object_id=household.pk,
        orgunit=household.orgunit,
        changes=changes,
        reason=reason,
    )
    return household


@transaction.atomic
def person_add(
    *,
    actor: Any,
    household: Household,
    name: str,
    sex: str,
    birth_date: datetime.date,
    relation: str,
    id_number: str | None = None,
    phone: str = "",
    start_date: datetime.date | None = None,
) -> Person:
    """Add a resident to ``household`` with her relation to its head, from ``start_date`` (default today).

    The resident-ID number may be left empty (a newborn without one); when given it must be valid, agree
    with the birth date and sex, and belong to no one else in the registry. A 15-digit legacy number is
    stored in its 18-digit form.
    """
    _require_edit(actor, household.orgunit)
    name = _check_name(name)
    sex = _check_sex(sex)
    _check_date(birth_date, field="birth_date")
    relation = _check_relation(relation)
    start = _check_date(start_date or _today(), field="start_date")
    if start < birth_date:
        raise ValidationFailed(_("A person cannot join a household before being born."), field="start_date")
    number = _check_id_number(id_number, birth_date=birth_date, sex=sex)
    pinyin, initials = name_pinyin(name)
    person = Person(
        name=name,
        pinyin=pinyin,
        pinyin_initials=initials,
        sex=sex,
        birth_date=birth_date,
        id_number=number,
        phone=_check_phone(phone),
        orgunit=household.orgunit,
    )
    _save_person(person)
    _join(person=person, household=household, relation=relation, start=start)
    audit_record(
        actor=actor,
        action="registry.person.add",
        object_type="person",
        object_id=person.pk,
        orgunit=household.orgunit,
        changes=field_changes(
            None,
            {**_person_fields(person), "household": household.number, "relation": relation, "start_date": start},
            sensitive=SENSITIVE,
        ),
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    name: str | None = None,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    id_number: str | None = None,
    phone: str | None = None,
) -> Person:
    """Correct a person's particulars. Arguments left None stay as they are; ``id_number=""`` removes the
    number and ``phone=""`` the phone. The number, birth date and sex must still agree afterwards."""
    _require_edit(actor, person.orgunit)
    before = _person_fields(person)
    if name is not None:
        person.name = _check_name(name)
        person.pinyin, person.pinyin_initials = name_pinyin(person.name)
    if sex is not None:
        person.sex = _check_sex(sex)
    if birth_date is not None:
        person.birth_date = _check_date(birth_date, field="birth_date")
        if person.death_date and person.death_date < person.birth_date:
            raise ValidationFailed(_("The birth date cannot be after the death date."), field="birth_date")
    if id_number is not None:
        person.id_number = _check_id_number(
            id_number, birth_date=person.birth_date, sex=person.sex, exclude_pk=person.pk
        )
    elif person.id_number and (sex is not None or birth_date is not None):
        resident_id.check_agrees(person.id_number, birth_date=person.birth_date, sex=person.sex)
    if phone is not None:
        person.phone = _check_phone(phone)
    _save_person(person)
    audit_record(
        actor=actor,
        action="registry.person.update",
        object_type="person",
        object_id=person.pk,
        orgunit=person.orgunit,
        changes=field_changes(before, _person_fields(person), sensitive=SENSITIVE),
    )
    return person


@transaction.atomic
def disability_record(*, actor: Any, person: Person, grade: int | None, reason: str = "") -> Person:
    """Record the grade on ``person``'s disability certificate (1 most severe … 4), or clear it with None.
    Health information: only a role that may see it in full may write it, and the audit row masks it."""
    _require_edit(actor, person.orgunit)
    require(actor, Perm.REGISTRY_UNMASK)
    if grade is not None and grade not in DisabilityGrade.values:
        raise ValidationFailed(_("A disability grade is 1, 2, 3 or 4."), field="grade")
    if person.status == PersonStatus.MERGED:
        _check_living(person, _today(), field="grade")
    before = person.disability_grade
    if before == grade:
        raise ValidationFailed(_("That grade is already recorded."), field="grade")
    person.disability_grade = grade
    person.save(update_fields=["disability_grade", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.person.disability",
        object_type="person",
        object_id=person.pk,
        orgunit=person.orgunit,
        changes=field_changes({"disability_grade": before}, {"disability_grade": grade}, sensitive=SENSITIVE),
        reason=reason,
    )
    return person


def person_reveal(*, actor: Any, person: Person, what: str, reason: str = "") -> str:
    """The full resident-ID number, phone or disability grade of ``person`` for a role that may unmask it; the
    sight is audited."""
    require(actor, Perm.REGISTRY_UNMASK)
    if not may_see_unit(actor, person.orgunit):
        raise PermissionDenied(_("%(village)s is outside your scope.") % {"village": person.orgunit.name})
    if what not in SENSITIVE:
        raise ValidationFailed(
            _("Only the resident-ID number, the phone or the disability grade can be revealed."), field="what"
        )
    audit_sensitive_read(
        actor=actor, what=what, object_type="person", object_id=person.pk, orgunit=person.orgunit, reason=reason
    )
    return str(getattr(person, what) or "")


# --- life events ------------------------------------------------------------------------------------------


def _couple_event(
    kind: str, *, actor: Any, person: Person, spouse: Person, date: datetime.date, place: str, note: str, **details: Any
) -> LifeEvent:
    """One event for a couple (marriage, divorce), found from either spouse, with its audit row."""
    event = LifeEvent.objects.create(
        kind=kind,
        date=date,
        person=person,
        other_person=spouse,
        place=place.strip()[:200],
        orgunit=person.orgunit,
        recorded_by=actor,
        note=note.strip(),
    )
    _event_audit(actor, event, {"spouse": spouse.pk, "place": event.place, **details})
    return event


@transaction.atomic
def marriage_record(
    *, actor: Any, person: Person, spouse: Person, date: datetime.date, place: str = "", note: str = ""
) -> LifeEvent:
    """Record a couple's marriage: one event for the couple, found from either spouse."""
    _require_edit(actor, person.orgunit, spouse.orgunit)
    _check_date(date)
    if person.pk == spouse.pk:
        raise ValidationFailed(_("A person cannot marry themselves."), field="spouse")
    # The Civil Code (art. 1049) registers marriages between a man and a woman; a same-sex pair here is
    # almost always the wrong person picked from a list.
    if person.sex == spouse.sex:
        raise ValidationFailed(_("A registered marriage is between a man and a woman."), field="spouse")
    _check_living(person, date)
    _check_living(spouse, date, field="spouse")
    if (
        LifeEvent.objects.filter(kind=EventKind.MARRIAGE, date=date)
        .filter(person__in=[person, spouse], other_person__in=[person, spouse])
        .exists()
    ):
        raise ValidationFailed(_("This marriage is already recorded."), field="date")
    for someone, field in ((person, "person"), (spouse, "spouse")):
        current = spouse_on(someone, date)
        if current is not None:
            raise ValidationFailed(
                _("On %(date)s %(name)s is married to %(spouse)s; record the divorce first.")
                % {"date": date.isoformat(), "name": someone.name, "spouse": current.name},
                field=field,
            )
    return _couple_event(
        EventKind.MARRIAGE, actor=actor, person=person, spouse=spouse, date=date, place=place, note=note
    )


@transaction.atomic
def divorce_record(
    *, actor: Any, person: Person, spouse: Person, date: datetime.date, place: str = "", note: str = ""
) -> LifeEvent:
    """Record the divorce of a married couple (by agreement at the civil-affairs office or by a court): one
    event for the couple, found from either; afterwards either may marry again."""
    _require_edit(actor, person.orgunit, spouse.orgunit)
    _check_date(date)
    _check_living(person, date)
    _check_living(spouse, date, field="spouse")
    current = spouse_on(person, date)
    if current is None or current.pk != spouse.pk:
        raise ValidationFailed(
            _("On %(date)s %(name)s and %(spouse)s are not recorded as married to each other.")
            % {"date": date.isoformat(), "name": person.name, "spouse": spouse.name},
            field="spouse",
        )
    married_on = (
        LifeEvent.objects.filter(kind=EventKind.MARRIAGE, date__lte=date)
        .filter(Q(person=person, other_person=spouse) | Q(person=spouse, other_person=person))
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if married_on == date:
        raise ValidationFailed(_("A divorce must come after the day of the marriage."), field="date")
    return _couple_event(
        EventKind.DIVORCE,
        actor=actor,
        person=person,
        spouse=spouse,
        date=date,
        place=place,
        note=note,
        married_on=married_on,
    )


def _renumber_births(mother: Person) -> None:
    """Birth order is the rank among the mother's births by date, so a birth recorded late (an older
    child entered after a younger one) moves the others along."""
    births = LifeEvent.objects.filter(kind=EventKind.BIRTH, mother=mother).order_by("date", "id")
    for rank, event in enumerate(births, start=1):
        if event.birth_order != rank:
            LifeEvent.objects.filter(pk=event.pk).update(birth_order=rank)


@transaction.atomic
def birth_record(
    *,
    actor: Any,
    mother: Person,
    date: datetime.date,
    sex: str,
    name: str,
    father: Person | None = None,
    place: str = "",
    id_number: str | None = None,
    note: str = "",
) -> LifeEvent:
    """Record a live birth: the child is added to the mother's household (as the head's child when the
    mother is the head or the spouse, otherwise as "other"), and the birth order is derived.

    Returns the event; the child is ``event.child``.
    """
    _require_edit(actor, mother.orgunit)
    _check_date(date)
    sex = _check_sex(sex)
    name = _check_name(name)
    if mother.sex != Sex.FEMALE:
        raise ValidationFailed(_("The mother must be a woman."), field="mother")
    _check_living(mother, date, field="mother")
    if father is not None:
        if father.sex != Sex.MALE:
            raise ValidationFailed(_("The father must be a man."), field="father")
        if father.pk == mother.pk:
            raise ValidationFailed(_("The father cannot be the mother."), field="father")
        if date < father.birth_date:
            raise ValidationFailed(_("The father was born after this birth."), field="father")
        # A child may be born after the father's death, but not long after it.
        if father.death_date and (date - father.death_date).days > 310:
            raise ValidationFailed(_("The father died more than ten months before this birth."), field="father")
    membership = _open_membership(mother)
    if membership is None:
        raise ValidationFailed(
            _("%(name)s belongs to no household; add her to one first.") % {"name": mother.name}, field="mother"
        )
    household = membership.household
    _require_edit(actor, household.orgunit)
    number = _check_id_number(id_number, birth_date=date, sex=sex)
    pinyin, initials = name_pinyin(name)
    child = Person(
        name=name,
        pinyin=pinyin,
        pinyin_initials=initials,
        sex=sex,
        birth_date=date,
        id_number=number,
        orgunit=household.orgunit,
    )
    _save_person(child)
    relation = Relation.CHILD if membership.relation in (Relation.HEAD, Relation.SPOUSE) else Relation.OTHER
    _join(person=child, household=household, relation=relation, start=date)
    event = LifeEvent.objects.create(
        kind=EventKind.BIRTH,
        date=date,
        person=child,
        child=child,
        mother=mother,
        father=father,
        sex=sex,
        place=place.strip()[:200],
        birth_order=1,
        household=household,
        orgunit=household.orgunit,
        recorded_by=actor,
        note=note.strip(),
    )
    _renumber_births(mother)
    event.refresh_from_db(fields=["birth_order"])
    _event_audit(
        actor,
        event,
        {
            "mother": mother.pk,
            "father": father.pk if father else None,
            "child": child.pk,
            "name": name,
            "sex": sex,
            "id_number": number,
            "birth_order": event.birth_order,
            "household": household.number,
        },
    )
    return event


@transaction.atomic
def adoption_record(
    *,
    actor: Any,
    child: Person,
    date: datetime.date,
    mother: Person | None = None,
    father: Person | None = None,
    note: str = "",
) -> LifeEvent:
    """Record a registered adoption: ``mother``/``father`` become the child's parents (benefits count
    adopted children with born ones). Moving the child into their household is a separate move."""
    _require_edit(actor, child.orgunit, *[p.orgunit for p in (mother, father) if p is not None])
    _check_date(date)
    if mother is None and father is None:
        raise ValidationFailed(_("An adoption needs at least one adoptive parent."), field="mother")
    _check_living(child, date, field="child")
    if mother is not None:
        if mother.sex != Sex.FEMALE:
            raise ValidationFailed(_("The mother must be a woman."), field="mother")
        _check_living(mother, date, field="mother")
    if father is not None:
        if father.sex != Sex.MALE:
            raise ValidationFailed(_("The father must be a man."), field="father")
        _check_living(father, date, field="father")
    event = LifeEvent.objects.create(
        kind=EventKind.ADOPTION,
        date=date,
        person=child,
        child=child,
        mother=mother,
        father=father,
        sex=child.sex,
        orgunit=child.orgunit,
        recorded_by=actor,
        note=note.strip(),
    )
    _event_audit(
        actor,
        event,
        {"child": child.pk, "mother": mother.pk if mother else None, "father": father.pk if father else None},
    )
    return event


@transaction.atomic
def death_record(*, actor: Any, person: Person, date: datetime.date, place: str = "", note: str = "") -> LifeEvent:
    """Record a death: the person is marked deceased from ``date`` and leaves the household that day."""
    _require_edit(actor, person.orgunit)
    _check_date(date)
    _check_living(person, date)
    membership = _leave(person, date)
    person.status = PersonStatus.DEAD
    person.death_date = date
    person.save(update_fields=["status", "death_date", "updated_at"])
    event = LifeEvent.objects.create(
        kind=EventKind.DEATH,
        date=date,
        person=person,
        place=place.strip()[:200],
        household=membership.household if membership else None,
        orgunit=person.orgunit,
        recorded_by=actor,
        note=note.strip(),
    )
    _event_audit(actor, event, {"place": event.place, "status": person.status})
    return event


@transaction.atomic
def move_out_record(
    *, actor: Any, person: Person, date: datetime.date, destination: str = "", note: str = ""
) -> LifeEvent:
    """Record that a person moved their registration out of the district (迁出)."""
    _require_edit(actor, person.orgunit)
    _check_date(date)
    _check_living(person, date)
    if person.status == PersonStatus.MOVED_OUT:
        raise ValidationFailed(_("%(name)s has already moved out.") % {"name": person.name}, field="person")
    membership = _leave(person, date)
    person.status = PersonStatus.MOVED_OUT
    person.save(update_fields=["status", "updated_at"])
    event = LifeEvent.objects.create(
        kind=EventKind.MOVE_OUT,
        date=date,
        person=person,
        place=destination.strip()[:200],
        household=membership.household if membership else None,
        orgunit=person.orgunit,
        recorded_by=actor,
        note=note.strip(),
    )
    _event_audit(actor, event, {"destination": event.place})
    return event


@transaction.atomic
def move_in_record(
    *,
    actor: Any,
    person: Person,
    household: Household,
    relation: str,
    date: datetime.date,
    origin: str = "",
    note: str = "",
) -> LifeEvent:
    """Record that a person in the registry moved into ``household`` (from another household, or back
    after moving out). Both the old and the new village must lie in the actor's scope.

    A newcomer from outside the district is added with ``person_add`` instead.
    """
    _require_edit(actor, person.orgunit, household.orgunit)
    _check_date(date)
    _check_living(person, date)
    relation = _check_relation(relation)
    current = _open_membership(person)
    if current is not None and current.household_id == household.pk:
        raise ValidationFailed(
            _("%(name)s already belongs to this household.") % {"name": person.name}, field="household"
        )
    left = _leave(person, date)
    _join(person=person, household=household, relation=relation, start=date)
    from_village = person.orgunit
    person.orgunit = household.orgunit
    person.status = PersonStatus.ALIVE
    person.save(update_fields=["orgunit", "status", "updated_at"])
    if not origin and left is not None:
        origin = f"{left.household.orgunit.name} {left.household.number}"
    event = LifeEvent.objects.create(
        kind=EventKind.MOVE_IN,
        date=date,
        person=person,
        place=origin.strip()[:200],
        household=household,
        orgunit=household.orgunit,
        recorded_by=actor,
        note=note.strip(),
    )
    _event_audit(
        actor,
        event,
        {
            "household": household.number,
            "relation": relation,
            "origin": event.place,
            "from_orgunit": from_village.code,
            "orgunit": household.orgunit.code,
        },
    )
    return event
