"""Applications for programmes that need one (college reward, care-fund hardship help).

A village worker or officer records the application with the documents the programme lists; a town officer
reviews it; another user decides (approve with the amount, or reject). Decisions are insert-only rows; the
application's status follows the latest. An approved application is paid once by the programme's next cycle.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record
from xingfu.benefits.eligibility.amounts import application_amount, money
from xingfu.benefits.eligibility.engine import explain_all, rule_in_force
from xingfu.benefits.models import (
    Application,
    ApplicationAttachment,
    ApplicationDecision,
    ApplicationStatus,
    DecisionStep,
    Programme,
    Unit,
)
from xingfu.benefits.services._common import require_in_scope, require_perm
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.registry.models import Household, Person

MAX_FILE_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {"pdf", "jpg", "jpeg", "png"}


def _check_file(upload: UploadedFile | None) -> str:
    if upload is None:
        return ""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationFailed(_("Attach a PDF, JPG or PNG file."), field="attachments")
    if (upload.size or 0) > MAX_FILE_BYTES:
        raise ValidationFailed(_("An attachment is at most 10 MB."), field="attachments")
    return extension


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    programme: Programme,
    beneficiary: Person | Household,
    tier: str = "",
    statement: str = "",
    attachments: list[dict[str, Any]],
    on: datetime.date | None = None,
) -> Application:
    """Record an application for ``beneficiary``. It must qualify under the programme's rule today (the
    refusal says which condition fails), list every document the programme asks for, and, for a reward by
    tier, name a tier the programme knows. ``attachments``: ``[{"name", "file_type", "file"?}]``."""
    require_perm(actor, Perm.BENEFITS_VIEW)
    require_perm(actor, Perm.REGISTRY_EDIT)
    if not programme.needs_application:
        raise ValidationFailed(_("This programme pays without an application."), field="programme")
    expected = Unit.PERSON if isinstance(beneficiary, Person) else Unit.HOUSEHOLD
    if programme.unit != expected:
        raise ValidationFailed(
            _("This programme is for a %(unit)s.") % {"unit": programme.get_unit_display()}, field="programme"
        )
    require_in_scope(actor, beneficiary.orgunit)
    on = on or timezone.localdate()
    rule = rule_in_force(programme, on)
    if rule is not None and rule.amount.get("mode") == "application_tier":
        tiers = list(rule.amount["tiers"])
        if tier not in tiers:
            raise ValidationFailed(_("Choose the tier: %(tiers)s.") % {"tiers": ", ".join(tiers)}, field="tier")
    else:
        tier = ""
    explanation = explain_all([programme], beneficiary, on=on)[0]
    if not explanation["eligible"] and explanation["conditions"] is None:
        raise ValidationFailed(explanation["reason"], field="programme")
    if explanation["conditions"] is not None and not explanation["conditions"]["held"]:
        raise ValidationFailed(
            _("%(name)s does not qualify: %(failed)s.")
            % {"name": _unit_name(beneficiary), "failed": "; ".join(_failed(explanation["conditions"]))},
            field="programme",
            details={"explanation": explanation},
        )
    if not isinstance(attachments, list) or len(attachments) > 20:
        raise ValidationFailed(_("List the documents attached."), field="attachments")
    names = {str(a.get("name", "")).strip() for a in attachments}
    missing = [a["name"] for a in programme.attachments if a["name"] not in names]
    if missing:
        raise ValidationFailed(
            _("These documents are missing: %(names)s.") % {"names": ", ".join(missing)}, field="attachments"
        )
    # A person's reward is given once; a household may ask again for help, but not while a request is open.
    blocking = [ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED]
    if programme.unit == Unit.PERSON:
        blocking.append(ApplicationStatus.APPROVED)
    if Application.objects.filter(programme=programme, status__in=blocking, **{str(expected): beneficiary}).exists():
        raise Conflict(_("%(name)s has an application for this programme already.") % {"name": _unit_name(beneficiary)})
    application = Application.objects.create(
        programme=programme,
        person=beneficiary if isinstance(beneficiary, Person) else None,
        household=beneficiary if isinstance(beneficiary, Household) else None,
        orgunit=beneficiary.orgunit,
        tier=tier,
        statement=statement.strip()[:4000],
        submitted_by=actor,
    )
    for item in attachments:
        name = str(item.get("name", "")).strip()[:100]
        if not name:
            raise ValidationFailed(_("Each document has a name."), field="attachments")
        upload = item.get("file")
        file_type = _check_file(upload) or str(item.get("file_type", "")).strip().lower()[:20]
        attachment = ApplicationAttachment(application=application, name=name, file_type=file_type, uploaded_by=actor)
        if upload is not None:
            attachment.file = upload
        attachment.save()
    audit_record(
        actor=actor,
        action="benefits.application_submit",
        object_type="application",
        object_id=application.pk,
        orgunit=beneficiary.orgunit,
        changes={"programme": {"before": None, "after": programme.code}, "tier": {"before": None, "after": tier}},
    )
    return application


def _unit_name(unit: Person | Household) -> str:
    return unit.name if isinstance(unit, Person) else unit.number


def _failed(node: dict[str, Any]) -> list[str]:
    """The conditions that did not hold, as "label (value)" texts."""
    if node["kind"] == "condition":
        return [] if node["held"] else [f"{node['label']} ({node['actual']})"]
    if node["kind"] == "not":
        return (
            [_("not: %(inner)s") % {"inner": ", ".join(_describe(c) for c in node["children"])}]
            if not node["held"]
            else []
        )
    return [text for child in node["children"] for text in _failed(child)]


def _describe(node: dict[str, Any]) -> str:
    if node["kind"] == "condition":
        return f"{node['label']} ({node['actual']})"
    return node["kind"]


def _decide(
    actor: Any, application: Application, step: str, *, amount: Decimal | None, note: str
) -> ApplicationDecision:
    decision = ApplicationDecision.objects.create(
        application=application, step=step, amount=amount, note=note.strip()[:2000], decided_by=actor
    )
    status = {
        DecisionStep.REVIEW: ApplicationStatus.REVIEWED,
        DecisionStep.APPROVE: ApplicationStatus.APPROVED,
        DecisionStep.REJECT: ApplicationStatus.REJECTED,
    }[DecisionStep(step)]
    before = application.status
    Application.objects.filter(pk=application.pk).update(status=status)
    application.status = status
    audit_record(
        actor=actor,
        action=f"benefits.application_{step}",
        object_type="application",
        object_id=application.pk,
        orgunit=application.orgunit,
        changes={"status": {"before": before, "after": status}, "amount": {"before": None, "after": amount}},
        reason=note.strip()[:500],
    )
    return decision


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "orgunit")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_review(*, actor: Any, application: Application, note: str = "") -> ApplicationDecision:
    """A town officer has checked the application and its documents."""
    require_perm(actor, Perm.BENEFITS_PREPARE)
    require_in_scope(actor, application.orgunit)
    application = _locked(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(
            _("Only a submitted application is reviewed; this one is %(s)s.") % {"s": application.get_status_display()}
        )
    return _decide(actor, application, DecisionStep.REVIEW, amount=None, note=note)


@transaction.atomic
def application_decide(
    *, actor: Any, application: Application, approve: bool, amount: Decimal | None = None, note: str = ""
) -> ApplicationDecision:
    """Approve (with the amount: the tier's, or the one decided for a case-by-case programme) or reject a
    reviewed application. The decider is neither the reviewer nor the one who recorded it."""
    require_perm(actor, Perm.BENEFITS_APPROVE)
    require_in_scope(actor, application.orgunit)
    application = _locked(application)
    if application.status != ApplicationStatus.REVIEWED:
        raise Conflict(
            _("Only a reviewed application is decided; this one is %(s)s.") % {"s": application.get_status_display()}
        )
    reviewer = (
        application.decisions.filter(step=DecisionStep.REVIEW)
        .order_by("-id")
        .values_list("decided_by", flat=True)
        .first()
    )
    if actor is not None and actor.pk in (reviewer, application.submitted_by_id):
        raise PermissionDenied(_("Someone who did not record or review the application decides it."))
    if not approve:
        if not note.strip():
            raise ValidationFailed(_("Say why the application is rejected."), field="note")
        return _decide(actor, application, DecisionStep.REJECT, amount=None, note=note)
    rule = (
        rule_in_force(application.programme, timezone.localdate())
        or application.programme.rules.order_by("-valid_from").first()
    )
    spec = rule.amount if rule is not None else {}
    tier_amount = application_amount(spec, tier=application.tier) if spec else None
    if tier_amount is not None:
        value = tier_amount
    else:
        if amount is None:
            raise ValidationFailed(_("Enter the amount decided."), field="amount")
        value = money(str(amount))
        ceiling = Decimal(spec.get("max", "0")) if spec.get("mode") == "case_by_case" else None
        if ceiling is not None and value > ceiling:
            raise ValidationFailed(_("The programme gives at most %(max)s.") % {"max": ceiling}, field="amount")
    if value <= 0:
        raise ValidationFailed(_("The amount must be above zero."), field="amount")
    return _decide(actor, application, DecisionStep.APPROVE, amount=value, note=note)


@transaction.atomic
def attachment_upload(
    *, actor: Any, application: Application, name: str, upload: UploadedFile
) -> ApplicationAttachment:
    """Attach the file of a document the application lists (while it is not decided)."""
    require_perm(actor, Perm.BENEFITS_VIEW)
    require_perm(actor, Perm.REGISTRY_EDIT)
    require_in_scope(actor, application.orgunit)
    application = _locked(application)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED):
        raise Conflict(_("A decided application takes no more documents."))
    file_type = _check_file(upload)
    attachment = application.attachments.filter(name=name.strip(), file="").first()
    if attachment is None:
        if not application.attachments.filter(name=name.strip()).exists():
            raise ValidationFailed(
                _("The application lists no document called %(name)s.") % {"name": name[:100]}, field="name"
            )
        attachment = ApplicationAttachment(application=application, name=name.strip()[:100], uploaded_by=actor)
    attachment.file_type = file_type
    attachment.file = upload
    attachment.save()
    audit_record(
        actor=actor,
        action="benefits.application_file",
        object_type="application",
        object_id=application.pk,
        orgunit=application.orgunit,
        changes={"document": {"before": None, "after": attachment.name}},
    )
    return attachment
