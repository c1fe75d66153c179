"""Tip-offs (as staff see them) and cases."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_sensitive_read
from xingfu.core.errors import ValidationFailed
from xingfu.oversight import selectors
from xingfu.oversight.access import (
    access_case,
    access_case_step,
    access_facility,
    access_tipoff,
    may_see_contact,
    require_case_contacts,
)
from xingfu.oversight.api._common import (
    READ,
    OversightViewSet,
    Q,
    bool_param,
    bool_param_value,
    choice_param,
    errors,
    ok,
    param,
    ref,
    unit_for_record,
    user_in_scope,
)
from xingfu.oversight.models import (
    Case,
    CaseStatus,
    TipOff,
    TipOffAbout,
    TipOffStatus,
)
from xingfu.oversight.serializers import (
    CaseAssignSerializer,
    CaseCloseSerializer,
    CaseContactsSerializer,
    CaseImportSerializer,
    CaseSerializer,
    CaseStepSerializer,
    ContactSerializer,
    ReferSerializer,
    StepDoneSerializer,
    TipOffSerializer,
    TriageResultSerializer,
    TriageSerializer,
)
from xingfu.oversight.services import cases as case_services
from xingfu.oversight.services import tipoffs as tipoff_services
from xingfu.oversight.services import transfer
from xingfu.oversight.services._common import today

# --- Tip-offs -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Tip-offs in your scope (reporters' contacts are never listed)",
        parameters=[choice_param("status", TipOffStatus.values), choice_param("about", TipOffAbout.values)],
        responses={200: TipOffSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One tip-off", responses=ok(TipOffSerializer, 200, *READ)),
    create=extend_schema(
        summary="Record a tip-off taken by hotline, letter or from the media (the answer holds its tracking code)",
        responses=ok(TipOffSerializer, 201),
    ),
)
class TipOffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OversightViewSet):
    serializer_class = TipOffSerializer
    queryset = TipOff.objects.none()

    def get_queryset(self) -> QuerySet[TipOff]:
        request = self.request
        return selectors.tipoff_list(
            request.user,
            status=param(request, "status", TipOffStatus.values),
            about=param(request, "about", TipOffAbout.values),
        ).defer(None)

    def get_object(self) -> TipOff:
        return access_tipoff(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(TipOffSerializer)
        unit = unit_for_record(request.user, data.pop("orgunit")["code"])
        tipoff, code = tipoff_services.tipoff_record(actor=request.user, orgunit=unit, **data)
        body = TipOffSerializer(tipoff, context={"tracking_code": code}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Triage: open a case, add to an open case, or record that no action is possible",
        request=TriageSerializer,
        responses=ok(TriageResultSerializer),
    )
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, pk: str) -> Response:
        tipoff = access_tipoff(request.user, pk, record=True)
        data = self._valid(TriageSerializer)
        case: Case | None = None
        if data["decision"] == "new_case":
            unit = unit_for_record(request.user, data["orgunit"]) if data["orgunit"] else tipoff.orgunit
            owner = user_in_scope(request.user, data["owner"]) if data["owner"] else request.user
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
            case = ref("case", access_case, request.user, data["case"], record=True)
            case_services.case_add_tipoff(actor=request.user, case=case, tipoff=tipoff)
        else:
            tipoff_services.tipoff_dismiss(actor=request.user, tipoff=tipoff, reason=data["reason"])
        tipoff.refresh_from_db()
        return Response({"tipoff": tipoff.pk, "status": tipoff.status, "case": case.pk if case else None})

    @extend_schema(
        summary="The reporter's contact (case owner and district admin only; each call is audited)",
        responses=ok(ContactSerializer, 200, *READ),
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
            choice_param("status", CaseStatus.values),
            bool_param("overdue", "Only open cases past their deadline."),
        ],
        responses={200: CaseSerializer(many=True), **errors(*READ)},
    ),
    retrieve=extend_schema(summary="One case with its steps", responses=ok(CaseSerializer, 200, *READ)),
    create=extend_schema(
        summary="Open a case (from tip-offs or on the inspectors' initiative)", responses=ok(CaseSerializer, 201)
    ),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OversightViewSet):
    serializer_class = CaseSerializer
    queryset = Case.objects.none()

    def get_queryset(self) -> QuerySet[Case]:
        request = self.request
        return selectors.case_list(
            request.user,
            q=param(request, "q"),
            status=param(request, "status", CaseStatus.values),
            overdue_on=today() if bool_param_value(request, "overdue") else None,
        ).prefetch_related(Prefetch("tipoffs", queryset=TipOff.objects.only("id", "case_id")), "steps")

    def get_object(self) -> Case:
        return access_case(self.request.user, self.kwargs["pk"])

    def _case(self, pk: Any) -> Response:
        return Response(CaseSerializer(access_case(self.request.user, pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(CaseSerializer)
        unit = unit_for_record(request.user, data.pop("orgunit")["code"])
        owner_id = data.pop("owner_id", None)
        owner = user_in_scope(request.user, owner_id) if owner_id else request.user
        facility_id = data.pop("facility_id", None)
        facility = ref("facility", access_facility, request.user, facility_id) if facility_id else None
        tipoffs = [ref("tipoffs", access_tipoff, request.user, t, record=True) for t in data.pop("tipoffs", [])]
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
        responses=ok(CaseStepSerializer, 201),
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
        responses=ok(CaseStepSerializer),
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
        responses=ok(CaseSerializer),
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        data = self._valid(CaseAssignSerializer)
        owner = user_in_scope(request.user, data["owner"])
        case_services.case_assign(actor=request.user, case=case, owner=owner, deadline=data["deadline"])
        return self._case(pk)

    @extend_schema(summary="Close the case with its outcome", request=CaseCloseSerializer, responses=ok(CaseSerializer))
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        case_services.case_close(actor=request.user, case=case, **self._valid(CaseCloseSerializer))
        return self._case(pk)

    @extend_schema(
        summary="The reporters' contacts (case owner and district admin only; each call is audited)",
        responses=ok(CaseContactsSerializer, 200, *READ),
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
        responses=ok(transfer.CaseDocumentSerializer),
    )
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        require_case_contacts(request.user, case)
        return Response(transfer.case_refer_out(actor=request.user, case=case, **self._valid(ReferSerializer)))

    @extend_schema(
        summary="The case's referral file (case owner and district admin; audited)",
        responses=ok(transfer.CaseDocumentSerializer, 200, *READ),
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Response:
        case = access_case(request.user, pk, record=True)
        require_case_contacts(request.user, case)
        return Response(transfer.case_export(actor=request.user, case=case))

    @extend_schema(
        summary="Take over a case referred by a neighbouring district (a bad file changes nothing)",
        request=CaseImportSerializer,
        responses=ok(CaseSerializer, 201),
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_case(self, request: Request) -> Response:
        require(request.user, Perm.OVERSIGHT_RECORD)
        data = self._valid(CaseImportSerializer)
        unit = unit_for_record(request.user, data["orgunit"])
        owner = user_in_scope(request.user, data["owner"]) if data["owner"] else request.user
        case = transfer.case_import(actor=request.user, document=data["document"], orgunit=unit, owner=owner)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)
