"""Care records follow a person merged into another (``xingfu.registry.signals.person_merged``)."""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from xingfu.care.models import (
    CareDueStatus,
    CheckResult,
    CheckUp,
    DueVisit,
    Enrollment,
    EnrollmentStatus,
    Invitation,
)
from xingfu.registry.models import Person

_ONGOING = Q(status=EnrollmentStatus.OPEN, outcome="")


def care_follow_merge(*, survivor: Person, merged: Person, **_: Any) -> dict[str, Any]:
    """Move the merged-away record's enrolments, check-up results and screening invitations to the survivor.

    Where the survivor already has the same ongoing enrolment (both records were enrolled for one pregnancy)
    or the same campaign's invitation, the duplicate's stays behind; an ongoing duplicate enrolment is closed
    so that its visits leave the worklists."""
    today = timezone.localdate()
    moved: dict[str, Any] = {"enrollments": [], "closed_enrollments": [], "invitations": []}
    for enrollment in Enrollment.objects.filter(person=merged).order_by("id"):
        ongoing = enrollment.status == EnrollmentStatus.OPEN and not enrollment.outcome
        clash = (
            ongoing
            and Enrollment.objects.filter(_ONGOING, programme_id=enrollment.programme_id, person=survivor).exists()
        )
        if clash:
            Enrollment.objects.filter(pk=enrollment.pk).update(
                status=EnrollmentStatus.CLOSED,
                closed_on=max(today, enrollment.enrolled_on),
                close_reason=f"duplicate record merged into person {survivor.pk}"[:200],
            )
            DueVisit.objects.filter(enrollment=enrollment, status=CareDueStatus.DUE).update(
                status=CareDueStatus.CANCELLED
            )
            moved["closed_enrollments"].append(enrollment.pk)
        else:
            Enrollment.objects.filter(pk=enrollment.pk).update(person=survivor)
            moved["enrollments"].append(enrollment.pk)
    Enrollment.children.through.objects.filter(person=merged).update(person=survivor)
    moved["partner_of"] = list(CheckUp.objects.filter(partner=merged).values_list("pk", flat=True))
    CheckUp.objects.filter(partner=merged).update(partner=survivor)
    taken = set(CheckResult.objects.filter(person=survivor).values_list("checkup_id", "item_id"))
    results = [
        pk
        for pk, checkup, item in CheckResult.objects.filter(person=merged).values_list("pk", "checkup_id", "item_id")
        if (checkup, item) not in taken
    ]
    moved["results"] = CheckResult.objects.filter(pk__in=results).update(person=survivor)
    invited = set(Invitation.objects.filter(person=survivor).values_list("campaign_id", flat=True))
    invitations = Invitation.objects.filter(person=merged).exclude(campaign_id__in=invited)
    moved["invitations"] = list(invitations.values_list("pk", flat=True))
    invitations.update(person=survivor)
    return moved
