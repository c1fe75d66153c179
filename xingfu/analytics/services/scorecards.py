"""Target management responsibility (目标管理责任制): scorecards, their lines, and the rewards and penalties
decided on them. Every write is audited; decisions are insert-only and keep the evidence they rest on.

Service targets only: a line over an indicator that counts births or residents is refused, whatever the
indicator's ``targetable`` flag says (``definitions.why_not_targetable``)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.analytics.definitions import definition_of, why_not_targetable
from xingfu.analytics.models import (
    DecisionKind,
    Indicator,
    Scorecard,
    ScorecardDecision,
    ScorecardLine,
    ScorecardSubject,
    ScoringRule,
)
from xingfu.analytics.scoring import scorecard_results
from xingfu.analytics.services.refresh import current_batch
from xingfu.audit.services import audit_record
from xingfu.core.errors import Conflict, ValidationFailed, XingfuError
from xingfu.orgunits.models import Level, OrgUnit


def _decimal(value: Any, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if isinstance(value, bool) or number is None or not number.is_finite() or not low <= number <= high:
        raise ValidationFailed(
            _("%(field)s is a number from %(low)s to %(high)s.") % {"field": field, "low": low, "high": high},
            field=field,
        )
    return number


@transaction.atomic
def scorecard_create(
    *, actor: Any, name_zh: str, name_en: str = "", year: int, subject: str, description: str = ""
) -> Scorecard:
    """A new scorecard for a year's assessment of the towns or of the departments."""
    require(actor, Perm.SCORECARDS_MANAGE)
    if not name_zh.strip():
        raise ValidationFailed(_("A scorecard needs a Chinese name."), field="name_zh")
    if subject not in ScorecardSubject.values:
        raise ValidationFailed(_("subject is town or department."), field="subject")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed(_("year is a year from 2000 to 2100."), field="year")
    card = Scorecard.objects.create(
        name_zh=name_zh.strip()[:100],
        name_en=name_en.strip()[:100],
        year=year,
        subject=subject,
        description=description,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="analytics.scorecard_create",
        object_type="scorecard",
        object_id=card.pk,
        changes={"name_zh": {"before": None, "after": card.name_zh}, "year": {"before": None, "after": year}},
    )
    return card


def check_targetable(indicator: Indicator) -> None:
    """Refuse an indicator that may not be a target, saying why."""
    try:
        reason = why_not_targetable(definition_of(indicator))
    except XingfuError as exc:
        raise ValidationFailed(exc.message, field="indicator") from None
    if reason:
        raise ValidationFailed(
            _("%(indicator)s cannot be a target. %(reason)s") % {"indicator": indicator.name, "reason": reason},
            field="indicator",
        )
    if not indicator.targetable:
        raise ValidationFailed(
            _("%(indicator)s is not marked as a service target (targetable).") % {"indicator": indicator.name},
            field="indicator",
        )


@transaction.atomic
def scorecard_line_add(
    *,
    actor: Any,
    scorecard: Scorecard,
    indicator: Indicator,
    weight: Any,
    target: Any,
    rule: str = ScoringRule.LINEAR,
    floor: Any = None,
    department: str = "",
) -> ScorecardLine:
    """Add a target to a scorecard: service indicators only, scored on their yearly value."""
    require(actor, Perm.SCORECARDS_MANAGE)
    if scorecard.decisions.exists():
        raise Conflict(_("Decisions have been recorded on this scorecard: its targets can no longer change."))
    check_targetable(indicator)
    if "year" not in indicator.period_types:
        raise ValidationFailed(
            _("%(indicator)s has no yearly values to score.") % {"indicator": indicator.name}, field="indicator"
        )
    if rule not in ScoringRule.values:
        raise ValidationFailed(_("rule takes one of: %(r)s.") % {"r": ", ".join(ScoringRule.values)}, field="rule")
    big = Decimal("1e9")
    weight_d = _decimal(weight, "weight", low=Decimal("0.01"), high=Decimal(1000))
    target_d = _decimal(target, "target", low=-big, high=big)
    floor_d = None if floor in (None, "") else _decimal(floor, "floor", low=-big, high=big)
    if rule == ScoringRule.LINEAR and (floor_d is None or floor_d == target_d):
        raise ValidationFailed(_("A linear rule needs a floor different from the target."), field="floor")
    department = (department or "").strip()
    if scorecard.subject == ScorecardSubject.DEPARTMENT and not department:
        raise ValidationFailed(_("Name the department this target belongs to."), field="department")
    if scorecard.subject == ScorecardSubject.TOWN and department:
        raise ValidationFailed(_("A town scorecard's targets apply to every town: no department."), field="department")
    line = ScorecardLine.objects.create(
        scorecard=scorecard,
        indicator=indicator,
        weight=weight_d,
        target=target_d,
        rule=rule,
        floor=floor_d,
        department=department[:100],
        order=scorecard.lines.count(),
    )
    audit_record(
        actor=actor,
        action="analytics.scorecard_line_add",
        object_type="scorecard",
        object_id=scorecard.pk,
        changes={
            "line": {
                "before": None,
                "after": {
                    "indicator": indicator.code,
                    "weight": str(weight_d),
                    "target": str(target_d),
                    "rule": rule,
                    "floor": None if floor_d is None else str(floor_d),
                    "department": department,
                },
            }
        },
    )
    return line


@transaction.atomic
def scorecard_line_remove(*, actor: Any, line: ScorecardLine) -> None:
    require(actor, Perm.SCORECARDS_MANAGE)
    if line.scorecard.decisions.exists():
        raise Conflict(_("Decisions have been recorded on this scorecard: its targets can no longer change."))
    audit_record(
        actor=actor,
        action="analytics.scorecard_line_remove",
        object_type="scorecard",
        object_id=line.scorecard_id,
        changes={"line": {"before": {"indicator": line.indicator.code, "target": str(line.target)}, "after": None}},
    )
    line.delete()


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    scorecard: Scorecard,
    kind: str,
    note: str,
    town: OrgUnit | None = None,
    department: str = "",
    amount: Any = None,
) -> ScorecardDecision:
    """Record the reward or penalty decided for one assessed town or department. The score and the indicator
    values it rests on are kept with the decision as they are now."""
    require(actor, Perm.SCORECARDS_MANAGE)
    if kind not in DecisionKind.values:
        raise ValidationFailed(_("kind takes one of: %(k)s.") % {"k": ", ".join(DecisionKind.values)}, field="kind")
    if not note.strip():
        raise ValidationFailed(_("Say what was decided."), field="note")
    amount_d = None if amount in (None, "") else _decimal(amount, "amount", low=Decimal(0), high=Decimal("1e9"))
    if amount_d is not None:
        amount_d = amount_d.quantize(Decimal("0.01"))
    results = scorecard_results(scorecard)
    if scorecard.subject == ScorecardSubject.TOWN:
        if town is None or town.level != Level.TOWN or department:
            raise ValidationFailed(_("Choose the town the decision is about."), field="town")
        match = [r for r in results if r.town is not None and r.town.pk == town.pk]
    else:
        if town is not None or not department:
            raise ValidationFailed(_("Choose the department the decision is about."), field="department")
        match = [r for r in results if r.department == department]
    if not match:
        raise ValidationFailed(_("That town or department is not assessed on this scorecard."), field="department")
    result = match[0]
    batch = current_batch()
    decision = ScorecardDecision(
        scorecard=scorecard,
        town=town,
        department=department if town is None else "",
        kind=kind,
        amount=amount_d,
        note=note.strip(),
        score=result.total,
        evidence=result.evidence(as_of=batch.started_at if batch else None, year=scorecard.year),
        decided_by=actor,
    )
    decision.save()
    audit_record(
        actor=actor,
        action="analytics.scorecard_decision",
        object_type="scorecard",
        object_id=scorecard.pk,
        orgunit=town,
        changes={
            "decision": {
                "before": None,
                "after": {
                    "kind": kind,
                    "subject": result.label,
                    "score": str(result.total),
                    "amount": None if amount_d is None else str(amount_d),
                },
            }
        },
        reason=note.strip()[:200],
    )
    return decision
