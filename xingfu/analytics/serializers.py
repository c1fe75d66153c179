"""API shapes of analytics. Choice fields carry names of their own (``indicator_unit``, ``scoring_rule`` …) so
that their enums get distinct names in the schema."""

from typing import Any

from rest_framework import serializers

from xingfu.analytics.models import (
    BatchStatus,
    DecisionKind,
    Indicator,
    IndicatorPeriodType,
    IndicatorUnit,
    Scorecard,
    ScorecardDecision,
    ScorecardLine,
    ScorecardSubject,
    ScoringRule,
)
from xingfu.analytics.selectors import NO_DATA, NOT_AVAILABLE, NOT_COMPUTED, OK

VALUE_STATUSES = [OK, NO_DATA, NOT_COMPUTED, NOT_AVAILABLE]


class FilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    field = serializers.CharField()
    op = serializers.CharField()
    value = serializers.JSONField()


class ExpressionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    source = serializers.CharField(help_text="A registered source (GET /api/analytics/sources/).")  # type: ignore[assignment]
    filters = FilterSerializer(many=True, required=False)
    measure = serializers.CharField(required=False, default="count")


class IndicatorSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    numerator = ExpressionSerializer()
    denominator = ExpressionSerializer(allow_null=True)
    indicator_unit = serializers.ChoiceField(source="unit", choices=IndicatorUnit.choices)
    period_types = serializers.ListField(child=serializers.ChoiceField(choices=IndicatorPeriodType.choices))
    availability = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_zh",
            "name_en",
            "description",
            "numerator",
            "denominator",
            "scale",
            "indicator_unit",
            "decimals",
            "period_types",
            "first_year",
            "targetable",
            "higher_is_better",
            "availability",
        ]

    def get_availability(self, obj: Indicator) -> str:
        """ "ok", or why the indicator has no values yet."""
        status = self.context.get("status")
        return status.availability(obj) if status is not None else ""


class IndicatorInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.SlugField(max_length=40)
    name_zh = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    numerator = serializers.JSONField(help_text='{"source": "births", "filters": [...], "measure": "count"}')
    denominator = serializers.JSONField(required=False, allow_null=True, default=None)
    scale = serializers.IntegerField(min_value=1, max_value=100_000, default=1)
    indicator_unit = serializers.ChoiceField(choices=IndicatorUnit.choices, default=IndicatorUnit.COUNT)
    decimals = serializers.IntegerField(min_value=0, max_value=4, default=0)
    period_types = serializers.ListField(
        child=serializers.ChoiceField(choices=IndicatorPeriodType.choices), min_length=1, max_length=3
    )
    first_year = serializers.IntegerField(min_value=1950, max_value=2100, required=False, allow_null=True, default=None)
    targetable = serializers.BooleanField(default=False)
    higher_is_better = serializers.BooleanField(required=False, allow_null=True, default=None)


class SourceFieldSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())
    ops = serializers.ListField(child=serializers.CharField())


class SourceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    filter_fields = SourceFieldSerializer(many=True)
    measures = serializers.ListField(child=serializers.CharField())
    counts_births_or_residents = serializers.BooleanField()
    available = serializers.BooleanField()
    unavailable_reason = serializers.CharField(allow_null=True)


class ValueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    indicator = serializers.CharField()
    orgunit = serializers.CharField()
    orgunit_name = serializers.CharField()
    level = serializers.CharField()
    period = serializers.CharField()
    numerator = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    value_status = serializers.ChoiceField(choices=VALUE_STATUSES)


class ValuesSerializer(serializers.Serializer):  # type: ignore[type-arg]
    as_of = serializers.DateTimeField(allow_null=True)
    # Plain text, not a second enum of the same choices as ``period_types`` (one name per choice set).
    period_type = serializers.CharField(help_text="month, quarter or year")
    values = ValueSerializer(many=True)


class SrbRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    orgunit = serializers.CharField()
    orgunit_name = serializers.CharField()
    births = serializers.IntegerField()
    boys = serializers.IntegerField()
    girls = serializers.IntegerField()
    too_few_births = serializers.BooleanField()
    observed = serializers.FloatField(allow_null=True, help_text="Null with too few births or no girls.")
    wilson_low = serializers.FloatField(allow_null=True)
    wilson_high = serializers.FloatField(allow_null=True, help_text="Null where unbounded (no girls) or no births.")
    estimate = serializers.FloatField(allow_null=True)
    estimate_low = serializers.FloatField(allow_null=True)
    estimate_high = serializers.FloatField(allow_null=True)
    p_above_107 = serializers.FloatField()
    p_above_rest = serializers.FloatField(allow_null=True)
    alert = serializers.BooleanField()


class SrbPriorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    alpha = serializers.FloatField()
    beta = serializers.FloatField()
    method = serializers.CharField()
    units = serializers.IntegerField()
    at_bound = serializers.BooleanField()


class SrbSerializer(serializers.Serializer):  # type: ignore[type-arg]
    as_of = serializers.DateTimeField(allow_null=True)
    birth_order = serializers.CharField()
    year_from = serializers.IntegerField()
    year_to = serializers.IntegerField()
    level = serializers.CharField()
    computed = serializers.BooleanField()
    prior = SrbPriorSerializer()
    district = SrbRowSerializer(allow_null=True)
    rows = SrbRowSerializer(many=True)


class ScorecardLineSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    indicator: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    scoring_rule = serializers.ChoiceField(source="rule", choices=ScoringRule.choices)

    class Meta:
        model = ScorecardLine
        fields = ["id", "indicator", "department", "weight", "scoring_rule", "floor", "target"]


class ScorecardLineInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    indicator = serializers.SlugField(max_length=40)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    scoring_rule = serializers.ChoiceField(choices=ScoringRule.choices, default=ScoringRule.LINEAR)
    floor = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, allow_null=True, default=None)
    target = serializers.DecimalField(max_digits=14, decimal_places=4)


class ScorecardSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    assessed = serializers.ChoiceField(source="subject", choices=ScorecardSubject.choices)
    lines = ScorecardLineSerializer(many=True, read_only=True)

    class Meta:
        model = Scorecard
        fields = ["id", "name_zh", "name_en", "year", "assessed", "description", "lines"]


class ScorecardInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name_zh = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    assessed = serializers.ChoiceField(choices=ScorecardSubject.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class EvidenceLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    indicator = serializers.CharField()
    numerator = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    score = serializers.DecimalField(max_digits=8, decimal_places=2)


class ScorecardResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rank = serializers.IntegerField()
    town = serializers.CharField(allow_null=True)
    department = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    total = serializers.DecimalField(max_digits=8, decimal_places=2)
    maximum = serializers.DecimalField(max_digits=8, decimal_places=2)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    evidence = EvidenceLineSerializer(many=True)


class DecisionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    town: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    decision = serializers.ChoiceField(source="kind", choices=DecisionKind.choices)
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ScorecardDecision
        fields = [
            "id",
            "town",
            "department",
            "decision",
            "amount",
            "note",
            "score",
            "evidence",
            "decided_by",
            "decided_at",
        ]


class DecisionInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    town = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    department = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decision = serializers.ChoiceField(choices=DecisionKind.choices)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(max_length=2000)


class RefreshSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    refresh_status = serializers.ChoiceField(source="status", choices=BatchStatus.choices)
    reason = serializers.CharField()
    queued_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.IntegerField()
    rows = serializers.IntegerField()
    seconds = serializers.FloatField(allow_null=True)
    error = serializers.CharField()


class RefreshStatusSerializer(serializers.Serializer):  # type: ignore[type-arg]
    as_of = serializers.DateTimeField(allow_null=True)
    current = RefreshSerializer(allow_null=True)
    pending = RefreshSerializer(allow_null=True)
    stale = serializers.BooleanField()


def srb_row_data(row: Any) -> dict[str, Any]:
    import math

    def fin(v: float) -> float | None:
        return None if v is None or math.isnan(v) or math.isinf(v) else round(float(v), 4)

    return {
        "orgunit": row.unit.code,
        "orgunit_name": row.unit.name,
        "births": row.births,
        "boys": row.boys,
        "girls": row.girls,
        "too_few_births": row.too_few,
        "observed": fin(row.observed) if row.observed is not None else None,
        "wilson_low": fin(row.wilson_low) if row.births else None,
        "wilson_high": fin(row.wilson_high) if row.births else None,
        "estimate": fin(row.eb_median),
        "estimate_low": fin(row.eb_low),
        "estimate_high": fin(row.eb_high),
        "p_above_107": round(float(row.p_above), 6),
        "p_above_rest": None if row.p_above_rest is None else round(float(row.p_above_rest), 6),
        "alert": row.alert,
    }
