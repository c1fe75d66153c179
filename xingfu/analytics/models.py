"""Analytics: indicators defined as data, their values stored per (indicator, org unit, period) as DHIS2's
analytics tables do, and scorecards for target management.

An ``Indicator`` names a numerator and (optionally) a denominator, each a reference to a registered *source*
(``xingfu.analytics.sources``) with filters as data. A refresh computes every indicator set-based — one SQL
statement per indicator and period type, grouping by village and period — into a new ``RefreshBatch`` of
``DataValue`` rows, rolls villages up into towns and the district by SQL (sum numerators and denominators, then
divide), and makes the batch current only once it is complete. Readers always read the latest complete batch.

"Service, not coercion": scorecards hold service targets only (coverage, timeliness, benefit delivery, registry
quality). Indicators that count births or people are ``targetable=False`` and no scorecard line may use them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from xingfu.core.append_only import AppendOnlyModel


class IndicatorPeriodType(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class IndicatorUnit(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Per cent")
    PER_100 = "per100", _("Per 100")
    YUAN = "yuan", _("Yuan")
    RATIO = "ratio", _("Ratio")


class Aggregation(models.TextChoices):
    # The only way up the hierarchy: averaging ratios would weigh a village of 3 births like a town of 300.
    SUM = "sum", _("Sum numerators and denominators, then divide")


class _Named(models.Model):
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = get_language() or "zh-hans"
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class Indicator(_Named):
    """A figure computed for every village, town and the district, for every period of its period types.

    ``numerator`` and ``denominator`` are expressions over a source:
    ``{"source": "births", "filters": [{"field": "sex", "op": "eq", "value": "M"}], "measure": "count"}``.
    Without a denominator the value is the numerator (a count or an amount); with one it is
    ``numerator × scale / denominator`` ("no data" when the denominator is zero).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    numerator = models.JSONField(_("numerator"))
    denominator = models.JSONField(_("denominator"), null=True, blank=True)
    scale = models.PositiveIntegerField(_("scale"), default=1, help_text=_("100 for a percentage or a sex ratio."))
    unit = models.CharField(_("unit"), max_length=10, choices=IndicatorUnit.choices, default=IndicatorUnit.COUNT)
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=0)
    period_types = models.JSONField(_("period types"), default=list)
    first_year = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        blank=True,
        help_text=_("Compute from this year on (default: the analytics window)."),
    )
    aggregation = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM)
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)
    targetable = models.BooleanField(
        _("may be a scorecard target"),
        default=False,
        help_text=_("Service targets only: never an indicator that counts births or people."),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__in=IndicatorUnit.values), name="analytics_indicator_unit_known"),
            models.CheckConstraint(condition=Q(scale__gte=1), name="analytics_indicator_scale_positive"),
            models.CheckConstraint(condition=Q(aggregation="sum"), name="analytics_indicator_aggregation_sum"),
        ]

    @property
    def has_denominator(self) -> bool:
        return bool(self.denominator)

    @property
    def sources(self) -> list[str]:
        parts = [self.numerator, self.denominator] if self.denominator else [self.numerator]
        return [str(p.get("source", "")) for p in parts]


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RefreshBatch(models.Model):
    """One refresh of every active indicator. Its rows become current when it is ``done``; until then (and if
    it fails) readers keep reading the batch before it."""

    status = models.CharField(_("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The data read is as of the start: rows written to the sources while it runs count next time.
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    first_period = models.DateField(_("first period"), null=True, blank=True)
    last_period = models.DateField(_("last period"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    # What the sources looked like when read ({source: [count, max id, ...]}): a change means a new refresh.
    source_signature = models.JSONField(_("source signature"), default=dict, blank=True)
    # Per indicator: "ok", or why it could not be computed (its source app is not there yet).
    indicators = models.JSONField(_("indicators"), default=dict, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("analytics refresh")
        verbose_name_plural = _("analytics refreshes")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-finished_at"], name="analytics_batch_status")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=BatchStatus.values), name="analytics_batch_status_known"),
        ]

    def __str__(self) -> str:
        return f"refresh {self.pk} ({self.status})"


class DataValue(models.Model):
    """One indicator's value for one org unit and period, in one refresh batch (an analytics-table row).

    ``district_code``/``town_code`` are the unit's ancestors, so a town's rows are summed from its villages'
    without walking the tree. Rows are sparse: a village with nothing to count in a period has no row.
    """

    # No database foreign keys: this is a derived table written a hundred thousand rows at a time, where a
    # per-row constraint check would cost more than the query that computes the rows; the refresh joins the
    # org units and indicators as it writes, and deletes a batch's rows itself.
    batch = models.ForeignKey(RefreshBatch, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    orgunit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    level = models.CharField(max_length=10)
    district_code = models.CharField(max_length=12)
    town_code = models.CharField(max_length=12, blank=True)
    period_type = models.CharField(max_length=8, choices=IndicatorPeriodType.choices)
    period_start = models.DateField()
    numerator = models.DecimalField(max_digits=20, decimal_places=2)
    denominator = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [
            models.Index(
                fields=["batch", "indicator", "period_type", "orgunit", "period_start"], name="analytics_value_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.orgunit_id} {self.period_type} {self.period_start}"


# --- scorecards -------------------------------------------------------------------------------------------


class ScorecardSubject(models.TextChoices):
    TOWN = "town", _("Towns")
    DEPARTMENT = "department", _("Departments")


class ScoringRule(models.TextChoices):
    LINEAR = "linear", _("Linear between the floor and the target, capped at the weight")
    THRESHOLD = "threshold", _("Full weight when the target is reached, otherwise nothing")


class Scorecard(_Named):
    """A year's assessment of the towns (or of the district departments) against service targets."""

    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("assessed"), max_length=10, choices=ScorecardSubject.choices)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__in=ScorecardSubject.values), name="analytics_scorecard_subject"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="analytics_scorecard_year"),
        ]


class ScorecardLine(models.Model):
    """One target: the indicator's yearly value scored against ``target`` (and ``floor`` for a linear rule).

    For a department scorecard each line belongs to one ``department`` and is scored on the district's value
    (a department answers for the whole district); for towns every line scores every town on its own value.
    A target below its floor means lower is better (e.g. the share of overdue visits).
    """

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("department"), max_length=100, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    rule = models.CharField(_("scoring rule"), max_length=10, choices=ScoringRule.choices, default=ScoringRule.LINEAR)
    floor = models.DecimalField(_("floor"), max_digits=14, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        ordering = ["scorecard_id", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="analytics_line_weight_positive"),
            models.CheckConstraint(condition=Q(rule__in=ScoringRule.values), name="analytics_line_rule_known"),
            models.CheckConstraint(
                condition=~Q(rule="linear") | (Q(floor__isnull=False) & ~Q(floor=models.F("target"))),
                name="analytics_line_linear_has_floor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.target}"


class DecisionKind(models.TextChoices):
    REWARD = "reward", _("Reward")
    PENALTY = "penalty", pgettext_lazy("scorecard decision", "Penalty")
    NONE = "none", _("Neither")


class ScorecardDecision(AppendOnlyModel):
    """The reward or penalty decided for one assessed town or department, by whom, on what score.

    Insert-only: a change of mind is a new decision; the evidence is kept as it was when decided."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="decisions")
    town = models.ForeignKey("orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("department"), max_length=100, blank=True)
    kind = models.CharField(pgettext_lazy("scorecard decision", "decision"), max_length=8, choices=DecisionKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("what was decided"))
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    evidence = models.JSONField(_("evidence"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(pgettext_lazy("scorecard decision", "decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scorecard decision")
        verbose_name_plural = _("scorecard decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DecisionKind.values), name="analytics_decision_kind_known"),
            models.CheckConstraint(
                condition=(Q(town__isnull=False) & Q(department="")) | (Q(town__isnull=True) & ~Q(department="")),
                name="analytics_decision_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.town_id or self.department}"
