"""Inspections, their checklists and findings."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import require, scope_of
from xingfu.accounts.roles import Perm
from xingfu.core.errors import ValidationFailed
from xingfu.oversight import selectors
from xingfu.oversight.access import (
    access_facility,
    access_finding,
    access_inspection,
)
from xingfu.oversight.api._common import (
    READ,
    TOWN,
    OversightViewSet,
    Q,
    bool_param,
    bool_param_value,
    choice_param,
    errors,
    int_param,
    ok,
    param,
    ref,
    town_param,
)
from xingfu.oversight.models import (
    ChecklistItem,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionStatus,
)
from xingfu.oversight.serializers import (
    ChecklistItemSerializer,
    CorrectSerializer,
    FindingSerializer,
    InspectionRecordSerializer,
    InspectionSerializer,
    PlanResultSerializer,
    PlanSerializer,
    ReasonSerializer,
)
from xingfu.oversight.services import inspections as inspection_services
from xingfu.oversight.services._common import today

# --- Inspections and findings ---------------------------------------------------------------------------


def _inspections(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    findings = Finding.objects.select_related("inspection").order_by("correction_due", "id")
    return qs.select_related("facility", "inspector").prefetch_related(
        "results__item", Prefetch("findings", queryset=findings)
    )


@extend_schema_view(
    list=extend_schema(
        summary="Inspections in your scope",
        parameters=[
            Q,
            TOWN,
            choice_param("status", InspectionStatus.values),
            choice_param("kind", InspectionKind.values),
            OpenApiParameter("facility", OpenApiTypes.INT, description="Only inspections of this facility."),
        ],
        responses={200: InspectionSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(
        summary="One inspection with its checklist and findings", responses=ok(InspectionSerializer, 200, *READ)
    ),
    create=extend_schema(
        summary="Plan a visit, start an unannounced one, or plan a re-inspection of a finding",
        responses=ok(InspectionSerializer, 201),
    ),
)
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OversightViewSet):
    serializer_class = InspectionSerializer
    queryset = Inspection.objects.none()

    def get_queryset(self) -> QuerySet[Inspection]:
        request = self.request
        facility_id = int_param(request, "facility", 1, 2**62)
        facility = ref("facility", access_facility, request.user, facility_id) if facility_id is not None else None
        qs = selectors.inspection_list(
            request.user,
            q=param(request, "q"),
            status=param(request, "status", InspectionStatus.values),
            kind=param(request, "kind", InspectionKind.values),
            under=town_param(request),
            facility=facility,
        )
        return _inspections(qs)

    def get_object(self) -> Inspection:
        return access_inspection(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(InspectionSerializer)
        facility = ref("facility", access_facility, request.user, data["facility_id"])
        finding_id = data.get("follows_finding_id")
        finding = ref("follows_finding", access_finding, request.user, finding_id) if finding_id else None
        inspection = inspection_services.inspection_schedule(
            actor=request.user,
            facility=facility,
            kind=data["kind"],
            planned_for=data.get("planned_for"),
            inspector=request.user,
            follows_finding=finding,
        )
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the visit with its checklist (each 'no' becomes a finding)",
        request=InspectionRecordSerializer,
        responses=ok(InspectionSerializer),
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        inspection = access_inspection(request.user, pk, record=True)
        data = self._valid(InspectionRecordSerializer)
        answers: dict[str, tuple[str, str]] = {}
        for answer in data["answers"]:
            code = answer["item"].code
            if code in answers:
                raise ValidationFailed(_("Item %(code)s is answered twice.") % {"code": code}, field="answers")
            answers[code] = (answer["answer"], answer.get("note", ""))
        inspection_services.inspection_record(
            actor=request.user,
            inspection=inspection,
            done_on=data["done_on"],
            answers=answers,
            summary=data["summary"],
            finding_corrected=data["finding_corrected"],
        )
        return Response(InspectionSerializer(access_inspection(request.user, pk)).data)

    @extend_schema(
        summary="Add a finding beyond the checklist", request=FindingSerializer, responses=ok(FindingSerializer, 201)
    )
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, pk: str) -> Response:
        inspection = access_inspection(request.user, pk, record=True)
        finding = inspection_services.finding_add(
            actor=request.user, inspection=inspection, **self._valid(FindingSerializer)
        )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Cancel a planned inspection", request=ReasonSerializer, responses=ok(InspectionSerializer))
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        inspection = access_inspection(request.user, pk, record=True)
        inspection_services.inspection_cancel(
            actor=request.user, inspection=inspection, reason=self._valid(ReasonSerializer)["reason"]
        )
        return Response(InspectionSerializer(access_inspection(request.user, pk)).data)

    @extend_schema(
        summary="Plan the year's inspections of every open facility in your scope from the schedule",
        request=PlanSerializer,
        responses={201: PlanResultSerializer, **errors(400, 401, 403)},
    )
    @action(detail=False, methods=["post"])
    def plan(self, request: Request) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        year = self._valid(PlanSerializer)["year"]
        planned = inspection_services.inspection_plan_year(
            actor=request.user,
            year=year,
            facilities=selectors.facilities_for(request.user),
            scope=scope_of(request.user),
        )
        return Response({"year": year, "planned": planned}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The checklist questions in use",
        responses={200: ChecklistItemSerializer(many=True), **errors(401, 403)},
    )
    @action(detail=False, methods=["get"], url_path="checklist-items", pagination_class=None)
    def checklist_items(self, request: Request) -> Response:
        items = ChecklistItem.objects.filter(active=True).order_by("order", "code")
        return Response(ChecklistItemSerializer(items, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Findings in your scope",
        parameters=[
            bool_param("overdue", "Only findings not corrected by their deadline."),
            choice_param("kind", FindingKind.values),
        ],
        responses={200: FindingSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One finding", responses=ok(FindingSerializer, 200, *READ)),
)
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OversightViewSet):
    serializer_class = FindingSerializer
    queryset = Finding.objects.none()

    def get_queryset(self) -> QuerySet[Finding]:
        request = self.request
        on = today()
        if bool_param_value(request, "overdue"):
            qs = selectors.findings_overdue(request.user, on=on)
        else:
            qs = selectors.findings_for(request.user).select_related("inspection").order_by("correction_due", "id")
        kind = param(request, "kind", FindingKind.values)
        return qs.filter(kind=kind) if kind else qs

    def get_object(self) -> Finding:
        return access_finding(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Record that the finding was corrected", request=CorrectSerializer, responses=ok(FindingSerializer)
    )
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        finding = access_finding(request.user, pk, record=True)
        finding = inspection_services.finding_correct(
            actor=request.user, finding=finding, corrected_on=self._valid(CorrectSerializer)["corrected_on"]
        )
        return Response(FindingSerializer(finding).data)
