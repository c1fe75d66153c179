"""Payment cycles: prepare (one user), generate the entitlements (a task), approve (another user), cancel.

Entitlements are generated set-based: one ``INSERT ... SELECT`` per programme from the fact table, no Python
loop over persons. The whole generation is one transaction, so a crash leaves no partial list; a beneficiary
never has two live entitlements for the same programme and period (a partial unique index), so cycles with
overlapping scopes, or the same cycle run twice, never pay anyone twice.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record
from xingfu.benefits.eligibility.engine import (
    RuleSpec,
    eligible_units,
    model_for,
    needed_facts,
    payee_expression,
    pushdown,
    rule_in_force,
    window_for,
)
from xingfu.benefits.eligibility.tables import fact_table
from xingfu.benefits.models import (
    Application,
    ApplicationDecision,
    ApplicationStatus,
    BenefitKind,
    CycleStatus,
    DecisionStep,
    Entitlement,
    EntitlementStatus,
    PayeeKind,
    PaymentCycle,
    Programme,
    Unit,
)
from xingfu.benefits.services._common import require_in_scope, require_perm
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed
from xingfu.core.periods import Period, PeriodType
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Membership

logger = logging.getLogger(__name__)

ONCE = "ONCE"
_LIVE = ~Q(status=EntitlementStatus.FAILED)


def cycle_period(programme: Programme, code: str) -> Period:
    """The period a cycle of ``programme`` pays for, checked against the programme's kind and dates."""
    try:
        period = Period.parse(str(code)[:10])
    except ValueError:
        raise ValidationFailed(_("A period is written 202610 (a month) or 2026 (a year)."), field="period") from None
    if programme.benefit_kind == BenefitKind.CERTIFICATE:
        raise ValidationFailed(_("Certificates are issued, not paid in cycles."), field="programme")
    if period.type is PeriodType.QUARTER:
        raise ValidationFailed(_("Cycles pay for a month or a year."), field="period")
    if programme.benefit_kind == BenefitKind.CASH_MONTHLY and period.type is not PeriodType.MONTH:
        raise ValidationFailed(_("A monthly programme is paid month by month (e.g. 202610)."), field="period")
    if programme.benefit_kind in (BenefitKind.CASH_YEARLY, BenefitKind.PREMIUM) and period.type is not PeriodType.YEAR:
        raise ValidationFailed(_("A yearly programme is paid for a year (e.g. 2026)."), field="period")
    if window_for(programme, period) is None:
        raise ValidationFailed(
            _("%(programme)s does not run in %(period)s.") % {"programme": programme.name, "period": period.code},
            field="period",
        )
    return period


def period_key(programme: Programme, period: Period) -> str:
    """What the ledger keys a payment by: the period, or ONCE for a one-off benefit."""
    return ONCE if programme.benefit_kind == BenefitKind.CASH_ONCE else period.code


def _reference_date(programme: Programme, period: Period) -> datetime.date:
    """Eligibility is decided on the last day the programme runs in the period."""
    window = window_for(programme, period)
    assert window is not None
    return window.last


def _scope_label(scope: OrgUnit) -> str:
    return f"{scope.name} ({scope.code})"


@transaction.atomic
def _create_cycle(*, actor: Any, programme: Programme, period: Period, scope: OrgUnit) -> PaymentCycle:
    fields = {"programme": programme, "period": period.code, "scope": scope}
    try:
        with transaction.atomic():
            cycle = PaymentCycle.objects.create(
                **fields, reference_date=_reference_date(programme, period), prepared_by=actor
            )
    except IntegrityError:
        # Someone prepared this cycle first (perhaps at the same moment): one cycle, and a clear answer.
        cycle = PaymentCycle.objects.select_for_update(of=("self",)).select_related("prepared_by").get(**fields)
        if cycle.status not in (CycleStatus.FAILED, CycleStatus.CANCELLED):
            who = cycle.prepared_by.display_name if cycle.prepared_by else _("the system")
            raise Conflict(
                _("%(programme)s for %(period)s in %(scope)s has been prepared already by %(who)s (%(status)s).")
                % {
                    "programme": programme.name,
                    "period": period.code,
                    "scope": _scope_label(scope),
                    "who": who,
                    "status": cycle.get_status_display(),
                },
                field="period",
                details={"cycle": cycle.pk},
            ) from None
        # A failed or cancelled cycle is prepared again in the same row.
        cycle.status, cycle.progress, cycle.error = CycleStatus.QUEUED, 0, ""
        cycle.prepared_by, cycle.prepared_at = actor, timezone.now()
        cycle.reference_date = _reference_date(programme, period)
        cycle.save()
    audit_record(
        actor=actor,
        action="benefits.cycle_prepare",
        object_type="payment_cycle",
        object_id=cycle.pk,
        orgunit=scope,
        changes={
            "programme": {"before": None, "after": programme.code},
            "period": {"before": None, "after": period.code},
        },
    )
    return cycle


def cycles_prepare(*, actor: Any, programmes: Sequence[Programme], period: str, scope: OrgUnit) -> list[PaymentCycle]:
    """Prepare the cycles of several programmes for the same period and scope (e.g. this month's monthly
    programmes): the cycles are recorded at once, then one task generates all their entitlements, sharing the
    fact tables. Returns the cycles as the task left them (prepared, or failed with the reason)."""
    require_perm(actor, Perm.BENEFITS_PREPARE)
    require_in_scope(actor, scope)
    if not programmes:
        raise ValidationFailed(_("Choose at least one programme."), field="programmes")
    periods = [cycle_period(p, period) for p in programmes]
    cycles = [
        _create_cycle(actor=actor, programme=p, period=per, scope=scope)
        for p, per in zip(programmes, periods, strict=True)
    ]
    ids = [c.pk for c in cycles]
    result = cycles_generate_task.enqueue(cycle_ids=ids)
    PaymentCycle.objects.filter(pk__in=ids).update(task_id=str(result.id)[:64])
    return list(PaymentCycle.objects.filter(pk__in=ids).select_related("programme", "scope").order_by("id"))


def cycle_prepare(*, actor: Any, programme: Programme, period: str, scope: OrgUnit) -> PaymentCycle:
    """Prepare one programme's payments for a period over ``scope``'s subtree: every eligible person or
    household gets an entitlement (plus re-issues of earlier failed payments). Another user approves it."""
    return cycles_prepare(actor=actor, programmes=[programme], period=period, scope=scope)[0]


@task()
def cycles_generate_task(cycle_ids: list[int]) -> dict[str, Any]:
    """The task behind ``cycles_prepare``; progress is on the cycles (queued → generating → prepared)."""
    return cycles_generate(cycle_ids=cycle_ids)


def cycles_generate(*, cycle_ids: Sequence[int]) -> dict[str, Any]:
    """Generate the entitlements of queued cycles, all in one transaction: on any failure nothing is kept and
    the cycles are marked failed with the reason."""
    queued = PaymentCycle.objects.filter(pk__in=cycle_ids, status=CycleStatus.QUEUED)
    queued.update(status=CycleStatus.GENERATING, progress=10)
    try:
        with transaction.atomic():
            cycles = list(
                PaymentCycle.objects.select_for_update(of=("self",))
                .filter(pk__in=cycle_ids, status=CycleStatus.GENERATING)
                .select_related("programme", "scope")
                .order_by("id")
            )
            _generate(cycles)
    except IntegrityError as error:
        message = _("Another cycle already covers some of these beneficiaries for this period; nothing was kept.")
        _fail(cycle_ids, message, error)
        raise Conflict(message) from error
    except Exception as error:
        _fail(cycle_ids, str(error) or type(error).__name__, error)
        raise
    return {"cycles": list(cycle_ids)}


def _fail(cycle_ids: Sequence[int], message: str, error: Exception) -> None:
    logger.warning("payment cycles %s failed: %r", list(cycle_ids), error)
    PaymentCycle.objects.filter(pk__in=cycle_ids).exclude(status=CycleStatus.APPROVED).update(
        status=CycleStatus.FAILED, progress=0, error=message[:1000]
    )


def _generate(cycles: list[PaymentCycle]) -> None:
    by_table: dict[tuple[str, int, datetime.date], list[PaymentCycle]] = defaultdict(list)
    for cycle in cycles:
        # Regenerating (after a failure) starts from an empty list.
        cycle.entitlements.all().delete()
        if cycle.programme.needs_application:
            _insert_from_applications(cycle)
        else:
            by_table[(cycle.programme.unit, cycle.scope_id, cycle.reference_date)].append(cycle)
    for (unit, _scope_id, on), group in by_table.items():
        plans = []
        for cycle in group:
            rule = rule_in_force(cycle.programme, on)
            if rule is None:
                raise ValidationFailed(
                    _("%(programme)s has no rule in force on %(date)s.")
                    % {"programme": cycle.programme.name, "date": on.isoformat()}
                )
            plans.append((cycle, RuleSpec.of(rule)))
        names = set().union(*(needed_facts(c.programme, s) for c, s in plans))
        cuts = [pushdown(c.programme, s, on) for c, s in plans]
        cut = None
        if all(c is not None for c in cuts):
            cut = Q()
            for c in cuts:
                cut |= c  # type: ignore[operator]
        base = model_for(unit).objects.filter(orgunit__path__startswith=group[0].scope.path)
        with fact_table(unit, base, on=on, names=names, pushdown=cut) as facts:
            for cycle, spec in plans:
                _insert_eligible(cycle, spec, facts)
    for cycle in cycles:
        _insert_reissues(cycle)
        totals = cycle.entitlements.aggregate(
            n=Count("id"),
            total=Coalesce(
                Sum("amount"), Value(Decimal(0)), output_field=DecimalField(max_digits=14, decimal_places=2)
            ),
        )
        PaymentCycle.objects.filter(pk=cycle.pk).update(
            status=CycleStatus.PREPARED,
            progress=100,
            error="",
            entitlement_count=totals["n"],
            total_amount=totals["total"],
        )
        audit_record(
            actor=cycle.prepared_by,
            action="benefits.cycle_generate",
            object_type="payment_cycle",
            object_id=cycle.pk,
            orgunit=cycle.scope,
            changes={
                "entitlements": {"before": 0, "after": totals["n"]},
                "total": {"before": 0, "after": totals["total"]},
            },
        )


def _insert_select(qs: QuerySet[Any], columns: dict[str, Any]) -> int:
    """``INSERT INTO benefits_entitlement (columns) SELECT ...`` from ``qs``: the database copies the rows."""
    aliased = {f"e_{name}": expression for name, expression in columns.items()}
    sql, params = qs.order_by().annotate(**aliased).values(*aliased).query.sql_with_params()
    quote = connection.ops.quote_name
    target = ", ".join(quote(name) for name in columns)
    source = ", ".join(f"src.{quote(alias)}" for alias in aliased)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Entitlement._meta.db_table)} ({target}) SELECT {source} FROM ({sql}) src",  # noqa: S608
            params,
        )
        return int(cursor.rowcount)


def _null() -> Cast:
    return Cast(Value(None), output_field=IntegerField())


def _constants(cycle: PaymentCycle) -> dict[str, Any]:
    return {
        "cycle_id": Value(cycle.pk),
        "programme_id": Value(cycle.programme_id),
        "status": Value(EntitlementStatus.PENDING.value),
        "bank_reference": Value(""),
        "failure_reason": Value(""),
    }


def _insert_eligible(cycle: PaymentCycle, spec: RuleSpec, facts: Any) -> int:
    programme = cycle.programme
    period = Period.parse(cycle.period)
    window = window_for(programme, period)
    assert window is not None
    key = period_key(programme, period)
    qs = eligible_units(programme, spec, facts, window=window)
    live = Entitlement.objects.filter(_LIVE, programme=programme, period=key)
    person = programme.unit == Unit.PERSON
    qs = qs.exclude(Exists(live.filter(**{"person_id" if person else "household_id": OuterRef("id")})))
    columns = {
        **_constants(cycle),
        "period": Value(key),
        "person_id": F("id") if person else _null(),
        "household_id": _null() if person else F("id"),
        "orgunit_id": F("orgunit_id"),
        "payee_id": payee_expression(programme),
        "amount": F("benefit_amount"),
        "months": F("benefit_months") if "benefit_months" in qs.query.annotations else _null(),
    }
    return _insert_select(qs, columns)


def _insert_from_applications(cycle: PaymentCycle) -> int:
    """Programmes that need an application pay each approved application once, the amount decided on it."""
    programme = cycle.programme
    approved_amount = (
        ApplicationDecision.objects.filter(application=OuterRef("pk"), step=DecisionStep.APPROVE)
        .order_by("-id")
        .values("amount")[:1]
    )
    qs = Application.objects.filter(
        programme=programme, status=ApplicationStatus.APPROVED, orgunit__path__startswith=cycle.scope.path
    ).exclude(Exists(Entitlement.objects.filter(_LIVE, application=OuterRef("pk"))))
    if programme.payee == PayeeKind.THIRD_PARTY:
        payee: Any = _null()
    elif programme.unit == Unit.HOUSEHOLD:
        payee = F("household__head_id")
    elif programme.payee == PayeeKind.PERSON:
        payee = F("person_id")
    else:
        payee = Subquery(
            Membership.objects.filter(person=OuterRef("person_id"), end_date__isnull=True).values("household__head_id")[
                :1
            ],
            output_field=IntegerField(),
        )
    columns = {
        **_constants(cycle),
        "period": Concat(Value("APP-"), Cast("id", output_field=CharField()), output_field=CharField()),
        "person_id": F("person_id") if programme.unit == Unit.PERSON else _null(),
        "household_id": F("household_id") if programme.unit == Unit.HOUSEHOLD else _null(),
        "orgunit_id": F("orgunit_id"),
        "payee_id": payee,
        "amount": Subquery(approved_amount),
        "months": _null(),
        "application_id": F("id"),
    }
    return _insert_select(qs, columns)


def _insert_reissues(cycle: PaymentCycle) -> int:
    """Failed payments of earlier cycles in the scope, not yet re-issued or paid otherwise, go out again."""
    failed = Entitlement.objects.filter(
        programme_id=cycle.programme_id,
        status=EntitlementStatus.FAILED,
        orgunit__path__startswith=cycle.scope.path,
    ).exclude(cycle=cycle)
    reissued = Entitlement.objects.filter(reissue_of=OuterRef("pk"))
    covered = Entitlement.objects.filter(_LIVE, programme_id=cycle.programme_id, period=OuterRef("period")).filter(
        Q(person_id=OuterRef("person_id"), person_id__isnull=False)
        | Q(household_id=OuterRef("household_id"), household_id__isnull=False)
    )
    qs = failed.exclude(Exists(reissued)).exclude(Exists(covered))
    columns = {
        **_constants(cycle),
        "period": F("period"),
        "person_id": F("person_id"),
        "household_id": F("household_id"),
        "orgunit_id": F("orgunit_id"),
        "payee_id": F("payee_id"),
        "amount": F("amount"),
        "months": F("months"),
        "application_id": F("application_id"),
        "reissue_of_id": F("id"),
    }
    return _insert_select(qs, columns)


@transaction.atomic
def cycle_approve(*, actor: Any, cycle: PaymentCycle) -> PaymentCycle:
    """Approve a prepared cycle (maker-checker: not the user who prepared it). The list is frozen from now
    on: the bank file can be produced and results imported."""
    require_perm(actor, Perm.BENEFITS_APPROVE)
    require_in_scope(actor, cycle.scope)
    cycle = (
        PaymentCycle.objects.select_for_update(of=("self",))
        .select_related("approved_by", "scope", "programme")
        .get(pk=cycle.pk)
    )
    if cycle.status in (CycleStatus.APPROVED, CycleStatus.RECONCILED):
        who = cycle.approved_by.display_name if cycle.approved_by else _("the system")
        raise Conflict(_("This cycle was approved already, by %(who)s.") % {"who": who})
    if cycle.status != CycleStatus.PREPARED:
        raise Conflict(
            _("Only a prepared cycle can be approved; this one is %(status)s.") % {"status": cycle.get_status_display()}
        )
    if actor is not None and cycle.prepared_by_id == actor.pk:
        raise PermissionDenied(_("You prepared this cycle; another user must approve it."))
    cycle.status, cycle.approved_by, cycle.approved_at = CycleStatus.APPROVED, actor, timezone.now()
    cycle.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="benefits.cycle_approve",
        object_type="payment_cycle",
        object_id=cycle.pk,
        orgunit=cycle.scope,
        changes={"status": {"before": CycleStatus.PREPARED, "after": CycleStatus.APPROVED}},
    )
    return cycle


@transaction.atomic
def cycle_cancel(*, actor: Any, cycle: PaymentCycle, reason: str) -> PaymentCycle:
    """Drop a cycle that is not approved (its draft list goes with it); approved cycles are frozen."""
    require_perm(actor, Perm.BENEFITS_PREPARE)
    require_in_scope(actor, cycle.scope)
    cycle = PaymentCycle.objects.select_for_update(of=("self",)).select_related("scope").get(pk=cycle.pk)
    if cycle.status in (CycleStatus.APPROVED, CycleStatus.RECONCILED):
        raise Conflict(_("An approved cycle is frozen; correct a payment by reversing it in the ledger."))
    if cycle.status == CycleStatus.CANCELLED:
        raise Conflict(_("This cycle is cancelled already."))
    if not reason.strip():
        raise ValidationFailed(_("Say why the cycle is cancelled."), field="reason")
    before = cycle.status
    cycle.entitlements.all().delete()
    cycle.status, cycle.entitlement_count, cycle.total_amount, cycle.progress = CycleStatus.CANCELLED, 0, 0, 0
    cycle.save(update_fields=["status", "entitlement_count", "total_amount", "progress"])
    audit_record(
        actor=actor,
        action="benefits.cycle_cancel",
        object_type="payment_cycle",
        object_id=cycle.pk,
        orgunit=cycle.scope,
        changes={"status": {"before": before, "after": CycleStatus.CANCELLED}},
        reason=reason.strip()[:500],
    )
    return cycle
