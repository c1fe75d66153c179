"""API viewsets of this app. ``routes`` is read by xingfu/api_urls.py: (prefix, viewset, basename).

Thin, like the pages: parse with a serializer, check access (``oversight.access``), call one service or
selector. Every refusal is a 4xx JSON body ``{"status", "code", "reason", "fields"}``; the public tip-off
endpoints need no account and are throttled per client address.
"""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from xingfu.accounts.access import access_orgunits, require, scope_of
from xingfu.accounts.api_permissions import HasPerm
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_sensitive_read
from xingfu.core.api import Pagination
from xingfu.core.errors import NotFound, ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight import selectors
from xingfu.oversight.access import (
    access_case,
    access_case_step,
    access_device,
    access_facility,
    access_finding,
    access_inspection,
    access_tipoff,
    access_unit_for_record,
    may_see_contact,
    require_case_contacts,
)
from xingfu.oversight.models import (
    Case,
    CaseStatus,
    ChecklistItem,
    DeviceStatus,
    Facility,
    FacilityKind,
    FacilityStatus,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionStatus,
    TipOff,
    TipOffAbout,
    TipOffStatus,
    UltrasoundDevice,
)
from xingfu.oversight.serializers import (
    CaseAssignSerializer,
    CaseCloseSerializer,
    CaseContactsSerializer,
    CaseImportSerializer,
    CaseSerializer,
    CaseStepSerializer,
    ChallengeSerializer,
    ChecklistItemSerializer,
    ContactSerializer,
    CorrectSerializer,
    DeviceEventSerializer,
    DeviceMoveSerializer,
    DeviceScrapSerializer,
    DeviceSellSerializer,
    DeviceSerializer,
    ErrorSerializer,
    FacilitySerializer,
    FindingSerializer,
    InspectionRecordSerializer,
    InspectionSerializer,
    PlanResultSerializer,
    PlanSerializer,
    PublicReceiptSerializer,
    PublicReportSerializer,
    PublicStatusSerializer,
    ReasonSerializer,
    ReferSerializer,
    StatusQuerySerializer,
    StepDoneSerializer,
    TipOffSerializer,
    TriageResultSerializer,
    TriageSerializer,
)
from xingfu.oversight.services import cases as case_services
from xingfu.oversight.services import devices as device_services
from xingfu.oversight.services import facilities as facility_services
from xingfu.oversight.services import inspections as inspection_services
from xingfu.oversight.services import tipoffs as tipoff_services
from xingfu.oversight.services import transfer
from xingfu.oversight.services._common import today

# --- Documentation of errors ----------------------------------------------------------------------------

_ERROR_TEXT = {
    400: "Bad input; ``fields`` names what is wrong.",
    401: "Not signed in.",
    403: "Your role may not do this.",
    404: "Not found in your scope.",
    409: "Conflicts with the current state (e.g. a serial number already registered).",
    429: "Too many requests from your address; try later.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT[code]) for code in codes}


READ = (400, 401, 403, 404)
WRITE = (400, 401, 403, 404, 409)


def _ok(serializer: Any, code: int = 200, *more: int) -> dict[int, Any]:
    return {code: serializer, **errors(*(more or WRITE))}


# --- Query parameters -----------------------------------------------------------------------------------

Q = OpenApiParameter("q", OpenApiTypes.STR, description="Search text.")
TOWN = OpenApiParameter("town", OpenApiTypes.STR, description="Only under this org unit (code, in your scope).")


def _choice_param(name: str, choices: list[str], description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, enum=choices, description=description)


def _bool_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.BOOL, description=description)


def _raw(request: Request, name: str) -> str | None:
    """The parameter as sent (None when absent); sent twice is refused, not silently resolved."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise serializers.ValidationError({name: ["Give this parameter once."]})
    return str(values[0]) if values else None


def _param(request: Request, name: str, choices: list[str] | None = None) -> str:
    value = _raw(request, name)
    if value is None:
        return ""
    if choices is not None and value not in choices:
        raise serializers.ValidationError({name: [f"Unknown value {value[:40]!r}; one of {choices}."]})
    return value[:100]


def _bool(request: Request, name: str) -> bool:
    value = _raw(request, name)
    if value is None:
        return False
    if value.lower() in ("false", "0", "no"):
        return False
    if value.lower() in ("true", "1", "yes"):
        return True
    raise serializers.ValidationError({name: ["Expected true or false."]})


def _int(request: Request, name: str, low: int, high: int) -> int | None:
    value = _raw(request, name)
    if value is None:
        return None
    try:
        number = int(value.strip()) if value.strip().lstrip("-").isdigit() else low - 1
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise serializers.ValidationError({name: [f"Expected a whole number from {low} to {high}."]})
    return number


class OversightPagination(Pagination):
    """The project's pagination, refusing a page or page size that is not a whole number (instead of quietly
    using the first page or the default size)."""

    def get_page_size(self, request: Any) -> int | None:
        _int(request, self.page_size_query_param or "page_size", 1, self.max_page_size or 500)
        return super().get_page_size(request)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        _int(request, self.page_query_param, 1, 10**9)
        return super().paginate_queryset(queryset, request, view)


def _town(request: Request) -> OrgUnit | None:
    code = _param(request, "town")
    if not code:
        return None
    unit = access_orgunits(request.user).filter(code=code[:12]).first()
    if unit is None:
        raise serializers.ValidationError({"town": [f"No org unit {code[:12]!r} in your scope."]})
    return unit


def _ref(field: str, fetch: Any, *args: Any, **kwargs: Any) -> Any:
    """An object named in the request body; one outside the scope is a bad field (400), not a 404."""
    try:
        return fetch(*args, **kwargs)
    except NotFound as error:
        raise ValidationFailed(error.message, field=field) from None


def _unit(user: Any, code: Any, field: str = "orgunit") -> OrgUnit:
    require(user, Perm.OVERSIGHT_RECORD)
    return _ref(field, access_unit_for_record, user, code)  # type: ignore[no-any-return]


def _user_in_scope(user: Any, pk: Any, field: str = "owner") -> Any:
    from django.contrib.auth import get_user_model

    from xingfu.accounts.access import scoped

    owner = scoped(user, get_user_model().objects.filter(pk=pk), "scope__path").first()
    if owner is None:
        raise ValidationFailed(_("No such user in your scope."), field=field)
    return owner


class _OversightViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [HasPerm.of(Perm.OVERSIGHT_VIEW)]
    parser_classes = [JSONParser]
    pagination_class = OversightPagination
    # Any path segment reaches the view, which answers a JSON 404 for ids that are not whole numbers
    # (the router's default pattern leaves "1.5" to Django's HTML 404 page).
    lookup_value_regex = "[^/]+"

    def _valid(self, serializer_class: type[serializers.Serializer[Any]], **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- Facilities -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Facilities in your scope",
        parameters=[
            Q,
            TOWN,
            _choice_param("kind", FacilityKind.values),
            _choice_param("status", FacilityStatus.values),
            OpenApiParameter(
                "expiring_within_days",
                OpenApiTypes.INT,
                description="Only open facilities whose licence expires within this many days (or has expired).",
            ),
        ],
        responses={200: FacilitySerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One facility", responses=_ok(FacilitySerializer, 200, *READ)),
    create=extend_schema(summary="Add a facility to the register", responses=_ok(FacilitySerializer, 201)),
    partial_update=extend_schema(
        summary="Correct or update a facility (close it with status=closed)", responses=_ok(FacilitySerializer)
    ),
)
class FacilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OversightViewSet):
    serializer_class = FacilitySerializer
    queryset = Facility.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Facility]:
        request = self.request
        days = _int(request, "expiring_within_days", 0, 3650)
        return selectors.facility_list(
            request.user,
            q=_param(request, "q"),
            kind=_param(request, "kind", FacilityKind.values),
            status=_param(request, "status", FacilityStatus.values),
            under=_town(request),
            expiring_by=today() + dt.timedelta(days=days) if days is not None else None,
        )

    def get_object(self) -> Facility:
        return access_facility(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(FacilitySerializer)
        unit = _unit(request.user, data.pop("orgunit")["code"])
        facility = facility_services.facility_create(actor=request.user, orgunit=unit, **data)
        return Response(FacilitySerializer(facility).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        facility = access_facility(request.user, kwargs["pk"], record=True)
        changes = self._valid(FacilitySerializer, partial=True)
        if "orgunit" in changes:
            changes["orgunit"] = _unit(request.user, changes["orgunit"]["code"])
        facility = facility_services.facility_update(actor=request.user, facility=facility, **changes)
        return Response(FacilitySerializer(facility).data)


# --- Devices --------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Ultrasound devices in your scope",
        parameters=[
            Q,
            TOWN,
            _choice_param("status", DeviceStatus.values),
            _bool_param("flagged", "Only devices lacking a registration or registered late."),
            OpenApiParameter("facility", OpenApiTypes.INT, description="Only devices at this facility."),
        ],
        responses={200: DeviceSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One device with its flags", responses=_ok(DeviceSerializer, 200, *READ)),
    create=extend_schema(summary="Record an ultrasound device", responses=_ok(DeviceSerializer, 201)),
    partial_update=extend_schema(
        summary="Correct a device, add a registration or change its operators (moves go through /move/)",
        responses=_ok(DeviceSerializer),
    ),
)
class DeviceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OversightViewSet):
    serializer_class = DeviceSerializer
    queryset = UltrasoundDevice.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[UltrasoundDevice]:
        request = self.request
        facility_id = _int(request, "facility", 1, 2**62)
        facility = _ref("facility", access_facility, request.user, facility_id) if facility_id is not None else None
        return selectors.device_list(
            request.user,
            q=_param(request, "q"),
            status=_param(request, "status", DeviceStatus.values),
            flagged=_bool(request, "flagged"),
            under=_town(request),
            facility=facility,
        ).order_by("serial")

    def get_object(self) -> UltrasoundDevice:
        return access_device(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(DeviceSerializer)
        facility = _ref("facility", access_facility, request.user, data.pop("facility_id"))
        device = device_services.device_register(actor=request.user, facility=facility, **data)
        return Response(DeviceSerializer(device).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        device = access_device(request.user, kwargs["pk"], record=True)
        changes = self._valid(DeviceSerializer, partial=True)
        if "facility_id" in changes:
            raise ValidationFailed(
                _("Where a device stands changes by a move or a sale, which keep its history."), field="facility"
            )
        device = device_services.device_update(actor=request.user, device=device, **changes)
        return Response(DeviceSerializer(device).data)

    @extend_schema(
        summary="The device's history (recorded, registered, moved, sold, scrapped)",
        responses=_ok(DeviceEventSerializer(many=True), 200, *READ),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        device = access_device(request.user, pk)
        events = device.events.order_by("on", "id")
        return Response(DeviceEventSerializer(events, many=True).data)

    @extend_schema(
        summary="Move the device to another facility",
        request=DeviceMoveSerializer,
        responses=_ok(DeviceEventSerializer, 201),
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        device = access_device(request.user, pk, record=True)
        data = self._valid(DeviceMoveSerializer)
        to = _ref("to_facility", access_facility, request.user, data.pop("to_facility"))
        event = device_services.device_move(actor=request.user, device=device, to_facility=to, **data)
        return Response(DeviceEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record a sale", request=DeviceSellSerializer, responses=_ok(DeviceEventSerializer, 201))
    @action(detail=True, methods=["post"])
    def sell(self, request: Request, pk: str) -> Response:
        device = access_device(request.user, pk, record=True)
        data = self._valid(DeviceSellSerializer)
        to_id = data.pop("to_facility")
        to = _ref("to_facility", access_facility, request.user, to_id) if to_id is not None else None
        event = device_services.device_sell(actor=request.user, device=device, to_facility=to, **data)
        return Response(DeviceEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record scrapping", request=DeviceScrapSerializer, responses=_ok(DeviceEventSerializer, 201))
    @action(detail=True, methods=["post"])
    def scrap(self, request: Request, pk: str) -> Response:
        device = access_device(request.user, pk, record=True)
        event = device_services.device_scrap(actor=request.user, device=device, **self._valid(DeviceScrapSerializer))
        return Response(DeviceEventSerializer(event).data, status=status.HTTP_201_CREATED)


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
            _choice_param("status", InspectionStatus.values),
            _choice_param("kind", InspectionKind.values),
            OpenApiParameter("facility", OpenApiTypes.INT, description="Only inspections of this facility."),
        ],
        responses={200: InspectionSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(
        summary="One inspection with its checklist and findings", responses=_ok(InspectionSerializer, 200, *READ)
    ),
    create=extend_schema(
        summary="Plan a visit, start an unannounced one, or plan a re-inspection of a finding",
        responses=_ok(InspectionSerializer, 201),
    ),
)
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OversightViewSet):
    serializer_class = InspectionSerializer
    queryset = Inspection.objects.none()

    def get_queryset(self) -> QuerySet[Inspection]:
        request = self.request
        facility_id = _int(request, "facility", 1, 2**62)
        facility = _ref("facility", access_facility, request.user, facility_id) if facility_id is not None else None
        qs = selectors.inspection_list(
            request.user,
            q=_param(request, "q"),
            status=_param(request, "status", InspectionStatus.values),
            kind=_param(request, "kind", InspectionKind.values),
            under=_town(request),
            facility=facility,
        )
        return _inspections(qs)

    def get_object(self) -> Inspection:
        return access_inspection(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(InspectionSerializer)
        facility = _ref("facility", access_facility, request.user, data["facility_id"])
        finding_id = data.get("follows_finding_id")
        finding = _ref("follows_finding", access_finding, request.user, finding_id) if finding_id else None
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
        responses=_ok(InspectionSerializer),
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
        summary="Add a finding beyond the checklist", request=FindingSerializer, responses=_ok(FindingSerializer, 201)
    )
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, pk: str) -> Response:
        inspection = access_inspection(request.user, pk, record=True)
        finding = inspection_services.finding_add(
            actor=request.user, inspection=inspection, **self._valid(FindingSerializer)
        )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Cancel a planned inspection", request=ReasonSerializer, responses=_ok(InspectionSerializer))
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
            _bool_param("overdue", "Only findings not corrected by their deadline."),
            _choice_param("kind", FindingKind.values),
        ],
        responses={200: FindingSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One finding", responses=_ok(FindingSerializer, 200, *READ)),
)
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OversightViewSet):
    serializer_class = FindingSerializer
    queryset = Finding.objects.none()

    def get_queryset(self) -> QuerySet[Finding]:
        request = self.request
        on = today()
        if _bool(request, "overdue"):
            qs = selectors.findings_overdue(request.user, on=on)
        else:
            qs = selectors.findings_for(request.user).select_related("inspection").order_by("correction_due", "id")
        kind = _param(request, "kind", FindingKind.values)
        return qs.filter(kind=kind) if kind else qs

    def get_object(self) -> Finding:
        return access_finding(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Record that the finding was corrected", request=CorrectSerializer, responses=_ok(FindingSerializer)
    )
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        finding = access_finding(request.user, pk, record=True)
        finding = inspection_services.finding_correct(
            actor=request.user, finding=finding, corrected_on=self._valid(CorrectSerializer)["corrected_on"]
        )
        return Response(FindingSerializer(finding).data)


# --- Tip-offs -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Tip-offs in your scope (reporters' contacts are never listed)",
        parameters=[_choice_param("status", TipOffStatus.values), _choice_param("about", TipOffAbout.values)],
        responses={200: TipOffSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One tip-off", responses=_ok(TipOffSerializer, 200, *READ)),
    create=extend_schema(
        summary="Record a tip-off taken by hotline, letter or from the media (the answer holds its tracking code)",
        responses=_ok(TipOffSerializer, 201),
    ),
)
class TipOffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OversightViewSet):
    serializer_class = TipOffSerializer
    queryset = TipOff.objects.none()

    def get_queryset(self) -> QuerySet[TipOff]:
        request = self.request
        return selectors.tipoff_list(
            request.user,
            status=_param(request, "status", TipOffStatus.values),
            about=_param(request, "about", TipOffAbout.values),
        ).defer(None)

    def get_object(self) -> TipOff:
        return access_tipoff(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(TipOffSerializer)
        unit = _unit(request.user, data.pop("orgunit")["code"])
        tipoff, code = tipoff_services.tipoff_record(actor=request.user, orgunit=unit, **data)
        body = TipOffSerializer(tipoff, context={"tracking_code": code}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Triage: open a case, add to an open case, or record that no action is possible",
        request=TriageSerializer,
        responses=_ok(TriageResultSerializer),
    )
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, pk: str) -> Response:
        tipoff = access_tipoff(request.user, pk, record=True)
        data = self._valid(TriageSerializer)
        case: Case | None = None
        if data["decision"] == "new_case":
            unit = _unit(request.user, data["orgunit"]) if data["orgunit"] else tipoff.orgunit
            owner = _user_in_scope(request.user, data["owner"]) if data["owner"] else request.user
            case = case_services.case_open(
                actor=request.user,
                title=data["title"] or tipoff.provider or str(tipoff.get_about_display()),
                orgunit=unit,
                owner=owner,
                summary=tipoff.description,
                tipoffs=[tipoff],
            )
        elif data["decision"] == "join_case":
            if not data["case"]:
                raise ValidationFailed(_("Choose the case to add the tip-off to."), field="case")
            case = _ref("case", access_case, request.user, data["case"], record=True)
            case_services.case_add_tipoff(actor=request.user, case=case, tipoff=tipoff)
        else:
            tipoff_services.tipoff_dismiss(actor=request.user, tipoff=tipoff, reason=data["reason"])
        tipoff.refresh_from_db()
        return Response({"tipoff": tipoff.pk, "status": tipoff.status, "case": case.pk if case else None})

    @extend_schema(
        summary="The reporter's contact (case owner and district admin only; each call is audited)",
        responses=_ok(ContactSerializer, 200, *READ),
    )
    @action(detail=True, methods=["get"])
    def contact(self, request: Request, pk: str) -> Response:
        tipoff = access_tipoff(request.user, pk)
        if not may_see_contact(request.user, tipoff):
            from xingfu.core.errors import PermissionDenied

            raise PermissionDenied(_("Only the case owner and the district admin may see the reporter's contact."))
        if tipoff.contact:
            audit_sensitive_read(
                actor=request.user,
                what="reporter_contact",
                object_type="tipoff",
                object_id=tipoff.pk,
                orgunit=tipoff.orgunit,
            )
        return Response({"tipoff": tipoff.pk, "contact": tipoff.contact})


# --- Cases ----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Cases in your scope",
        parameters=[
            Q,
            _choice_param("status", CaseStatus.values),
            _bool_param("overdue", "Only open cases past their deadline."),
        ],
        responses={200: CaseSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One case with its steps", responses=_ok(CaseSerializer, 200, *READ)),
    create=extend_schema(
        summary="Open a case (from tip-offs or on the inspectors' initiative)", responses=_ok(CaseSerializer, 201)
    ),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OversightViewSet):
    serializer_class = CaseSerializer
    queryset = Case.objects.none()

    def get_queryset(self) -> QuerySet[Case]:
        request = self.request
        return selectors.case_list(
            request.user,
            q=_param(request, "q"),
            status=_param(request, "status", CaseStatus.values),
            overdue_on=today() if _bool(request, "overdue") else None,
        ).prefetch_related(Prefetch("tipoffs", queryset=TipOff.objects.only("id", "case_id")), "steps")

    def get_object(self) -> Case:
        return access_case(self.request.user, self.kwargs["pk"])

    def _case(self, pk: Any) -> Response:
        return Response(CaseSerializer(access_case(self.request.user, pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(CaseSerializer)
        unit = _unit(request.user, data.pop("orgunit")["code"])
        owner_id = data.pop("owner_id", None)
        owner = _user_in_scope(request.user, owner_id) if owner_id else request.user
        facility_id = data.pop("facility_id", None)
        facility = _ref("facility", access_facility, request.user, facility_id) if facility_id else None
        tipoffs = [_ref("tipoffs", access_tipoff, request.user, t, record=True) for t in data.pop("tipoffs", [])]
        case = case_services.case_open(
            actor=request.user,
            title=data["title"],
            summary=data.get("summary", ""),
            orgunit=unit,
            owner=owner,
            facility=facility,
            deadline=data.get("deadline"),
            tipoffs=tipoffs,
        )
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add a step (a penalty step names the provision and the fine)",
        request=CaseStepSerializer,
        responses=_ok(CaseStepSerializer, 201),
    )
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        step = case_services.case_add_step(actor=request.user, case=case, **self._valid(CaseStepSerializer))
        return Response(CaseStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark a step done",
        request=StepDoneSerializer,
        parameters=[OpenApiParameter("step_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=_ok(CaseStepSerializer),
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_pk>[^/]+)/done")
    def step_done(self, request: Request, pk: str, step_pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        step = access_case_step(request.user, case, step_pk)
        step = case_services.case_step_done(
            actor=request.user, step=step, done_on=self._valid(StepDoneSerializer)["done_on"]
        )
        return Response(CaseStepSerializer(step).data)

    @extend_schema(
        summary="Hand the case over and/or move its deadline",
        request=CaseAssignSerializer,
        responses=_ok(CaseSerializer),
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        data = self._valid(CaseAssignSerializer)
        owner = _user_in_scope(request.user, data["owner"])
        case_services.case_assign(actor=request.user, case=case, owner=owner, deadline=data["deadline"])
        return self._case(pk)

    @extend_schema(
        summary="Close the case with its outcome", request=CaseCloseSerializer, responses=_ok(CaseSerializer)
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        case_services.case_close(actor=request.user, case=case, **self._valid(CaseCloseSerializer))
        return self._case(pk)

    @extend_schema(
        summary="The reporters' contacts (case owner and district admin only; each call is audited)",
        responses=_ok(CaseContactsSerializer, 200, *READ),
    )
    @action(detail=True, methods=["get"])
    def contacts(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk)
        require_case_contacts(request.user, case)
        tipoffs = list(case.tipoffs.order_by("received_at", "id"))
        if any(t.contact for t in tipoffs):
            audit_sensitive_read(
                actor=request.user,
                what="reporter_contact",
                object_type="case",
                object_id=case.pk,
                orgunit=case.orgunit,
            )
        return Response({"case": case.pk, "contacts": [{"tipoff": t.pk, "contact": t.contact} for t in tipoffs]})

    @extend_schema(
        summary="Refer the case to a neighbouring district; answers with the referral file",
        request=ReferSerializer,
        responses=_ok(transfer.CaseDocumentSerializer),
    )
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        require_case_contacts(request.user, case)
        return Response(transfer.case_refer_out(actor=request.user, case=case, **self._valid(ReferSerializer)))

    @extend_schema(
        summary="The case's referral file (case owner and district admin; audited)",
        responses=_ok(transfer.CaseDocumentSerializer, 200, *READ),
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        require_case_contacts(request.user, case)
        return Response(transfer.case_export(actor=request.user, case=case))

    @extend_schema(
        summary="Take over a case referred by a neighbouring district (a bad file changes nothing)",
        request=CaseImportSerializer,
        responses=_ok(CaseSerializer, 201),
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_case(self, request: Request) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(CaseImportSerializer)
        unit = _unit(request.user, data["orgunit"])
        owner = _user_in_scope(request.user, data["owner"]) if data["owner"] else request.user
        case = transfer.case_import(actor=request.user, document=data["document"], orgunit=unit, owner=owner)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


# --- Public tip-off endpoints (no account) --------------------------------------------------------------


class _ClientThrottle(SimpleRateThrottle):
    """Per client address, from the socket (a forwarded-for header is the client's to invent)."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.META.get("REMOTE_ADDR") or "unknown"}


class PublicSubmitThrottle(_ClientThrottle):
    scope = "oversight_public_submit"
    rate = "10/hour"


class PublicStatusThrottle(_ClientThrottle):
    scope = "oversight_public_status"
    rate = "30/minute"


class PublicChallengeThrottle(_ClientThrottle):
    scope = "oversight_public_challenge"
    rate = "60/hour"


@extend_schema_view(
    create=extend_schema(
        summary="Report a provider or practice (no account; anonymous unless a contact is given)",
        description="Answer the question from /challenge/ first. Reports about a pregnant woman herself are "
        "refused (400, code 'refused'). At most a few reports per address and hour (429).",
        request=PublicReportSerializer,
        responses={201: PublicReceiptSerializer, **errors(400, 429)},
        auth=[],
    ),
)
class PublicReportViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    serializer_class = PublicReportSerializer
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    def get_throttles(self) -> list[BaseThrottle]:
        throttle = {
            "create": PublicSubmitThrottle,
            "status": PublicStatusThrottle,
            "challenge": PublicChallengeThrottle,
        }.get(self.action or "", PublicStatusThrottle)
        return [throttle()]

    def create(self, request: Request) -> Response:
        serializer = PublicReportSerializer(data=request.data)
        # The refusal comes first and whatever else is wrong: nothing about a woman is looked at or kept.
        if isinstance(request.data, dict) and request.data.get("about") == tipoff_services.ABOUT_PREGNANT_WOMAN:
            raise tipoff_services.ReportAboutWomanRefused(tipoff_services.refusal_message(), field="about")
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        town_code = data.pop("town")
        town = OrgUnit.objects.filter(code=town_code, level="town").first() if town_code else None
        if town_code and town is None:
            raise ValidationFailed(_("No town has that code."), field="town")
        tipoff, code = tipoff_services.tipoff_submit(
            client_ip=request.META.get("REMOTE_ADDR") or "unknown", town=town, **data
        )
        body = {
            "tracking_code": code,
            "status": tipoff.status,
            "status_label": str(TipOffStatus(tipoff.status).label),
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="A question to answer with the next report (signed, single use, expires)",
        responses={200: ChallengeSerializer, **errors(429)},
        auth=[],
    )
    @action(detail=False, methods=["get"])
    def challenge(self, request: Request) -> Response:
        challenge = tipoff_services.challenge_new()
        return Response({"question": challenge.question, "token": challenge.token})

    @extend_schema(
        summary="The status of a report, by its tracking code (the status only)",
        description="A code that does not exist and a mistyped one get the same 404.",
        request=StatusQuerySerializer,
        responses={200: PublicStatusSerializer, **errors(400, 404, 429)},
        auth=[],
    )
    @action(detail=False, methods=["post"])
    def status(self, request: Request) -> Response:
        serializer = StatusQuerySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = tipoff_services.tipoff_public_status(code=serializer.validated_data["code"])
        return Response(
            {
                "status": result.status,
                "status_label": result.status_label,
                "received_on": result.received_on,
                "updated_on": result.updated_on,
            }
        )


routes: list[tuple[str, Any, str]] = [
    ("oversight/facilities", FacilityViewSet, "oversight-api-facility"),
    ("oversight/devices", DeviceViewSet, "oversight-api-device"),
    ("oversight/inspections", InspectionViewSet, "oversight-api-inspection"),
    ("oversight/findings", FindingViewSet, "oversight-api-finding"),
    ("oversight/tipoffs", TipOffViewSet, "oversight-api-tipoff"),
    ("oversight/cases", CaseViewSet, "oversight-api-case"),
    ("oversight/public-reports", PublicReportViewSet, "oversight-api-public-report"),
]
