"""A reviewer's decision on a candidate pair, and revealing the numbers behind a masked comparison."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.access import may_see_unit, require
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record, audit_sensitive_read
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.linkage.features import valid_id_number
from xingfu.linkage.models import Candidate, Decision, Proposal, Verdict
from xingfu.linkage.services.merge import person_merge
from xingfu.registry.models import Household, LifeEvent, Person, Relation, Sex
from xingfu.registry.services import birth_record, household_register, person_add

ACCEPT, REJECT = "accept", "reject"


def _default_child_name(mother: Person, sex: str) -> str:
    """What a hospital writes for a newborn not yet named: "王秀英之子" (son of), "王秀英之女" (daughter of)."""
    return f"{mother.name}{'之子' if sex == Sex.MALE else '之女'}"


def _accept_birth(
    *, actor: Any, candidate: Candidate, mother: Person | None, child_name: str
) -> tuple[Person, LifeEvent]:
    record = candidate.record
    assert record is not None
    mother = candidate.person or mother
    if mother is None:
        raise ValidationFailed(
            _("No registry mother was found for this birth: choose her (her person number) to record it."),
            field="mother",
        )
    if record.child_birth_date is None or not record.child_sex:
        raise ValidationFailed(_("The row lacks the child's birth date or sex."), field="record")
    event = birth_record(
        actor=actor,
        mother=mother,
        date=record.child_birth_date,
        sex=record.child_sex,
        name=child_name or record.child_name or _default_child_name(mother, record.child_sex),
        place=record.facility,
        note=_("From outside list #%(list)d, row %(row)d.") % {"list": record.outside_list_id, "row": record.row},
    )
    assert event.child is not None
    return event.child, event


def _accept_person(
    *,
    actor: Any,
    candidate: Candidate,
    household: Household | None,
    new_household_number: str,
    relation: str,
    sex: str,
    birth_date: datetime.date | None,
) -> Person:
    record = candidate.record
    assert record is not None
    if household is None:
        if not new_household_number:
            raise ValidationFailed(
                _("Choose the household the person joins, or give the number of a new household."), field="household"
            )
        village = candidate.orgunit
        if village.level != "village":
            raise ValidationFailed(
                _("The row names no village; add the person to an existing household instead."), field="household"
            )
        household = household_register(
            actor=actor,
            village=village,
            number=new_household_number,
            residence="rural",
            registered_on=timezone.localdate(),
            address=record.address,
        )
        relation = relation or Relation.HEAD
    sex = sex or record.sex
    birth_date = birth_date or record.birth_date
    if not sex or birth_date is None:
        raise ValidationFailed(_("The row lacks the sex or the birth date; give them to add the person."), field="sex")
    return person_add(
        actor=actor,
        household=household,
        name=record.name,
        sex=sex,
        birth_date=birth_date,
        relation=relation or Relation.OTHER,
        id_number=record.id_number if valid_id_number(record.id_number) else None,
    )


@transaction.atomic
def candidate_decide(
    *,
    actor: Any,
    candidate: Candidate,
    verdict: str,
    reason: str = "",
    survivor: Person | None = None,
    mother: Person | None = None,
    child_name: str = "",
    household: Household | None = None,
    new_household_number: str = "",
    relation: str = "",
    sex: str = "",
    birth_date: datetime.date | None = None,
) -> Decision:
    """Decide on a candidate: accept what it proposes (link the row to the person; record the birth; add the
    person; merge the two) or reject it, which keeps the pair from ever being proposed again. Births and
    persons are created only here, through the registry's own services; a decision is final."""
    require(actor, Perm.LINKAGE_REVIEW)
    if not may_see_unit(actor, candidate.orgunit):
        raise PermissionDenied(_("This candidate is outside your scope."))
    if verdict not in (ACCEPT, REJECT):
        raise ValidationFailed(_("The verdict is accept or reject."), field="verdict")
    # Lock the candidate's own row (PostgreSQL cannot lock the nullable side of the joins).
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("run", "record", "person", "other_person", "orgunit")
        .get(pk=candidate.pk)
    )
    if Decision.objects.filter(pair_key=candidate.pair_key).exists():
        raise Conflict(_("This pair has been decided already."), field="verdict")
    settled = Decision.objects.filter(
        record_key=candidate.record_key, verdict__in=(Verdict.ACCEPTED, Verdict.LINKED_AUTOMATICALLY)
    ).exclude(record_key="")
    if verdict == ACCEPT and settled.exists():
        raise Conflict(_("This row has been linked or added already."), field="verdict")

    person: Person | None = candidate.person
    event: LifeEvent | None = candidate.birth
    merge = None
    if verdict == ACCEPT:
        if candidate.proposal == Proposal.ADD_BIRTH:
            person, event = _accept_birth(actor=actor, candidate=candidate, mother=mother, child_name=child_name)
        elif candidate.proposal == Proposal.ADD_PERSON:
            person = _accept_person(
                actor=actor,
                candidate=candidate,
                household=household,
                new_household_number=new_household_number.strip(),
                relation=relation,
                sex=sex,
                birth_date=birth_date,
            )
        elif candidate.proposal == Proposal.MERGE:
            assert candidate.person is not None and candidate.other_person is not None
            keep = survivor or candidate.person
            if keep.pk not in (candidate.person_id, candidate.other_person_id):
                raise ValidationFailed(_("The survivor is one of the two persons of the pair."), field="survivor")
            gone = candidate.other_person if keep.pk == candidate.person_id else candidate.person
            merge = person_merge(actor=actor, survivor=keep, merged=gone, reason=reason)
            person = keep
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                candidate=candidate,
                pair_key=candidate.pair_key,
                record_key=candidate.record_key,
                proposal=candidate.proposal,
                verdict=Verdict.ACCEPTED if verdict == ACCEPT else Verdict.REJECTED,
                decided_by=actor,
                reason=reason.strip(),
                person=person if verdict == ACCEPT else candidate.person,
                event=event if verdict == ACCEPT else None,
                merge=merge,
                orgunit=candidate.orgunit,
            )
    except IntegrityError as exc:
        raise Conflict(_("This pair has been decided already."), field="verdict") from exc
    audit_record(
        actor=actor,
        action=f"linkage.decision.{verdict}",
        object_type="candidate",
        object_id=candidate.pk,
        orgunit=candidate.orgunit,
        changes={
            "proposal": {"before": None, "after": candidate.proposal},
            "verdict": {"before": None, "after": decision.verdict},
            "person": {"before": None, "after": decision.person_id},
            "record": {"before": None, "after": candidate.record_id},
            "other_person": {"before": None, "after": candidate.other_person_id},
        },
        reason=reason,
    )
    return decision


def candidate_reveal(*, actor: Any, candidate: Candidate, reason: str = "") -> dict[str, str]:
    """The full resident-ID numbers of both sides of a pair, for a role that may unmask numbers; each sight is
    written to the audit trail."""
    require(actor, Perm.LINKAGE_VIEW)
    require(actor, Perm.REGISTRY_UNMASK)
    if not may_see_unit(actor, candidate.orgunit):
        raise PermissionDenied(_("This candidate is outside your scope."))
    numbers: dict[str, str] = {}
    if candidate.record is not None:
        numbers["record"] = candidate.record.id_number or ""
        audit_sensitive_read(
            actor=actor,
            what="id_number",
            object_type="outside_record",
            object_id=candidate.record_id,
            orgunit=candidate.orgunit,
            reason=reason,
        )
    for side, person in (("person", candidate.person), ("other_person", candidate.other_person)):
        if person is not None:
            numbers[side] = person.id_number or ""
            audit_sensitive_read(
                actor=actor, what="id_number", object_type="person", object_id=person.pk, orgunit=person.orgunit,
                reason=reason,
            )  # fmt: skip
    return numbers
