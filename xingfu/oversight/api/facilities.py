"""Facilities and ultrasound devices."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.core.errors import ValidationFailed
from xingfu.oversight import selectors
from xingfu.oversight.access import (
    access_device,
    access_facility,
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
    unit_for_record,
)
from xingfu.oversight.models import (
    DeviceStatus,
    Facility,
    FacilityKind,
    FacilityStatus,
    UltrasoundDevice,
)
from xingfu.oversight.serializers import (
    DeviceEventSerializer,
    DeviceMoveSerializer,
    DeviceScrapSerializer,
    DeviceSellSerializer,
    DeviceSerializer,
    FacilitySerializer,
)
from xingfu.oversight.services import devices as device_services
from xingfu.oversight.services import facilities as facility_services
from xingfu.oversight.services._common import today

# --- Facilities -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Facilities in your scope",
        parameters=[
            Q,
            TOWN,
            choice_param("kind", FacilityKind.values),
            choice_param("status", FacilityStatus.values),
            OpenApiParameter(
                "expiring_within_days",
                OpenApiTypes.INT,
                description="Only open facilities whose licence expires within this many days (or has expired).",
            ),
        ],
        responses={200: FacilitySerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One facility", responses=ok(FacilitySerializer, 200, *READ)),
    create=extend_schema(summary="Add a facility to the register", responses=ok(FacilitySerializer, 201)),
    partial_update=extend_schema(
        summary="Correct or update a facility (close it with status=closed)", responses=ok(FacilitySerializer)
    ),
)
class FacilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OversightViewSet):
    serializer_class = FacilitySerializer
    queryset = Facility.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Facility]:
        request = self.request
        days = int_param(request, "expiring_within_days", 0, 3650)
        return selectors.facility_list(
            request.user,
            q=param(request, "q"),
            kind=param(request, "kind", FacilityKind.values),
            status=param(request, "status", FacilityStatus.values),
            under=town_param(request),
            expiring_by=today() + dt.timedelta(days=days) if days is not None else None,
        )

    def get_object(self) -> Facility:
        return access_facility(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(FacilitySerializer)
        unit = unit_for_record(request.user, data.pop("orgunit")["code"])
        facility = facility_services.facility_create(actor=request.user, orgunit=unit, **data)
        return Response(FacilitySerializer(facility).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        facility = access_facility(request.user, kwargs["pk"], record=True)
        changes = self._valid(FacilitySerializer, partial=True)
        if "orgunit" in changes:
            changes["orgunit"] = unit_for_record(request.user, changes["orgunit"]["code"])
        facility = facility_services.facility_update(actor=request.user, facility=facility, **changes)
        return Response(FacilitySerializer(facility).data)


# --- Devices --------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Ultrasound devices in your scope",
        parameters=[
            Q,
            TOWN,
            choice_param("status", DeviceStatus.values),
            bool_param("flagged", "Only devices lacking a registration or registered late."),
            OpenApiParameter("facility", OpenApiTypes.INT, description="Only devices at this facility."),
        ],
        responses={200: DeviceSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One device with its flags", responses=ok(DeviceSerializer, 200, *READ)),
    create=extend_schema(summary="Record an ultrasound device", responses=ok(DeviceSerializer, 201)),
    partial_update=extend_schema(
        summary="Correct a device, add a registration or change its operators (moves go through /move/)",
        responses=ok(DeviceSerializer),
    ),
)
class DeviceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OversightViewSet):
    serializer_class = DeviceSerializer
    queryset = UltrasoundDevice.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[UltrasoundDevice]:
        request = self.request
        facility_id = int_param(request, "facility", 1, 2**62)
        facility = ref("facility", access_facility, request.user, facility_id) if facility_id is not None else None
        return selectors.device_list(
            request.user,
            q=param(request, "q"),
            status=param(request, "status", DeviceStatus.values),
            flagged=bool_param_value(request, "flagged"),
            under=town_param(request),
            facility=facility,
        ).order_by("serial")

    def get_object(self) -> UltrasoundDevice:
        return access_device(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(DeviceSerializer)
        facility = ref("facility", access_facility, request.user, data.pop("facility_id"))
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
        responses=ok(DeviceEventSerializer(many=True), 200, *READ),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        device = access_device(request.user, pk)
        events = device.events.order_by("on", "id")
        return Response(DeviceEventSerializer(events, many=True).data)

    @extend_schema(
        summary="Move the device to another facility",
        request=DeviceMoveSerializer,
        responses=ok(DeviceEventSerializer, 201),
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        device = access_device(request.user, pk, record=True)
        data = self._valid(DeviceMoveSerializer)
        to = ref("to_facility", access_facility, request.user, data.pop("to_facility"))
        event = device_services.device_move(actor=request.user, device=device, to_facility=to, **data)
        return Response(DeviceEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record a sale", request=DeviceSellSerializer, responses=ok(DeviceEventSerializer, 201))
    @action(detail=True, methods=["post"])
    def sell(self, request: Request, pk: str) -> Response:
        device = access_device(request.user, pk, record=True)
        data = self._valid(DeviceSellSerializer)
        to_id = data.pop("to_facility")
        to = ref("to_facility", access_facility, request.user, to_id) if to_id is not None else None
        event = device_services.device_sell(actor=request.user, device=device, to_facility=to, **data)
        return Response(DeviceEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record scrapping", request=DeviceScrapSerializer, responses=ok(DeviceEventSerializer, 201))
    @action(detail=True, methods=["post"])
    def scrap(self, request: Request, pk: str) -> Response:
        device = access_device(request.user, pk, record=True)
        event = device_services.device_scrap(actor=request.user, device=device, **self._valid(DeviceScrapSerializer))
        return Response(DeviceEventSerializer(event).data, status=status.HTTP_201_CREATED)
