"""Priority-treatment certificates: issued set-based to eligible households, checked by partner departments."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils.translation import gettext as _

from xingfu.accounts.access import scoped
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record
from xingfu.benefits.eligibility.amounts import Window
from xingfu.benefits.eligibility.engine import RuleSpec, eligible_units, needed_facts, pushdown, rule_in_force
from xingfu.benefits.eligibility.tables import fact_table
from xingfu.benefits.models import BenefitKind, Certificate, Programme
from xingfu.benefits.services._common import require_in_scope, require_perm
from xingfu.core.errors import ValidationFailed
from xingfu.core.masking import mask_id_number
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Household, Membership, Person
from xingfu.registry.resident_id import normalise


@transaction.atomic
def certificates_issue(*, actor: Any, programme: Programme, scope: OrgUnit, on: datetime.date) -> int:
    """Issue the programme's certificate to every household in ``scope`` that qualifies on ``on`` and holds
    none yet; the discount is the rule's amount (in percent). Returns how many were issued."""
    require_perm(actor, Perm.BENEFITS_MANAGE)
    require_in_scope(actor, scope)
    if programme.benefit_kind != BenefitKind.CERTIFICATE:
        raise ValidationFailed(_("This programme does not issue certificates."), field="programme")
    rule = rule_in_force(programme, on)
    if rule is None or on < programme.starts_on:
        raise ValidationFailed(_("No rule of this programme is in force on %(date)s.") % {"date": on}, field="on")
    spec = RuleSpec.of(rule)
    base = Household.objects.filter(orgunit__path__startswith=scope.path)
    with fact_table(
        "household", base, on=on, names=needed_facts(programme, spec), pushdown=pushdown(programme, spec, on)
    ) as facts:
        qs = eligible_units(programme, spec, facts, window=Window(on, on))
        held = Certificate.objects.filter(programme=programme, household_id=OuterRef("id"), revoked_on__isnull=True)
        rows = [
            Certificate(
                programme=programme,
                household_id=row["id"],
                orgunit_id=row["orgunit_id"],
                number=row["number"],
                rate=row["benefit_amount"],
                issued_on=on,
                issued_by=actor,
            )
            for row in qs.exclude(Exists(held))
            .annotate(
                number=Concat(
                    Value(f"{programme.code.upper()}-"),
                    LPad(Cast("id", output_field=CharField()), 8, Value("0")),
                    output_field=CharField(),
                )
            )
            .values("id", "orgunit_id", "benefit_amount", "number")
            .iterator(chunk_size=5000)
        ]
    # A household that held a revoked certificate gets a new number.
    revoked = set(
        Certificate.objects.filter(programme=programme, number__in=[r.number for r in rows]).values_list(
            "number", flat=True
        )
    )
    for row in rows:
        if row.number in revoked:
            row.number = f"{row.number}-{on:%Y%m%d}"
    Certificate.objects.bulk_create(rows, batch_size=5000)
    audit_record(
        actor=actor,
        action="benefits.certificates_issue",
        object_type="programme",
        object_id=programme.pk,
        orgunit=scope,
        changes={"issued": {"before": 0, "after": len(rows)}},
    )
    return len(rows)


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, on: datetime.date, reason: str) -> Certificate:
    require_perm(actor, Perm.BENEFITS_MANAGE)
    if certificate.revoked_on is not None:
        raise ValidationFailed(_("This certificate is revoked already."), field="certificate")
    if not reason.strip():
        raise ValidationFailed(_("Say why the certificate is revoked."), field="reason")
    Certificate.objects.filter(pk=certificate.pk).update(revoked_on=on)
    certificate.revoked_on = on
    audit_record(
        actor=actor,
        action="benefits.certificate_revoke",
        object_type="certificate",
        object_id=certificate.pk,
        changes={"revoked_on": {"before": None, "after": on}},
        reason=reason.strip()[:500],
    )
    return certificate


@dataclass(frozen=True)
class CheckAnswer:
    """All a partner department learns: yes or no, and the certificate number when yes."""

    qualifies: bool
    certificate_number: str | None


def certificate_check(*, actor: Any, id_number: str) -> CheckAnswer:
    """Whether the household of the resident with this ID number holds a valid priority-treatment certificate.
    Nothing else is disclosed (not even whether the number is registered), and every check is audited."""
    require_perm(actor, Perm.BENEFITS_CERTIFY)
    number = normalise(id_number)
    person = (
        scoped(actor, Person.objects.filter(id_number=number), "orgunit__path").first()
        if actor
        else (Person.objects.filter(id_number=number).first())
    )
    membership = (
        Membership.objects.filter(person=person, end_date__isnull=True).select_related("household__orgunit").first()
        if person is not None
        else None
    )
    certificate = (
        Certificate.objects.filter(
            household_id=membership.household_id,
            revoked_on__isnull=True,
            programme__benefit_kind=BenefitKind.CERTIFICATE,
        )
        .order_by("issued_on", "id")
        .first()
        if membership is not None
        else None
    )
    answer = CheckAnswer(certificate is not None, certificate.number if certificate else None)
    audit_record(
        actor=actor,
        action="read.certificate_check",
        object_type="certificate" if certificate else "",
        object_id=certificate.pk if certificate else "",
        orgunit=membership.household.orgunit if membership else None,
        changes={
            "id_number": {"before": None, "after": mask_id_number(number)},
            "qualifies": {"before": None, "after": answer.qualifies},
        },
    )
    return answer
