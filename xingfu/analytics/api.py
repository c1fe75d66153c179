"""API viewsets of this app. ``routes`` is read by xingfu/api_urls.py: (prefix, viewset, basename).

Values, sex-ratio estimates and scorecard results are read from the current analytics batch and cut by the
caller's scope; an org unit outside it is a 404, a bad parameter a 400 naming it.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import access_orgunit_by_code
from xingfu.accounts.api_permissions import HasPerm
from xingfu.accounts.roles import Perm
from xingfu.analytics import srb
from xingfu.analytics.access import may_refresh
from xingfu.analytics.models import Indicator, IndicatorPeriodType, RefreshBatch, Scorecard, ScorecardSubject
from xingfu.analytics.scoring import results_for_user, scorecard_results
from xingfu.analytics.selectors import (
    analytics_status,
    indicator_by_code,
    indicators_visible,
    parse_query,
    values_grid,
)
from xingfu.analytics.serializers import (
    DecisionInputSerializer,
    DecisionSerializer,
    IndicatorInputSerializer,
    IndicatorSerializer,
    RefreshSerializer,
    RefreshStatusSerializer,
    ScorecardInputSerializer,
    ScorecardLineInputSerializer,
    ScorecardLineSerializer,
    ScorecardResultSerializer,
    ScorecardSerializer,
    SourceSerializer,
    SrbSerializer,
    ValuesSerializer,
    srb_row_data,
)
from xingfu.analytics.services import indicators as indicator_services
from xingfu.analytics.services import scorecards as scorecard_services
from xingfu.analytics.services.refresh import current_batch, is_stale, pending_batch, refresh_enqueue
from xingfu.analytics.sources import SOURCES
from xingfu.analytics.sources.base import OPS
from xingfu.core.errors import NotFound, PermissionDenied, ValidationFailed
from xingfu.orgunits.models import Level, OrgUnit

MAX_VALUES = 20_000
CODE = "[-a-zA-Z0-9_]{1,40}"

ORGUNIT = OpenApiParameter(
    "orgunit", OpenApiTypes.STR, description="An org unit code in your scope (default: your scope)."
)


class _OneObjectSchema(AutoSchema):
    """For viewsets whose ``list`` answers one object (a table with its metadata), not an array of them."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


def _ref(field: str, find: Any, *args: Any) -> Any:
    """A record named in a request body: unknown or outside the scope is a 400 on that field."""
    try:
        return find(*args)
    except NotFound as exc:
        raise ValidationFailed(exc.message, field=field) from None


class _Analytics(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [HasPerm.of(Perm.ANALYTICS_VIEW)]


@extend_schema_view(
    list=extend_schema(summary="Indicators: definitions over registered sources, and whether each is computed"),
    retrieve=extend_schema(summary="One indicator's definition"),
    create=extend_schema(
        summary="Define an indicator (district administrators); an unknown source or field is a 400 naming it",
        request=IndicatorInputSerializer,
        responses={201: IndicatorSerializer},
    ),
)
class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Analytics):
    serializer_class = IndicatorSerializer
    lookup_field = "code"
    lookup_value_regex = CODE

    def get_queryset(self) -> QuerySet[Indicator]:
        return indicators_visible()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "status": analytics_status()}

    def get_object(self) -> Indicator:
        return indicator_by_code(self.kwargs["code"])

    def create(self, request: Request) -> Response:
        data = IndicatorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["unit"] = fields.pop("indicator_unit")
        indicator = indicator_services.indicator_define(actor=request.user, **fields)
        return Response(
            IndicatorSerializer(indicator, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )


class SourceViewSet(viewsets.ViewSet):
    permission_classes = [HasPerm.of(Perm.ANALYTICS_VIEW)]

    @extend_schema(
        summary="The registered sources an indicator may count over, with their fields and measures",
        responses={200: SourceSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        body = []
        for s in SOURCES.values():
            reason = s.unavailable_reason()
            body.append(
                {
                    "code": s.code,
                    "label": str(s.label),
                    "description": str(s.description),
                    "filter_fields": [
                        {
                            "name": f.name,
                            "label": str(f.label),
                            "kind": f.kind,
                            "choices": list(f.choices),
                            "ops": list(OPS[f.kind]),
                        }
                        for f in s.fields.values()
                    ],
                    "measures": list(s.measures),
                    "counts_births_or_residents": s.demographic,
                    "available": reason is None,
                    "unavailable_reason": reason,
                }
            )
        return Response(SourceSerializer(body, many=True).data)


class ValueViewSet(viewsets.ViewSet):
    permission_classes = [HasPerm.of(Perm.ANALYTICS_VIEW)]
    schema = _OneObjectSchema()

    @extend_schema(
        summary="Indicator values by org unit and period (the unit's children, or the unit itself)",
        parameters=[
            OpenApiParameter(
                "indicator",
                OpenApiTypes.STR,
                many=True,
                required=True,
                description="Indicator code(s); repeat or separate with commas (at most 6).",
            ),
            ORGUNIT,
            OpenApiParameter(
                "show",
                OpenApiTypes.STR,
                enum=["children", "self"],
                description="The unit's children (default) or the unit itself.",
            ),
            OpenApiParameter(
                "period_type", OpenApiTypes.STR, enum=IndicatorPeriodType.values, description="Default: year."
            ),
            OpenApiParameter("period_from", OpenApiTypes.STR, description="First period: 2025, 2025Q3 or 202507."),
            OpenApiParameter("period_to", OpenApiTypes.STR, description="Last period (default: the current one)."),
        ],
        responses={200: ValuesSerializer},
    )
    def list(self, request: Request) -> Response:
        q = request.query_params
        codes = [c.strip() for raw in q.getlist("indicator") for c in raw.split(",") if c.strip()]
        show = q.get("show", "children")
        if show not in ("children", "self"):
            raise ValidationFailed(_("show is children or self."), field="show")
        query = parse_query(
            request.user,
            indicator_codes=codes,
            orgunit=q.get("orgunit", "").strip(),
            show=show,
            period_type=q.get("period_type", "year"),
            period_from=q.get("period_from", "").strip(),
            period_to=q.get("period_to", "").strip(),
        )
        if len(query.indicators) * len(query.units) * len(query.periods) > MAX_VALUES:
            raise ValidationFailed(
                _("At most %(n)s values at once: fewer indicators, units or periods.") % {"n": MAX_VALUES},
                field="period_from",
            )
        st = analytics_status()
        rows = values_grid(
            status=st,
            indicators=query.indicators,
            units=query.units,
            period_type=query.period_type,
            periods=query.periods,
        )
        values = [
            {
                "indicator": r.indicator.code,
                "orgunit": r.unit.code,
                "orgunit_name": r.unit.name,
                "level": r.unit.level,
                "period": p.code,
                "numerator": c.numerator,
                "denominator": c.denominator,
                "value": c.value,
                "value_status": c.status,
            }
            for r in rows
            for p, c in zip(query.periods, r.cells, strict=True)
        ]
        body = {"as_of": st.as_of, "period_type": query.period_type, "values": values}
        return Response(ValuesSerializer(body).data)


class SrbViewSet(viewsets.ViewSet):
    permission_classes = [HasPerm.of(Perm.ANALYTICS_VIEW)]
    schema = _OneObjectSchema()

    @extend_schema(
        summary="Sex ratio at birth by town or village: observed, Wilson interval, empirical-Bayes estimate, "
        "P(SRB > 107) and alerts",
        parameters=[
            OpenApiParameter(
                "birth_order",
                OpenApiTypes.STR,
                enum=list(srb.SRB_CODES),
                description="all, 1, 2 or 3 (third and later). Default 3.",
            ),
            OpenApiParameter(
                "level", OpenApiTypes.STR, enum=[Level.TOWN.value, Level.VILLAGE.value], description="Default: town."
            ),
            OpenApiParameter("year_from", OpenApiTypes.INT, description="First year of births pooled."),
            OpenApiParameter("year_to", OpenApiTypes.INT, description="Last year (default: this year)."),
            OpenApiParameter("within", OpenApiTypes.STR, description="Only units under this org unit code."),
        ],
        responses={200: SrbSerializer},
    )
    def list(self, request: Request) -> Response:
        q = request.query_params
        window = srb.parse_window(
            order=q.get("birth_order", "3"),
            year_from=q.get("year_from", "").strip(),
            year_to=q.get("year_to", "").strip(),
            level=q.get("level", Level.TOWN),
        )
        within_code = q.get("within", "").strip()
        within = access_orgunit_by_code(request.user, within_code) if within_code else None
        table = srb.srb_table(request.user, window, within=within)
        body = {
            "as_of": table.batch.started_at if table.batch else None,
            "birth_order": window.order,
            "year_from": window.year_from,
            "year_to": window.year_to,
            "level": window.level,
            "computed": not table.missing,
            "prior": {
                "alpha": table.prior.alpha,
                "beta": table.prior.beta,
                "method": table.prior.method,
                "units": table.prior.units,
                "at_bound": table.prior.at_bound,
            },
            "district": srb_row_data(table.district) if table.district else None,
            "rows": [srb_row_data(r) for r in table.rows],
        }
        return Response(SrbSerializer(body).data)


def _result_data(r: Any) -> dict[str, Any]:
    return {
        "rank": r.rank,
        "town": r.town.code if r.town else None,
        "department": r.department,
        "label": r.label,
        "total": r.total,
        "maximum": r.maximum,
        "percent": r.percent,
        "evidence": [
            {
                "indicator": lr.line.indicator.code,
                "numerator": lr.numerator,
                "denominator": lr.denominator,
                "value": lr.value,
                "weight": lr.line.weight,
                "score": lr.score,
            }
            for lr in r.lines
        ],
    }


@extend_schema_view(
    list=extend_schema(summary="Scorecards (service targets only)"),
    retrieve=extend_schema(summary="One scorecard with its targets"),
    create=extend_schema(
        summary="Create a scorecard (district administrators)",
        request=ScorecardInputSerializer,
        responses={201: ScorecardSerializer},
    ),
)
class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Analytics):
    serializer_class = ScorecardSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Scorecard]:
        return Scorecard.objects.prefetch_related("lines__indicator").order_by("-year", "id")

    def get_object(self) -> Scorecard:
        card = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        if card is None:
            raise NotFound(_("No such scorecard."))
        return card

    def create(self, request: Request) -> Response:
        data = ScorecardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["subject"] = fields.pop("assessed")
        card = scorecard_services.scorecard_create(actor=request.user, **fields)
        return Response(ScorecardSerializer(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The year's ranking: each town's or department's score with the indicator values used",
        responses={200: ScorecardResultSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str) -> Response:
        card = self.get_object()
        results = results_for_user(request.user, scorecard_results(card))
        return Response(ScorecardResultSerializer([_result_data(r) for r in results], many=True).data)

    @extend_schema(
        summary="Add a target (service indicators only; one counting births or residents is refused)",
        request=ScorecardLineInputSerializer,
        responses={201: ScorecardLineSerializer},
    )
    @action(detail=True, methods=["post"])
    def lines(self, request: Request, pk: str) -> Response:
        card = self.get_object()
        data = ScorecardLineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        indicator = _ref("indicator", indicator_by_code, v.pop("indicator"))
        line = scorecard_services.scorecard_line_add(
            actor=request.user,
            scorecard=card,
            indicator=indicator,
            weight=v["weight"],
            target=v["target"],
            rule=v["scoring_rule"],
            floor=v["floor"],
            department=v["department"],
        )
        return Response(ScorecardLineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Rewards and penalties decided on this scorecard",
        responses={200: DecisionSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a reward or penalty (insert-only, audited, with the evidence)",
        request=DecisionInputSerializer,
        responses={201: DecisionSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def decisions(self, request: Request, pk: str) -> Response:
        card = self.get_object()
        if request.method == "GET":
            visible = {r.town.pk for r in results_for_user(request.user, scorecard_results(card)) if r.town}
            qs = card.decisions.select_related("town", "decided_by").order_by("-decided_at", "-id")
            if card.subject == ScorecardSubject.TOWN:
                qs = qs.filter(town__in=visible)
            elif not results_for_user(request.user, scorecard_results(card)):
                qs = qs.none()
            return Response(DecisionSerializer(qs, many=True).data)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        town = None
        if v["town"]:
            town = OrgUnit.objects.filter(code=v["town"], level=Level.TOWN).first()
            if town is None:
                raise ValidationFailed(_("No town with this code."), field="town")
        decision = scorecard_services.decision_record(
            actor=request.user,
            scorecard=card,
            kind=v["decision"],
            note=v["note"],
            town=town,
            department=v["department"],
            amount=v["amount"],
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class RefreshViewSet(viewsets.ViewSet):
    permission_classes = [HasPerm.of(Perm.ANALYTICS_VIEW)]
    schema = _OneObjectSchema()

    @extend_schema(
        summary="When the figures were computed, and any refresh under way", responses={200: RefreshStatusSerializer}
    )
    def list(self, request: Request) -> Response:
        current, pending = current_batch(), pending_batch()
        body = {
            "as_of": current.started_at if current else None,
            "current": current,
            "pending": pending,
            "stale": is_stale(current),
        }
        return Response(RefreshStatusSerializer(body).data)

    @extend_schema(
        summary="Refresh every indicator now (district administrators)",
        request=None,
        responses={202: RefreshSerializer},
    )
    def create(self, request: Request) -> Response:
        if not may_refresh(request.user):
            raise PermissionDenied(_("Only district administrators refresh the analytics."))
        batch: RefreshBatch = refresh_enqueue(actor=request.user, reason="api")
        return Response(RefreshSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


routes: list[tuple[str, Any, str]] = [
    ("analytics/indicators", IndicatorViewSet, "api-analytics-indicator"),
    ("analytics/sources", SourceViewSet, "api-analytics-source"),
    ("analytics/values", ValueViewSet, "api-analytics-value"),
    ("analytics/sex-ratio", SrbViewSet, "api-analytics-srb"),
    ("analytics/scorecards", ScorecardViewSet, "api-analytics-scorecard"),
    ("analytics/refresh", RefreshViewSet, "api-analytics-refresh"),
]
