"""Merging two registry records of one person: set-based moves in one transaction, the merged-away person kept.

The merged-away record stays in the registry with status "merged" and ``Person.merged_into`` pointing at the
survivor, so every list, programme and count leaves it out; ``PersonMerge`` keeps what was moved, for history.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.access import may_see_unit, require
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.linkage.models import PersonMerge
from xingfu.registry.models import EventKind, Household, LifeEvent, Membership, Person, PersonStatus, Relation
from xingfu.registry.signals import person_merged

_EVENT_PERSON_FIELDS = ("person", "other_person", "mother", "father", "child")


def _check(actor: Any, survivor: Person, merged: Person) -> None:
    require(actor, Perm.LINKAGE_REVIEW)
    require(actor, Perm.REGISTRY_EDIT)
    for person in (survivor, merged):
        if not may_see_unit(actor, person.orgunit):
            raise PermissionDenied(_("%(name)s lives outside your scope.") % {"name": person.name})
    if survivor.pk == merged.pk:
        raise ValidationFailed(_("A person cannot be merged into themselves."), field="survivor")
    if survivor.id_number and merged.id_number and survivor.id_number != merged.id_number:
        raise ValidationFailed(
            _(
                "The two records carry different resident-ID numbers, so they are two people (or one number is "
                "wrong: correct it in the registry first). Nothing was merged."
            ),
            field="survivor",
        )
    if survivor.merged_into_id is not None or merged.merged_into_id is not None:
        raise Conflict(_("One of the two has already been merged into someone else."), field="survivor")
    related = LifeEvent.objects.filter(
        (Q(person=survivor) & (Q(other_person=merged) | Q(mother=merged) | Q(father=merged)))
        | (Q(person=merged) & (Q(other_person=survivor) | Q(mother=survivor) | Q(father=survivor)))
    )
    if related.exists():
        raise ValidationFailed(
            _("The registry records the two as spouses or as parent and child; they cannot be one person."),
            field="survivor",
        )


def _renumber_births(mother: Person) -> None:
    """A mother's births ranked by date again, once another record's births have become hers."""
    births = LifeEvent.objects.filter(kind=EventKind.BIRTH, mother=mother).order_by("date", "id")
    for rank, (pk, order) in enumerate(births.values_list("pk", "birth_order"), start=1):
        if order != rank:
            LifeEvent.objects.filter(pk=pk).update(birth_order=rank)


@transaction.atomic
def person_merge(*, actor: Any, survivor: Person, merged: Person, reason: str = "") -> PersonMerge:
    """Merge ``merged`` into ``survivor`` (one person registered twice): the other's life events and household
    memberships become the survivor's, the survivor's empty particulars (ID number, phone) are filled from the
    other's, and the merged-away record is kept, pointing at the survivor. Refused when the two carry
    different ID numbers, or are recorded as each other's spouse or parent."""
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update(of=("self",))
        .select_related("orgunit")
        .filter(pk__in=[survivor.pk, merged.pk])
    }
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    _check(actor, survivor, merged)
    today = timezone.localdate()
    moved: dict[str, Any] = {"events": {}, "memberships": [], "kept_events": []}

    # Memberships: the survivor keeps his own current household; the other's current one ends today.
    survivor_open = Membership.objects.filter(person=survivor, end_date__isnull=True).first()
    merged_open = Membership.objects.filter(person=merged, end_date__isnull=True).first()
    if survivor_open is not None and merged_open is not None:
        Membership.objects.filter(pk=merged_open.pk).update(end_date=max(today, merged_open.start_date))
        Household.objects.filter(pk=merged_open.household_id, head=merged).update(head=None)
        moved["closed_membership"] = merged_open.pk
    memberships = list(Membership.objects.filter(person=merged).values_list("pk", flat=True))
    Membership.objects.filter(pk__in=memberships).update(person=survivor)
    moved["memberships"] = memberships
    Household.objects.filter(
        head=merged,
        memberships__person=survivor,
        memberships__end_date__isnull=True,
        memberships__relation=Relation.HEAD,
    ).update(head=survivor)
    Household.objects.filter(head=merged).update(head=None)

    # Events: everything that named the other now names the survivor, except a second birth event of the same
    # child (a child is born once): that one stays with the merged-away record, as history.
    kept: list[int] = []
    if LifeEvent.objects.filter(kind=EventKind.BIRTH, child=survivor).exists():
        kept = list(LifeEvent.objects.filter(kind=EventKind.BIRTH, child=merged).values_list("pk", flat=True))
    moved["kept_events"] = kept
    for field in _EVENT_PERSON_FIELDS:
        events = LifeEvent.objects.filter(**{field: merged}).exclude(pk__in=kept)
        ids = list(events.values_list("pk", flat=True))
        if ids:
            LifeEvent.objects.filter(pk__in=ids).update(**{field: survivor})
            moved["events"][field] = ids
    if moved["events"].get("mother"):
        _renumber_births(survivor)

    # Particulars: fill what the survivor lacks; the number moves (it is unique, so it leaves the other first).
    before = {"id_number": survivor.id_number, "phone": survivor.phone, "orgunit": survivor.orgunit.code}
    moved["before"] = {
        "survivor": before,
        "merged": {
            "name": merged.name,
            "sex": merged.sex,
            "birth_date": merged.birth_date.isoformat(),
            "id_number": merged.id_number,
            "phone": merged.phone,
            "status": merged.status,
            "orgunit": merged.orgunit.code,
        },
    }
    updates: dict[str, Any] = {}
    if not survivor.id_number and merged.id_number:
        Person.objects.filter(pk=merged.pk).update(id_number=None)
        updates["id_number"] = merged.id_number
    if not survivor.phone and merged.phone:
        updates["phone"] = merged.phone
    if survivor_open is None and merged_open is not None:
        updates["orgunit"] = merged_open.household.orgunit
    if survivor.disability_grade is None and merged.disability_grade is not None:
        updates["disability_grade"] = merged.disability_grade
    before_status = merged.status
    Person.objects.filter(pk=merged.pk).update(
        status=PersonStatus.MERGED, merged_into=survivor, updated_at=timezone.now()
    )
    if updates:
        for name, value in updates.items():
            setattr(survivor, name, value)
        survivor.save(update_fields=[*updates, "updated_at"])

    # Apps above the registry (care) move their own records; what each moved is kept with the merge.
    for receiver, summary in person_merged.send(sender=Person, survivor=survivor, merged=merged, actor=actor):
        moved.setdefault("elsewhere", {})[getattr(receiver, "__module__", str(receiver))] = summary

    merge = PersonMerge.objects.create(
        survivor=survivor, merged=merged, merged_by=actor, reason=reason.strip(), moved=moved, orgunit=survivor.orgunit
    )
    changes = field_changes(
        before,
        {"id_number": survivor.id_number, "phone": survivor.phone, "orgunit": survivor.orgunit.code},
        sensitive={"id_number", "phone"},
    )
    changes["merged_person"] = {"before": None, "after": merged.pk}
    changes["moved_memberships"] = {"before": None, "after": len(memberships)}
    changes["moved_events"] = {"before": None, "after": sum(len(v) for v in moved["events"].values())}
    audit_record(
        actor=actor,
        action="linkage.person.merge",
        object_type="person",
        object_id=survivor.pk,
        orgunit=survivor.orgunit,
        changes=changes,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="linkage.person.merged_away",
        object_type="person",
        object_id=merged.pk,
        orgunit=merged.orgunit,
        changes={
            "merged_into": {"before": None, "after": survivor.pk},
            "status": {"before": before_status, "after": PersonStatus.MERGED},
        },
        reason=reason,
    )
    return merge
