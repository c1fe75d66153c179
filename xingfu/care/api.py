"""The care API: programmes, enrolments (pregnancies, check-ups), visits, worklists, screening campaigns.

Lists are cut by the caller's scope and carry no health findings; reading one record in full (an enrolment,
a visit, a check-up) writes ``read.care_record`` to the audit trail. Writes go through the same services as
the pages. A record named in a request body that is unknown or outside the scope is a 400 naming the field;
one in the URL, a 404. ``routes`` is read by xingfu/api_urls.py: (prefix, viewset, basename).
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
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import access_orgunit_by_code
from xingfu.accounts.api_permissions import HasPerm
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_sensitive_read
from xingfu.care import selectors, services
from xingfu.care import serializers as s
from xingfu.care.access import (
    access_campaign,
    access_checkup,
    access_due_visit,
    access_enrollment,
    access_invitation,
    access_person,
    access_visit,
    access_visits,
    access_worker,
)
from xingfu.care.models import (
    CareProgrammeKind,
    CheckUp,
    DueVisit,
    Enrollment,
    EnrollmentStatus,
    Programme,
    ScreeningCampaign,
    Stage,
    Visit,
)
from xingfu.core.errors import NotFound, ValidationFailed

T = TypeVar("T")
ID = "[0-9]{1,18}"


def _body_ref(field: str, find: Callable[..., T], *args: Any) -> T:
    """A record named in a request body: unknown or outside the scope is a 400 on that field."""
    try:
        return find(*args)
    except NotFound as exc:
        raise ValidationFailed(exc.message, field=field) from None


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _Care(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [HasPerm.of(Perm.CARE_VIEW)]
    lookup_value_regex = ID


# --- programmes -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Care programmes, their stages (schedule) and check-up items"),
    retrieve=extend_schema(summary="One care programme"),
)
class CareProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Care):
    serializer_class = s.CareProgrammeSerializer

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programmes_for_user(self.request.user).prefetch_related("stages", "check_items")


# --- enrolments -------------------------------------------------------------------------------------------


class _EnrollmentFilter(serializers.Serializer[Any]):
    programme_kind = serializers.ChoiceField(choices=CareProgrammeKind.choices, required=False)
    enrollment_status = serializers.ChoiceField(choices=EnrollmentStatus.choices, required=False)
    orgunit = serializers.RegexField(s.ORGUNIT_CODE, required=False)
    q = serializers.CharField(max_length=50, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        summary="Enrolments in your scope (no health findings)",
        parameters=[
            OpenApiParameter("programme_kind", OpenApiTypes.STR, enum=CareProgrammeKind.values),
            OpenApiParameter("enrollment_status", OpenApiTypes.STR, enum=EnrollmentStatus.values),
            OpenApiParameter("orgunit", OpenApiTypes.STR, description="That unit and everything under it."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Name, pinyin or ID-number tail."),
        ],
    ),
    retrieve=extend_schema(
        summary="Open one enrolment in full (audited: read.care_record)", responses=s.CareEnrollmentSerializer
    ),
)
class CareEnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Care):
    serializer_class = s.CareEnrollmentListSerializer

    def get_queryset(self) -> QuerySet[Enrollment]:
        params = _valid(_EnrollmentFilter, self.request.query_params)
        return selectors.enrollments_for_user(
            self.request.user,
            kind=params.get("programme_kind", ""),
            status=params.get("enrollment_status", ""),
            q=params.get("q", ""),
            orgunit_code=params.get("orgunit", ""),
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = selectors.enrollment_open(request.user, kwargs["pk"])
        return Response(s.CareEnrollmentSerializer(enrollment).data)

    def _changed(self, enrollment: Enrollment) -> Response:
        fresh = access_enrollment(self.request.user, enrollment.pk)
        return Response(s.CareEnrollmentListSerializer(fresh).data)

    @extend_schema(
        summary="Name the responsible health worker",
        request=s.CareResponsibleInputSerializer,
        responses=s.CareEnrollmentListSerializer,
    )
    @action(detail=True, methods=["post"], permission_classes=[HasPerm.of(Perm.CARE_RECORD)])
    def responsible(self, request: Request, pk: str) -> Response:
        enrollment = access_enrollment(request.user, pk)
        data = _valid(s.CareResponsibleInputSerializer, request.data)
        worker = _body_ref("worker", access_worker, request.user, data["worker"]) if data["worker"] else None
        services.responsible_assign(actor=request.user, enrollment=enrollment, worker=worker)
        return self._changed(enrollment)

    @extend_schema(
        summary="Record how the pregnancy ended (a live birth adds the children to the registry)",
        request=s.CareOutcomeInputSerializer,
        responses=s.CareEnrollmentListSerializer,
    )
    @action(detail=True, methods=["post"], permission_classes=[HasPerm.of(Perm.CARE_RECORD)])
    def outcome(self, request: Request, pk: str) -> Response:
        enrollment = access_enrollment(request.user, pk)
        data = _valid(s.CareOutcomeInputSerializer, request.data)
        father = _body_ref("father", access_person, request.user, data["father"]) if data.get("father") else None
        services.outcome_record(
            actor=request.user,
            enrollment=enrollment,
            outcome=data["outcome"],
            date=data["date"],
            place=data["place"],
            father=father,
            children=[
                services.Child(name=c["name"], sex=c["sex"], id_number=c.get("id_number") or None)
                for c in data.get("children", [])
            ],
        )
        return self._changed(enrollment)

    @extend_schema(
        summary="Close an enrolment early (moved away, cared for elsewhere, declined)",
        request=s.CareCloseInputSerializer,
        responses=s.CareEnrollmentListSerializer,
    )
    @action(detail=True, methods=["post"], permission_classes=[HasPerm.of(Perm.CARE_RECORD)])
    def close(self, request: Request, pk: str) -> Response:
        enrollment = access_enrollment(request.user, pk)
        data = _valid(s.CareCloseInputSerializer, request.data)
        services.enrollment_close(actor=request.user, enrollment=enrollment, reason=data["reason"])
        return self._changed(enrollment)


@extend_schema_view(
    create=extend_schema(
        summary="Register a pregnancy (schedule from the LMP; responsible worker)",
        request=s.CarePregnancyInputSerializer,
        responses={201: s.CareEnrollmentListSerializer},
    )
)
class CarePregnancyViewSet(_Care):
    permission_classes = [HasPerm.of(Perm.CARE_RECORD)]
    serializer_class = s.CareEnrollmentListSerializer

    def create(self, request: Request) -> Response:
        data = _valid(s.CarePregnancyInputSerializer, request.data)
        person = _body_ref("person", access_person, request.user, data["person"])
        worker = (
            _body_ref("responsible", access_worker, request.user, data["responsible"])
            if data.get("responsible")
            else None
        )
        enrollment = services.pregnancy_register(
            actor=request.user, person=person, lmp=data["lmp"], enrolled_on=data.get("enrolled_on"), responsible=worker
        )
        fresh = access_enrollment(request.user, enrollment.pk)
        return Response(s.CareEnrollmentListSerializer(fresh).data, status=status.HTTP_201_CREATED)


# --- visits -----------------------------------------------------------------------------------------------


class _VisitFilter(serializers.Serializer[Any]):
    enrollment = serializers.IntegerField(min_value=1, max_value=s.MAX_ID, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Visits in your scope (no findings, no grade)",
        parameters=[OpenApiParameter("enrollment", OpenApiTypes.INT, description="Only this enrolment's visits.")],
        responses=s.CareVisitListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Open one visit in full (audited: read.care_record)", responses=s.CareVisitSerializer
    ),
    create=extend_schema(
        summary="Record a visit: findings, risk colours, referral",
        request=s.CareVisitInputSerializer,
        responses={201: s.CareVisitSerializer},
    ),
)
class CareVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Care):
    serializer_class = s.CareVisitListSerializer

    def get_permissions(self) -> list[Any]:
        perm = Perm.CARE_RECORD if self.action == "create" else Perm.CARE_VIEW
        return [HasPerm.of(perm)()]

    def get_queryset(self) -> QuerySet[Visit]:
        params = _valid(_VisitFilter, self.request.query_params)
        qs = access_visits(self.request.user)
        if params.get("enrollment"):
            qs = qs.filter(enrollment_id=params["enrollment"])
        return qs.select_related("enrollment__person", "stage", "recorded_by").order_by("-date", "-id")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        visit = access_visit(request.user, kwargs["pk"])
        audit_sensitive_read(
            actor=request.user,
            what="care_record",
            object_type="care.visit",
            object_id=visit.pk,
            orgunit=visit.enrollment.orgunit,
        )
        return Response(s.CareVisitSerializer(visit).data)

    def create(self, request: Request) -> Response:
        data = _valid(s.CareVisitInputSerializer, request.data)
        enrollment = _body_ref("enrollment", access_enrollment, request.user, data["enrollment"])
        due: DueVisit | None = None
        if data.get("due"):
            due = _body_ref("due", access_due_visit, request.user, data["due"])
        stage = None
        if data.get("stage"):
            stage = Stage.objects.filter(programme_id=enrollment.programme_id, code=data["stage"]).first()
            if stage is None:
                raise ValidationFailed(
                    _("No stage %(code)r in this programme.") % {"code": data["stage"]}, field="stage"
                )
        visit = services.visit_record(
            actor=request.user,
            enrollment=enrollment,
            date=data["date"],
            due=due,
            stage=stage,
            findings=data["findings"],
            colours=data.get("colours"),
            weight_kg=data.get("weight_kg"),
            bp_systolic=data.get("bp_systolic"),
            bp_diastolic=data.get("bp_diastolic"),
            referral_to=data["referral_to"],
        )
        return Response(s.CareVisitSerializer(visit).data, status=status.HTTP_201_CREATED)


# --- worklists --------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Your worklist: visits due within four weeks and overdue ones, highest risk and latest first",
        responses=s.CareWorklistItemSerializer(many=True),
    ),
)
class CareWorklistViewSet(mixins.ListModelMixin, _Care):
    serializer_class = s.CareWorklistItemSerializer

    def get_queryset(self) -> QuerySet[DueVisit]:
        return selectors.worklist(self.request.user, today=timezone.localdate())

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        summary="Visits overdue, due soon and unassigned, per village of your scope (counts only)",
        responses=s.CareVillageCountsSerializer(many=True),
    )
    @action(detail=False, methods=["get"], serializer_class=s.CareVillageCountsSerializer)
    def villages(self, request: Request) -> Response:
        rows = selectors.overdue_by_village(request.user, today=timezone.localdate())
        page: list[Any] | None = self.paginate_queryset(rows)  # type: ignore[arg-type]
        data = s.CareVillageCountsSerializer(page if page is not None else rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


# --- check-ups --------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Pre-pregnancy check-ups in your scope (no results)",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Name, pinyin or ID-number tail.")],
    ),
    retrieve=extend_schema(
        summary="Open one check-up with its results (audited: read.care_record)", responses=s.CareCheckUpSerializer
    ),
    create=extend_schema(
        summary="Book a couple's pre-pregnancy check-up",
        request=s.CareCheckUpInputSerializer,
        responses={201: s.CareCheckUpListSerializer},
    ),
)
class CareCheckUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Care):
    serializer_class = s.CareCheckUpListSerializer

    def get_permissions(self) -> list[Any]:
        perm = Perm.CARE_VIEW if self.action in ("list", "retrieve") else Perm.CARE_RECORD
        return [HasPerm.of(perm)()]

    def get_queryset(self) -> QuerySet[CheckUp]:
        q = str(self.request.query_params.get("q", ""))[:50]
        return selectors.checkups_for_user(self.request.user, q=q)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(s.CareCheckUpSerializer(selectors.checkup_open(request.user, kwargs["pk"])).data)

    def create(self, request: Request) -> Response:
        data = _valid(s.CareCheckUpInputSerializer, request.data)
        woman = _body_ref("woman", access_person, request.user, data["woman"])
        partner = _body_ref("partner", access_person, request.user, data["partner"]) if data.get("partner") else None
        worker = (
            _body_ref("responsible", access_worker, request.user, data["responsible"])
            if data.get("responsible")
            else None
        )
        checkup = services.checkup_book(
            actor=request.user, woman=woman, partner=partner, booked_for=data["booked_for"], responsible=worker
        )
        fresh = access_checkup(request.user, checkup.pk)
        return Response(s.CareCheckUpListSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record examination and laboratory results, item by item",
        request=s.CareResultsInputSerializer,
        responses=s.CareCheckUpListSerializer,
    )
    @action(detail=True, methods=["post"])
    def results(self, request: Request, pk: str) -> Response:
        checkup = access_checkup(request.user, pk)
        data = _valid(s.CareResultsInputSerializer, request.data)
        services.checkup_results_record(
            actor=request.user,
            checkup=checkup,
            measured_on=data["measured_on"],
            results=[services.ResultInput(**r) for r in data["results"]],
        )
        return Response(s.CareCheckUpListSerializer(access_checkup(request.user, pk)).data)

    @extend_schema(
        summary="Record the risk assessment and counselling (item 18)",
        request=s.CareAssessmentInputSerializer,
        responses=s.CareCheckUpListSerializer,
    )
    @action(detail=True, methods=["post"])
    def assessment(self, request: Request, pk: str) -> Response:
        checkup = access_checkup(request.user, pk)
        data = _valid(s.CareAssessmentInputSerializer, request.data)
        services.checkup_assess(
            actor=request.user,
            checkup=checkup,
            population=data["population"],
            risk_classes=data["risk_classes"],
            conclusion=data["conclusion"],
            counselling=data["counselling"],
            on=data.get("on"),
        )
        return Response(s.CareCheckUpListSerializer(access_checkup(request.user, pk)).data)

    @extend_schema(
        summary="Import laboratory results from the analyser's CSV file (all rows or none; row-level errors)",
        request={"multipart/form-data": s.CareLabImportInputSerializer},
        responses=s.CareLabImportResultSerializer,
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def lab_import(self, request: Request) -> Response:
        data = _valid(s.CareLabImportInputSerializer, request.data)
        upload = data["file"]
        if upload.size > 1_000_000:
            raise ValidationFailed(_("The file is larger than 1 MB."), field="file")
        result = services.lab_results_import(actor=request.user, data=upload.read())
        return Response(result)


# --- screening --------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Screening campaigns in your scope",
        parameters=[OpenApiParameter("village", OpenApiTypes.STR, description="Org-unit code: that unit and below.")],
    ),
    retrieve=extend_schema(summary="One screening campaign"),
    create=extend_schema(
        summary="Plan a screening campaign in a village",
        request=s.CareCampaignInputSerializer,
        responses={201: s.CareCampaignSerializer},
    ),
)
class CareCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Care):
    serializer_class = s.CareCampaignSerializer

    def get_permissions(self) -> list[Any]:
        perm = Perm.CARE_VIEW if self.action in ("list", "retrieve", "invitations") else Perm.CARE_RECORD
        return [HasPerm.of(perm)()]

    def get_queryset(self) -> QuerySet[ScreeningCampaign]:
        code = str(self.request.query_params.get("village", ""))
        if code and not code.isdigit():
            raise ValidationFailed(_("An org-unit code is digits."), field="village")
        return selectors.campaigns_for_user(self.request.user, village_code=code[:12])

    def _campaign(self, pk: Any) -> Any:
        access_campaign(self.request.user, pk)
        return selectors.campaigns_for_user(self.request.user).get(pk=pk)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(s.CareCampaignSerializer(self._campaign(kwargs["pk"])).data)

    def create(self, request: Request) -> Response:
        data = _valid(s.CareCampaignInputSerializer, request.data)
        village = _body_ref("village", access_orgunit_by_code, request.user, data["village"])
        campaign = services.campaign_plan(
            actor=request.user,
            village=village,
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            place=data["place"],
        )
        return Response(s.CareCampaignSerializer(self._campaign(campaign.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The campaign's invitation list (masked ID numbers; whether results exist, not what they are)",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Name, pinyin or ID-number tail.")],
        responses=s.CareInvitationSerializer(many=True),
    )
    @action(detail=True, methods=["get"], serializer_class=s.CareInvitationSerializer)
    def invitations(self, request: Request, pk: str) -> Response:
        campaign = access_campaign(request.user, pk)
        rows = selectors.campaign_invitations(campaign, q=str(request.query_params.get("q", ""))[:50])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.CareInvitationSerializer(page, many=True).data)

    @extend_schema(
        summary="Invite the women the programme covers who were not screened in the interval",
        request=None,
        responses=s.CareCountSerializer,
    )
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str) -> Response:
        campaign = access_campaign(request.user, pk)
        return Response({"created": services.invitations_generate(actor=request.user, campaign=campaign)})

    @extend_schema(
        summary="Check a woman in by her resident-ID number (no biometrics)",
        request=s.CareCheckinInputSerializer,
        responses=s.CareInvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def checkin(self, request: Request, pk: str) -> Response:
        campaign = access_campaign(request.user, pk)
        data = _valid(s.CareCheckinInputSerializer, request.data)
        invitation = services.screening_checkin(actor=request.user, campaign=campaign, id_number=data["id_number"])
        return Response(s.CareInvitationSerializer(invitation).data)

    @extend_schema(
        summary="Record a screened woman's results and referral",
        request=s.CareScreeningResultInputSerializer,
        responses=s.CareScreeningResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def results(self, request: Request, pk: str) -> Response:
        campaign = access_campaign(request.user, pk)
        data = _valid(s.CareScreeningResultInputSerializer, request.data)
        invitation = _body_ref("invitation", access_invitation, request.user, data["invitation"])
        if invitation.campaign_id != campaign.pk:
            raise ValidationFailed(_("That invitation belongs to another campaign."), field="invitation")
        result = services.screening_result_record(
            actor=request.user,
            invitation=invitation,
            cervical=data["cervical"],
            breast=data["breast"],
            referral_to=data["referral_to"],
            note=data["note"],
        )
        return Response(s.CareScreeningResultSerializer(result).data)


@extend_schema_view(
    list=extend_schema(
        summary="Screening coverage per village: women covered, screened within three years, referred",
        responses=s.CareCoverageSerializer(many=True),
    )
)
class CareCoverageViewSet(mixins.ListModelMixin, _Care):
    serializer_class = s.CareCoverageSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = selectors.screening_coverage(request.user, on=timezone.localdate())
        page: list[Any] | None = self.paginate_queryset(rows)  # type: ignore[arg-type]
        data = s.CareCoverageSerializer(page if page is not None else rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


routes: list[tuple[str, Any, str]] = [
    ("care/programmes", CareProgrammeViewSet, "api-care-programme"),
    ("care/enrollments", CareEnrollmentViewSet, "api-care-enrollment"),
    ("care/pregnancies", CarePregnancyViewSet, "api-care-pregnancy"),
    ("care/visits", CareVisitViewSet, "api-care-visit"),
    ("care/worklist", CareWorklistViewSet, "api-care-worklist"),
    ("care/checkups", CareCheckUpViewSet, "api-care-checkup"),
    ("care/screening-campaigns", CareCampaignViewSet, "api-care-campaign"),
    ("care/screening-coverage", CareCoverageViewSet, "api-care-coverage"),
]
