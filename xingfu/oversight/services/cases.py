"""Cases: tip-offs triaged into an investigation with steps (investigation, evidence, decision, penalty under
the rule, discipline), deadlines, an owner and an outcome."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.access import may_see_unit
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight import rules
from xingfu.oversight.models import Case, CaseOutcome, CaseStatus, CaseStep, Facility, StepKind, TipOff, TipOffStatus
from xingfu.oversight.services._common import check_choice, check_not_future, clean_text, today
from xingfu.oversight.services.tipoffs import set_status


def check_owner(owner: Any, orgunit: OrgUnit) -> None:
    if owner is None or not owner.can(Perm.OVERSIGHT_RECORD) or not may_see_unit(owner, orgunit):
        raise ValidationFailed(
            _("The owner must be an inspector or administrator whose scope covers the case's place."), field="owner"
        )


def _check_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise Conflict(
            _("Case %(n)s is %(s)s; it cannot be changed.") % {"n": case.number, "s": case.get_status_display()}
        )


def next_case_number(opened_on: dt.date) -> str:
    """``370406-2026-0007``: the district code, the year, and a running number within the year."""
    district = OrgUnit.objects.filter(level="district").values_list("code", flat=True).first() or "000000"
    prefix = f"{district}-{opened_on.year}-"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _take_tipoffs(case: Case, tipoffs: Iterable[TipOff]) -> list[int]:
    taken = []
    for tipoff in tipoffs:
        if tipoff.case_id is not None or tipoff.status != TipOffStatus.RECEIVED:
            raise Conflict(_("Tip-off #%(id)s was already triaged.") % {"id": tipoff.pk}, field="tipoffs")
        tipoff.case = case
        set_status(tipoff, TipOffStatus.INVESTIGATING)
        tipoff.save(update_fields=["case", "status", "status_changed_at"])
        taken.append(tipoff.pk)
    return taken


@transaction.atomic
def case_open(
    *,
    actor: Any,
    title: str,
    orgunit: OrgUnit,
    owner: Any,
    summary: str = "",
    facility: Facility | None = None,
    deadline: dt.date | None = None,
    tipoffs: Iterable[TipOff] = (),
) -> Case:
    """Open a case (from one or more tip-offs, or on the inspectors' own initiative) and give it an owner."""
    title = clean_text(title, field="title", label=_("The title"), required=True)
    summary = clean_text(summary, field="summary", label=_("The summary"), max_length=5000)
    check_owner(owner, orgunit)
    if facility is not None and not facility.orgunit.is_within(orgunit):
        raise ValidationFailed(_("The facility is not in the case's town."), field="facility")
    opened_on = today()
    if deadline is None:
        deadline = opened_on + dt.timedelta(days=rules.case_days())
    if not isinstance(deadline, dt.date) or deadline < opened_on:
        raise ValidationFailed(_("The deadline cannot be before today."), field="deadline")
    case = Case.objects.create(
        number=next_case_number(opened_on),
        title=title,
        summary=summary,
        orgunit=orgunit,
        facility=facility,
        owner=owner,
        opened_on=opened_on,
        deadline=deadline,
    )
    taken = _take_tipoffs(case, tipoffs)
    audit_record(
        actor=actor,
        action="oversight.case.open",
        object_type="case",
        object_id=case.pk,
        orgunit=orgunit,
        changes=field_changes(
            None,
            {
                "number": case.number,
                "title": title,
                "owner": owner.pk,
                "deadline": deadline,
                "facility": facility and facility.pk,
                "tipoffs": taken,
            },
        ),
    )
    return case


@transaction.atomic
def case_add_tipoff(*, actor: Any, case: Case, tipoff: TipOff) -> Case:
    """Triage a tip-off into an existing case (another report about the same provider)."""
    _check_open(case)
    if not tipoff.orgunit.is_within(case.orgunit) and not case.orgunit.is_within(tipoff.orgunit):
        raise ValidationFailed(_("The tip-off and the case are about different places."), field="case")
    taken = _take_tipoffs(case, [tipoff])
    audit_record(
        actor=actor,
        action="oversight.case.add_tipoff",
        object_type="case",
        object_id=case.pk,
        orgunit=case.orgunit,
        changes={"tipoffs": taken},
    )
    return case


def _clean_fine(kind: str, rule: str, fine: Any) -> tuple[str, Decimal | None]:
    if kind != StepKind.PENALTY:
        if rule or fine not in (None, ""):
            raise ValidationFailed(_("Only a penalty step names a provision and a fine."), field="rule")
        return "", None
    check_choice(rule, list(rules.PENALTY_RULES), field="rule")
    if fine in (None, ""):
        return rule, None
    try:
        amount = Decimal(str(fine)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("The fine must be an amount in yuan."), field="fine_yuan") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        raise ValidationFailed(_("The fine must be an amount in yuan."), field="fine_yuan")
    provision = rules.PENALTY_RULES[rule]
    bounded = provision.min_fine is not None and provision.max_fine is not None
    if amount and bounded and not provision.min_fine <= amount <= provision.max_fine:  # type: ignore[operator]
        raise ValidationFailed(
            _("Under this provision a fine is between %(lo)s and %(hi)s yuan (or a warning, with no fine).")
            % {"lo": provision.min_fine, "hi": provision.max_fine},
            field="fine_yuan",
        )
    return rule, amount


@transaction.atomic
def case_add_step(
    *,
    actor: Any,
    case: Case,
    kind: str,
    summary: str,
    due: dt.date | None = None,
    done_on: dt.date | None = None,
    rule: str = "",
    fine_yuan: Any = None,
) -> CaseStep:
    """Add a step to the case: done (with its date) or to be done by ``due``. A penalty step names the
    provision of the rule and the fine, which must lie within the provision's bounds."""
    _check_open(case)
    check_choice(kind, [k for k in StepKind.values if k != StepKind.REFERRAL], field="kind")
    summary = clean_text(summary, field="summary", label=_("The summary"), required=True, max_length=5000)
    check_not_future(done_on, field="done_on", label=_("The date done"))
    if done_on is not None and done_on < case.opened_on:
        raise ValidationFailed(_("A step cannot be done before the case was opened."), field="done_on")
    if due is not None and due < case.opened_on:
        raise ValidationFailed(_("A step cannot be due before the case was opened."), field="due")
    rule, fine = _clean_fine(kind, rule or "", fine_yuan)
    step = CaseStep.objects.create(
        case=case,
        kind=kind,
        summary=summary,
        due=due,
        done_on=done_on,
        rule=rule,
        fine_yuan=fine,
        by=actor,
        by_name=getattr(actor, "display_name", "") or "",
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="oversight.case.step",
        object_type="case",
        object_id=case.pk,
        orgunit=case.orgunit,
        changes=field_changes(
            None, {"kind": kind, "due": due, "done_on": done_on, "rule": rule, "fine_yuan": fine, "step": step.pk}
        ),
    )
    return step


@transaction.atomic
def case_step_done(*, actor: Any, step: CaseStep, done_on: dt.date) -> CaseStep:
    _check_open(step.case)
    if step.done_on is not None:
        raise Conflict(_("This step is already done."))
    if not isinstance(done_on, dt.date):
        raise ValidationFailed(_("The date is required."), field="done_on")
    check_not_future(done_on, field="done_on", label=_("The date done"))
    if done_on < step.case.opened_on:
        raise ValidationFailed(_("A step cannot be done before the case was opened."), field="done_on")
    step.done_on = done_on
    step.save(update_fields=["done_on"])
    audit_record(
        actor=actor,
        action="oversight.case.step_done",
        object_type="case",
        object_id=step.case_id,
        orgunit=step.case.orgunit,
        changes={"step": step.pk, "done_on": done_on.isoformat()},
    )
    return step


@transaction.atomic
def case_assign(*, actor: Any, case: Case, owner: Any, deadline: dt.date | None = None) -> Case:
    """Hand the case to another owner and/or move its deadline."""
    _check_open(case)
    check_owner(owner, case.orgunit)
    before = {"owner": case.owner_id, "deadline": case.deadline}
    case.owner = owner
    if deadline is not None:
        if deadline < case.opened_on:
            raise ValidationFailed(_("The deadline cannot be before the case was opened."), field="deadline")
        case.deadline = deadline
    case.save(update_fields=["owner", "deadline"])
    audit_record(
        actor=actor,
        action="oversight.case.assign",
        object_type="case",
        object_id=case.pk,
        orgunit=case.orgunit,
        changes=field_changes(before, {"owner": case.owner_id, "deadline": case.deadline}),
    )
    return case


@transaction.atomic
def case_close(*, actor: Any, case: Case, outcome: str, note: str = "") -> Case:
    """Close the case with its outcome; the reporters see "handled and closed" at the status page."""
    _check_open(case)
    check_choice(outcome, [o for o in CaseOutcome.values if o not in ("", CaseOutcome.REFERRED)], field="outcome")
    case.outcome = outcome
    case.outcome_note = clean_text(note, field="note", label=_("The outcome note"), max_length=5000)
    case.status = CaseStatus.CLOSED
    case.closed_on = today()
    case.save(update_fields=["outcome", "outcome_note", "status", "closed_on"])
    for tipoff in case.tipoffs.all():
        set_status(tipoff, TipOffStatus.CLOSED)
        tipoff.save(update_fields=["status", "status_changed_at"])
    audit_record(
        actor=actor,
        action="oversight.case.close",
        object_type="case",
        object_id=case.pk,
        orgunit=case.orgunit,
        changes={"outcome": outcome, "closed_on": case.closed_on.isoformat()},
    )
    return case
