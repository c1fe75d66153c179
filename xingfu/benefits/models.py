"""Benefits: programmes defined as data, payment cycles, the ledger, applications, funds, department
commitments and priority-treatment certificates.

A programme's rules (who qualifies, how much) are ``ProgrammeRule`` rows with effective dates; eligibility is
compiled from them to SQL over the registry's facts (``xingfu.benefits.eligibility``). Money is paid through
``PaymentCycle``s (prepared by one user, approved by another) whose ``Entitlement``s become ``LedgerEntry``s once
the bank confirms them. The ledger, fund transactions and application decisions are insert-only: corrections are
new rows (a reversal, a new decision), never edits.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from xingfu.core.append_only import AppendOnlyModel

# "programme" is also care's word (a care programme, 服务项目); the benefit programme (扶助项目) has its context.
_PROGRAMME = pgettext_lazy("benefit programme", "programme")


# --- programmes -------------------------------------------------------------------------------------------


class Unit(models.TextChoices):
    PERSON = "person", _("Person")
    HOUSEHOLD = "household", _("Household")


class BenefitKind(models.TextChoices):
    CASH_ONCE = "cash_once", _("Cash, once")
    CASH_MONTHLY = "cash_monthly", _("Cash, monthly")
    CASH_YEARLY = "cash_yearly", _("Cash, yearly")
    PREMIUM = "premium", _("Premium paid to a third party (yearly)")
    CERTIFICATE = "certificate", _("Discount certificate")


class PayeeKind(models.TextChoices):
    PERSON = "person", _("The person")
    HOUSEHOLD_HEAD = "household_head", _("The head of the household")
    THIRD_PARTY = "third_party", _("A third party")


class ProgrammeLevel(models.TextChoices):
    DISTRICT = "district", _("District programme")
    NATIONAL = "national", _("National programme")


class Fund(models.Model):
    """A pot of money with its own statement, e.g. the population care fund (人口关爱基金)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A benefit programme: who it is for (``unit``), what it gives (``benefit_kind``), to whom it is paid.

    Conditions and amounts live in ``ProgrammeRule`` rows with effective dates."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(
        pgettext_lazy("programme level", "level"),
        max_length=10,
        choices=ProgrammeLevel.choices,
        default=ProgrammeLevel.DISTRICT,
    )
    unit = models.CharField(pgettext_lazy("benefit unit", "unit"), max_length=10, choices=Unit.choices)
    benefit_kind = models.CharField(_("benefit kind"), max_length=16, choices=BenefitKind.choices)
    payee = models.CharField(_("payee"), max_length=16, choices=PayeeKind.choices)
    third_party = models.CharField(_("third party"), max_length=100, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=100, blank=True)
    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), null=True, blank=True, on_delete=models.PROTECT, related_name="programmes"
    )
    needs_application = models.BooleanField(_("needs an application"), default=False)
    # [{"name": "admission letter", "types": "pdf,jpg"}]: what an application must list.
    attachments = models.JSONField(_("attachments required"), default=list, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _PROGRAMME
        verbose_name_plural = _("programmes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="programme_unit_known"),
            models.CheckConstraint(condition=Q(benefit_kind__in=BenefitKind.values), name="programme_kind_known"),
            models.CheckConstraint(condition=Q(payee__in=PayeeKind.values), name="programme_payee_known"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(payee=PayeeKind.THIRD_PARTY) | ~Q(third_party=""), name="programme_third_party_named"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the current language (Chinese unless English is chosen and known)."""
        lang = get_language() or "zh-hans"
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def is_recurring(self) -> bool:
        return self.benefit_kind in (BenefitKind.CASH_MONTHLY, BenefitKind.CASH_YEARLY, BenefitKind.PREMIUM)


class ProgrammeRule(models.Model):
    """The conditions and amount of a programme from ``valid_from`` until ``valid_to`` (inclusive; open if
    empty). A change is a new rule; the one it replaces keeps its content and gets an end date."""

    programme = models.ForeignKey(Programme, verbose_name=_PROGRAMME, on_delete=models.PROTECT, related_name="rules")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    # A condition tree: {"all": [...]}, {"any": [...]}, {"not": {...}} or {"fact", "operator", "value"}.
    conditions = models.JSONField(_("conditions"))
    # {"mode": "fixed", "amount": "50.00"}, {"mode": "tiered", ...}, {"mode": "pro_rata_months", ...}, ...
    amount = models.JSONField(_("amount"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme rule")
        verbose_name_plural = _("programme rules")
        ordering = ["programme_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "valid_from"], name="programme_rule_one_per_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="programme_rule_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} from {self.valid_from}"


# --- payment cycles ---------------------------------------------------------------------------------------


class CycleStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    GENERATING = "generating", _("Generating")
    PREPARED = "prepared", _("Prepared, awaiting approval")
    # The checker's approval of a payment list (复核), not an application's (批准): its own context.
    APPROVED = "approved", pgettext_lazy("payment cycle", "Approved")
    RECONCILED = "reconciled", _("Reconciled")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentCycle(models.Model):
    """One programme's payments for one period over one org unit's subtree."""

    programme = models.ForeignKey(Programme, verbose_name=_PROGRAMME, on_delete=models.PROTECT, related_name="cycles")
    period = models.CharField(_("period"), max_length=7)
    scope = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="payment_cycles"
    )
    reference_date = models.DateField(_("eligibility date"))
    status = models.CharField(_("status"), max_length=12, choices=CycleStatus.choices, default=CycleStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    entitlement_count = models.PositiveIntegerField(_("entitlements"), default=0)
    total_amount = models.DecimalField(_("total"), default=0, max_digits=12, decimal_places=2)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment cycle")
        verbose_name_plural = _("payment cycles")
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period", "scope"], name="cycle_one_per_programme_period_scope"
            ),
            models.CheckConstraint(condition=Q(status__in=CycleStatus.values), name="cycle_status_known"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="cycle_approver_is_not_preparer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.period} {self.scope_id}"


class EntitlementStatus(models.TextChoices):
    PENDING = "pending", _("To be paid")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")


class Entitlement(models.Model):
    """What one beneficiary is due in one cycle. ``period`` is the period the money is for (``202610``,
    ``2026``), ``ONCE`` for a one-off benefit, or ``APP-<id>`` for an award decided on an application; a
    beneficiary has at most one live (not failed) entitlement per programme and period."""

    cycle = models.ForeignKey(
        PaymentCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="entitlements"
    )
    # A cycle writes a row per beneficiary, so every index costs: the foreign keys below are indexed only by
    # the (partial) indexes in Meta that the lookups need.
    programme = models.ForeignKey(
        Programme, verbose_name=_PROGRAMME, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.CharField(_("period"), max_length=16)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    payee = models.ForeignKey(
        "registry.Person",
        verbose_name=_("payee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=EntitlementStatus.choices, default=EntitlementStatus.PENDING
    )
    reissue_of = models.ForeignKey(
        "self",
        verbose_name=_("re-issue of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    application = models.ForeignKey(
        "benefits.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["cycle_id", "id"]
        indexes = [
            models.Index(fields=["person", "programme"], name="entitlement_person", condition=Q(person__isnull=False)),
            models.Index(
                fields=["household", "programme"], name="entitlement_household", condition=Q(household__isnull=False)
            ),
            # Failed payments, for the next cycle's re-issues; and the few re-issued or applied-for rows.
            models.Index(fields=["programme"], name="entitlement_failed", condition=Q(status=EntitlementStatus.FAILED)),
            models.Index(fields=["reissue_of"], name="entitlement_reissue", condition=Q(reissue_of__isnull=False)),
            models.Index(
                fields=["application"], name="entitlement_application", condition=Q(application__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="entitlement_one_beneficiary",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="entitlement_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=EntitlementStatus.values), name="entitlement_status_known"),
            models.UniqueConstraint(
                fields=["programme", "person", "period"],
                condition=~Q(status=EntitlementStatus.FAILED) & Q(person__isnull=False),
                name="entitlement_live_once_person",
            ),
            models.UniqueConstraint(
                fields=["programme", "household", "period"],
                condition=~Q(status=EntitlementStatus.FAILED) & Q(household__isnull=False),
                name="entitlement_live_once_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.period} {self.person_id or self.household_id}: {self.amount}"


# --- the ledger -------------------------------------------------------------------------------------------


class LedgerKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REVERSAL = "reversal", _("Reversal")


class LedgerEntry(AppendOnlyModel):
    """Money paid out (as the bank confirmed it) or a reversal of such a payment. Insert-only: a correction
    is a reversal entry pointing at the payment it cancels. A beneficiary is paid at most once per
    programme and period (``period`` as on ``Entitlement``)."""

    programme = models.ForeignKey(Programme, verbose_name=_PROGRAMME, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=16)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=LedgerKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    entitlement = models.ForeignKey(
        Entitlement, verbose_name=_("entitlement"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.ForeignKey(
        PaymentCycle, verbose_name=_("cycle"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["person", "programme"], name="ledger_person"),
            models.Index(fields=["household", "programme"], name="ledger_household"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="ledger_one_beneficiary",
            ),
            models.UniqueConstraint(
                fields=["programme", "person", "period"],
                condition=Q(kind=LedgerKind.PAYMENT),
                name="ledger_paid_once_person",
            ),
            models.UniqueConstraint(
                fields=["programme", "household", "period"],
                condition=Q(kind=LedgerKind.PAYMENT),
                name="ledger_paid_once_household",
            ),
            models.CheckConstraint(
                condition=Q(kind=LedgerKind.PAYMENT, amount__gt=0, reverses__isnull=True)
                | Q(kind=LedgerKind.REVERSAL, amount__lt=0, reverses__isnull=False),
                name="ledger_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} ({self.programme_id} {self.period})"


# --- funds ------------------------------------------------------------------------------------------------


class FundTransactionKind(models.TextChoices):
    BUDGET = "budget", _("Budget allocation")
    DONATION = "donation", _("Donation")
    PAYMENT = "payment", _("Payments")
    REFUND = "refund", _("Reversed payments")


FUND_INFLOWS = (FundTransactionKind.BUDGET, FundTransactionKind.DONATION, FundTransactionKind.REFUND)


class FundTransaction(AppendOnlyModel):
    """Money into (positive) or out of (negative) a fund; insert-only, the balance is the sum."""

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(_("kind"), max_length=10, choices=FundTransactionKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"))
    source = models.CharField(_("source or payee"), max_length=200, blank=True)
    cycle = models.ForeignKey(
        PaymentCycle, verbose_name=_("cycle"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fund transaction")
        verbose_name_plural = _("fund transactions")
        ordering = ["fund_id", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FUND_INFLOWS, amount__gt=0) | Q(kind=FundTransactionKind.PAYMENT, amount__lt=0),
                name="fund_transaction_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


# --- applications -----------------------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("application decision", "Rejected")


class Application(models.Model):
    """A request for a programme that needs one (college reward, hardship help), for a person or a
    household. ``status`` follows the latest ``ApplicationDecision``."""

    programme = models.ForeignKey(
        Programme, verbose_name=_PROGRAMME, on_delete=models.PROTECT, related_name="applications"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    tier = models.CharField(_("tier"), max_length=40, blank=True)
    statement = models.TextField(_("statement"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["programme", "status"], name="application_programme_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="application_one_beneficiary",
            ),
            models.CheckConstraint(condition=Q(status__in=ApplicationStatus.values), name="application_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} #{self.pk}"


class ApplicationAttachment(models.Model):
    """A document an application lists (by name and type); the file itself is optional."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("name"), max_length=100)
    file_type = models.CharField(_("type"), max_length=20, blank=True)
    file = models.FileField(_("file"), upload_to="benefits/applications/%Y/%m/", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application attachment")
        verbose_name_plural = _("application attachments")
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return self.name


class DecisionStep(models.TextChoices):
    REVIEW = "review", _("Reviewed")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", pgettext_lazy("application decision", "Rejected")


class ApplicationDecision(AppendOnlyModel):
    """One step on an application, insert-only (openIMIS style): a review, then an approval with the amount
    or a rejection. The latest one decides the application's status."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="decisions"
    )
    step = models.CharField(_("step"), max_length=8, choices=DecisionStep.choices)
    amount = models.DecimalField(_("amount"), null=True, blank=True, max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application decision")
        verbose_name_plural = _("application decisions")
        ordering = ["application_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(step=DecisionStep.APPROVE) | Q(amount__gt=0), name="decision_approval_has_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} #{self.application_id}"


# --- department commitments -------------------------------------------------------------------------------


class CommitmentCategory(models.TextChoices):
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


class Commitment(models.Model):
    """What a partner department promised family-planning families (e.g. the water bureau waives pipe fees)."""

    department = models.CharField(_("department"), max_length=100)
    title = models.CharField(_("commitment"), max_length=200)
    category = models.CharField(_("category"), max_length=5, choices=CommitmentCategory.choices)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("department commitment")
        verbose_name_plural = _("department commitments")
        ordering = ["department", "category", "id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "title"], name="commitment_unique_per_department"),
            models.CheckConstraint(condition=Q(category__in=CommitmentCategory.values), name="commitment_category"),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.title}"


class CommitmentFulfilment(models.Model):
    """A department kept a commitment for one household (e.g. fee waived, value in yuan)."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="fulfilments"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("what was done"), max_length=200, blank=True)
    value = models.DecimalField(_("value (yuan)"), null=True, blank=True, max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment fulfilment")
        verbose_name_plural = _("commitment fulfilments")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="fulfilment_value_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} for {self.household_id}"


# --- certificates -----------------------------------------------------------------------------------------


class Certificate(models.Model):
    """A priority-treatment (discount) certificate held by a household under a certificate programme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_PROGRAMME, on_delete=models.PROTECT, related_name="certificates"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    rate = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2)
    issued_on = models.DateField(_("issued on"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["programme_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "household"],
                condition=Q(revoked_on__isnull=True),
                name="certificate_one_valid_per_household",
            ),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=100), name="certificate_rate_percent"),
        ]

    def __str__(self) -> str:
        return self.number


# --- fact tables ------------------------------------------------------------------------------------------
# Temporary tables filled set-based for one date and scope by ``eligibility.tables.fact_table``: a condition
# tree compiles to a ``Q`` over their columns. Not managed by migrations: they exist only inside the
# transaction that builds them.


class _FactColumns(models.Model):
    id = models.BigIntegerField(primary_key=True)
    orgunit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    residence = models.CharField(max_length=8, null=True)  # noqa: DJ001 - NULL: unknown that day
    sons_ever = models.IntegerField(null=True)
    daughters_ever = models.IntegerField(null=True)
    children_ever = models.IntegerField(null=True)
    living_sons = models.IntegerField(null=True)
    living_daughters = models.IntegerField(null=True)
    living_children = models.IntegerField(null=True)
    family_type = models.CharField(max_length=16, null=True)  # noqa: DJ001 - NULL: unknown that day
    child_disability_grade = models.IntegerField(null=True)

    class Meta:
        abstract = True


class PersonFacts(_FactColumns):
    household_id = models.BigIntegerField(null=True)
    household_head_id = models.BigIntegerField(null=True)
    sex = models.CharField(max_length=1)
    status = models.CharField(max_length=10)
    birth_date = models.DateField()
    age = models.IntegerField()
    alive = models.BooleanField()
    relation = models.CharField(max_length=8, null=True)  # noqa: DJ001 - NULL: unknown that day
    first_marriage_date = models.DateField(null=True)
    first_child_birth_date = models.DateField(null=True)
    household_family_type = models.CharField(max_length=16, null=True)  # noqa: DJ001 - NULL: unknown that day
    age_at_first_marriage = models.IntegerField(null=True)
    age_at_first_birth = models.IntegerField(null=True)
    couple_wife_age = models.IntegerField(null=True)
    has_living_child_under_3 = models.BooleanField(null=True)
    disability_grade = models.IntegerField(null=True)

    class Meta:
        managed = False
        db_table = "benefits_facts_person"

    def __str__(self) -> str:
        return f"facts of person {self.pk}"


class HouseholdFacts(_FactColumns):
    head_id = models.BigIntegerField(null=True)
    members = models.IntegerField(null=True)
    husband_marriage_age = models.IntegerField(null=True)
    wife_marriage_age = models.IntegerField(null=True)
    wife_first_birth_age = models.IntegerField(null=True)

    class Meta:
        managed = False
        db_table = "benefits_facts_household"

    def __str__(self) -> str:
        return f"facts of household {self.pk}"
