"""API viewsets of this app. ``routes`` is read by xingfu/api_urls.py: (prefix, viewset, basename).

Lists are cut by the caller's scope (``xingfu.outreach.access``); creations go through the same services as
the pages. A record named in a request body that is unknown or outside the caller's scope is a 400 naming
the field; a record in the URL that is, a 404.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import access_orgunit_by_code
from xingfu.accounts.api_permissions import HasPerm
from xingfu.accounts.roles import Perm
from xingfu.core.errors import NotFound, ValidationFailed
from xingfu.outreach import services
from xingfu.outreach.access import (
    access_attendance,
    access_attendances,
    access_campaign,
    access_event,
    access_media_piece,
    access_person,
    access_person_by_id_number,
    access_staff_by_username,
    access_staff_member,
    access_training,
)
from xingfu.outreach.models import Attendance, Audience, Campaign, Event, EventKind, MediaPiece, Outlet, Training
from xingfu.outreach.selectors import (
    campaigns_for_user,
    coverage_rows,
    events_for_user,
    media_for_user,
    training_record,
    trainings_for_user,
)
from xingfu.outreach.serializers import (
    AttachmentInputSerializer,
    AttachmentSerializer,
    AttendanceInputSerializer,
    AttendanceSerializer,
    CampaignInputSerializer,
    CampaignSerializer,
    CoverageRowSerializer,
    EventInputSerializer,
    EventSerializer,
    MediaPieceInputSerializer,
    MediaPieceSerializer,
    TrainingInputSerializer,
    TrainingRecordSerializer,
    TrainingSerializer,
)

T = TypeVar("T")

ID = "[0-9]{1,18}"
YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Only this calendar year (2000–2100).")
Q = OpenApiParameter("q", OpenApiTypes.STR, description="Search text.")


def _ref(field: str, find: Callable[..., T], *args: Any) -> T:
    """A record named in a request body: unknown or outside the scope is a 400 on that field."""
    try:
        return find(*args)
    except NotFound as exc:
        raise ValidationFailed(exc.message, field=field) from None


def _int_param(request: Request, name: str, *, low: int = 1, high: int = 2**62) -> int | None:
    raw = request.query_params.get(name) or ""
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise serializers.ValidationError({name: [f"Expected a whole number from {low} to {high}."]})
    return int(raw)


def _choice_param(request: Request, name: str, choices: list[str]) -> str:
    value = request.query_params.get(name, "")
    if value and value not in choices:
        raise serializers.ValidationError({name: [f"Unknown value {value!r}; one of {choices}."]})
    return value


def _year(request: Request) -> int | None:
    return _int_param(request, "year", low=2000, high=2100)


class _Scoped(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [HasPerm.of(Perm.OUTREACH_VIEW)]
    lookup_value_regex = ID


@extend_schema_view(
    list=extend_schema(summary="Campaigns run in your scope or by the units above it", parameters=[Q, YEAR]),
    retrieve=extend_schema(summary="One campaign"),
    create=extend_schema(
        summary="Plan a campaign (run by a town or the district in your scope)",
        request=CampaignInputSerializer,
        responses={201: CampaignSerializer},
    ),
)
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Scoped):
    serializer_class = CampaignSerializer

    def get_queryset(self) -> QuerySet[Campaign]:
        q = self.request.query_params.get("q", "").strip()
        return campaigns_for_user(self.request.user, q=q, year=_year(self.request))

    def get_object(self) -> Campaign:
        return access_campaign(self.request.user, self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        data = CampaignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        unit = _ref("orgunit", access_orgunit_by_code, request.user, fields.pop("orgunit"))
        campaign = services.campaign_create(actor=request.user, orgunit=unit, **fields)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Events in the villages of your scope",
        parameters=[
            Q,
            YEAR,
            OpenApiParameter("campaign", OpenApiTypes.INT, description="Only this campaign's events."),
            OpenApiParameter("event_kind", OpenApiTypes.STR, enum=EventKind.values, description="Only this kind."),
        ],
    ),
    retrieve=extend_schema(summary="One event with its materials and photos"),
    create=extend_schema(
        summary="Plan or record an event of a campaign in a village of your scope",
        request=EventInputSerializer,
        responses={201: EventSerializer},
    ),
)
class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Scoped):
    serializer_class = EventSerializer

    def get_queryset(self) -> QuerySet[Event]:
        request = self.request
        campaign_id = _int_param(request, "campaign")
        campaign = access_campaign(request.user, campaign_id) if campaign_id else None
        return events_for_user(
            request.user,
            q=request.query_params.get("q", "").strip(),
            kind=_choice_param(request, "event_kind", EventKind.values),
            campaign=campaign,
            year=_year(request),
        ).prefetch_related("materials", "attachments")

    def get_object(self) -> Event:
        return access_event(self.request.user, self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        data = EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        campaign = _ref("campaign", access_campaign, request.user, fields.pop("campaign"))
        village = _ref("village", access_orgunit_by_code, request.user, fields.pop("village"))
        event = services.event_create(actor=request.user, campaign=campaign, village=village, **fields)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record how an event went, or correct it (campaign and village stay)",
        request=EventInputSerializer,
        responses={200: EventSerializer},
    )
    def update(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        data = EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k not in ("campaign", "village")}
        if data.validated_data["campaign"] != event.campaign_id or data.validated_data["village"] != event.village.code:
            raise ValidationFailed(_("An event's campaign and village cannot be changed."), field="campaign")
        services.event_update(actor=request.user, event=event, **fields)
        return Response(EventSerializer(access_event(request.user, pk)).data)

    @extend_schema(
        summary="Attach a photo (JPEG, PNG) or a PDF to an event",
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(actor=request.user, upload=data.validated_data["file"], event=event)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Trainings held in your scope",
        parameters=[
            Q,
            YEAR,
            OpenApiParameter("audience", OpenApiTypes.STR, enum=Audience.values, description="Only this audience."),
        ],
    ),
    retrieve=extend_schema(summary="One training"),
    create=extend_schema(
        summary="Record a training held by the district, a town or a village in your scope",
        request=TrainingInputSerializer,
        responses={201: TrainingSerializer},
    ),
)
class TrainingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Scoped):
    serializer_class = TrainingSerializer

    def get_queryset(self) -> QuerySet[Training]:
        request = self.request
        return trainings_for_user(
            request.user,
            q=request.query_params.get("q", "").strip(),
            year=_year(request),
            audience=_choice_param(request, "audience", Audience.values),
        )

    def get_object(self) -> Training:
        return trainings_for_user(self.request.user).get(pk=access_training(self.request.user, self.kwargs["pk"]).pk)

    def create(self, request: Request) -> Response:
        data = TrainingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        unit = _ref("orgunit", access_orgunit_by_code, request.user, fields.pop("orgunit"))
        training = services.training_create(actor=request.user, orgunit=unit, **fields)
        return Response(
            TrainingSerializer(trainings_for_user(request.user).get(pk=training.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    list=extend_schema(
        summary="Attendance at the trainings of your scope",
        parameters=[
            OpenApiParameter("training", OpenApiTypes.INT, description="Only this training."),
            OpenApiParameter("person", OpenApiTypes.INT, description="Only this resident (registry id)."),
            OpenApiParameter("user", OpenApiTypes.INT, description="Only this staff member (account id)."),
        ],
    ),
    retrieve=extend_schema(summary="One attendance"),
    create=extend_schema(
        summary="Record an attendee: a resident (resident-ID number or registry id) or a staff member",
        request=AttendanceInputSerializer,
        responses={201: AttendanceSerializer},
    ),
    destroy=extend_schema(summary="Take back an attendance recorded by mistake", responses={204: None}),
)
class AttendanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Scoped):
    serializer_class = AttendanceSerializer

    def get_queryset(self) -> QuerySet[Attendance]:
        request = self.request
        qs = access_attendances(request.user).select_related("person", "user").order_by("training_id", "id")
        for name in ("training", "person", "user"):
            value = _int_param(request, name)
            if value is not None:
                qs = qs.filter(**{f"{name}_id": value})
        return qs

    def get_object(self) -> Attendance:
        return access_attendance(self.request.user, self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        data = AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = request.user
        training = _ref("training", access_training, user, v["training"])
        if v.get("id_number"):
            person = _ref("id_number", access_person_by_id_number, user, v["id_number"])
            attendance = services.attendance_add(actor=user, training=training, person=person)
        elif v.get("person"):
            person = _ref("person", access_person, user, v["person"])
            attendance = services.attendance_add(actor=user, training=training, person=person)
        elif v.get("username"):
            staff = _ref("username", access_staff_by_username, user, v["username"])
            attendance = services.attendance_add(actor=user, training=training, user=staff)
        else:
            staff = _ref("user", access_staff_member, user, v["user"])
            attendance = services.attendance_add(actor=user, training=training, user=staff)
        return Response(AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: str) -> Response:
        services.attendance_remove(actor=request.user, attendance=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Media pieces of your scope",
        parameters=[
            Q,
            YEAR,
            OpenApiParameter("outlet", OpenApiTypes.STR, enum=Outlet.values, description="Only this outlet."),
        ],
    ),
    retrieve=extend_schema(summary="One media piece"),
    create=extend_schema(
        summary="Record a media piece", request=MediaPieceInputSerializer, responses={201: MediaPieceSerializer}
    ),
)
class MediaPieceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Scoped):
    serializer_class = MediaPieceSerializer

    def get_queryset(self) -> QuerySet[MediaPiece]:
        request = self.request
        return media_for_user(
            request.user,
            q=request.query_params.get("q", "").strip(),
            outlet=_choice_param(request, "outlet", Outlet.values),
            year=_year(request),
        ).prefetch_related("attachments")

    def get_object(self) -> MediaPiece:
        return access_media_piece(self.request.user, self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        data = MediaPieceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        unit = _ref("orgunit", access_orgunit_by_code, request.user, fields.pop("orgunit"))
        piece = services.media_piece_create(actor=request.user, orgunit=unit, **fields)
        return Response(MediaPieceSerializer(piece).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Attach a clipping (JPEG, PNG or PDF) to a media piece",
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: str) -> Response:
        piece = self.get_object()
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(actor=request.user, upload=data.validated_data["file"], media_piece=piece)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class TrainingRecordViewSet(viewsets.ViewSet):
    permission_classes = [HasPerm.of(Perm.OUTREACH_VIEW)]

    @extend_schema(
        summary="A resident's or a staff member's training record, with the total hours",
        parameters=[
            OpenApiParameter("person", OpenApiTypes.INT, description="A resident in your scope (registry id)."),
            OpenApiParameter("user", OpenApiTypes.INT, description="A staff account in your scope (or yourself)."),
        ],
        responses={200: TrainingRecordSerializer},
    )
    def list(self, request: Request) -> Response:
        person_id, user_id = _int_param(request, "person"), _int_param(request, "user")
        if (person_id is None) == (user_id is None):
            raise serializers.ValidationError({"person": ["Give either person or user."]})
        if person_id is not None:
            person = access_person(request.user, person_id)
            record, name = training_record(person=person), person.name
        else:
            staff = access_staff_member(request.user, user_id)
            record, name = training_record(staff=staff), staff.display_name
        body = {
            "name": name,
            "total_hours": record.total_hours,
            "count": record.count,
            "attendances": record.attendances,
        }
        return Response(TrainingRecordSerializer(body).data)


class CoverageViewSet(viewsets.ViewSet):
    permission_classes = [HasPerm.of(Perm.OUTREACH_VIEW)]

    @extend_schema(
        summary="Activities per village of your scope in a year, the villages not reached first",
        parameters=[YEAR],
        responses={200: CoverageRowSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        year = _year(request) or timezone.localdate().year
        return Response(CoverageRowSerializer(coverage_rows(request.user, year=year), many=True).data)


routes: list[tuple[str, Any, str]] = [
    ("outreach/campaigns", CampaignViewSet, "api-outreach-campaign"),
    ("outreach/events", EventViewSet, "api-outreach-event"),
    ("outreach/trainings", TrainingViewSet, "api-outreach-training"),
    ("outreach/attendance", AttendanceViewSet, "api-outreach-attendance"),
    ("outreach/media-pieces", MediaPieceViewSet, "api-outreach-media-piece"),
    ("outreach/training-records", TrainingRecordViewSet, "api-outreach-training-record"),
    ("outreach/coverage", CoverageViewSet, "api-outreach-coverage"),
]
