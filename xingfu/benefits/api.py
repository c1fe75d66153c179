"""The benefits API: programmes (with rules, the what-if and certificate issue), the facts conditions may name,
eligibility with its explanation, payment cycles (prepare, approve, cancel, bank file, results), entitlements,
the ledger (with reversals), applications, funds, department commitments and the certificate check.

Every read goes through ``access.py``; every write through the same services as the pages. ``routes`` is read
by xingfu/api_urls.py: (prefix, viewset, basename).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import access_orgunit_by_code, require
from xingfu.accounts.api_permissions import HasPerm, IsScopedUser
from xingfu.accounts.roles import Perm
from xingfu.benefits import access, selectors
from xingfu.benefits import serializers as s
from xingfu.benefits.eligibility.conditions import OPERATORS_BY_TYPE
from xingfu.benefits.eligibility.facts import FACTS
from xingfu.benefits.models import (
    ApplicationStatus,
    CycleStatus,
    EntitlementStatus,
    Fund,
    LedgerKind,
    Programme,
    Unit,
)
from xingfu.benefits.services import applications as application_services
from xingfu.benefits.services import certificates as certificate_services
from xingfu.benefits.services import commitments as commitment_services
from xingfu.benefits.services import cycles as cycle_services
from xingfu.benefits.services import payments as payment_services
from xingfu.benefits.services import programmes as programme_services
from xingfu.benefits.services.funds import fund_money_in
from xingfu.core.errors import NotFound, ValidationFailed
from xingfu.registry.selectors import household_get, person_get

ID = "[0-9]{1,18}"


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _Filters(serializers.Serializer[Any]):
    """Query parameters shared by the lists; each list reads the ones it documents."""

    programme = serializers.IntegerField(min_value=1, max_value=s.MAX_ID, required=False)
    cycle = serializers.IntegerField(min_value=1, max_value=s.MAX_ID, required=False)
    person = serializers.IntegerField(min_value=1, max_value=s.MAX_ID, required=False)
    household = serializers.IntegerField(min_value=1, max_value=s.MAX_ID, required=False)
    cycle_status = serializers.ChoiceField(choices=CycleStatus.choices, required=False)
    entitlement_status = serializers.ChoiceField(choices=EntitlementStatus.choices, required=False)
    application_status = serializers.ChoiceField(choices=ApplicationStatus.choices, required=False)
    ledger_kind = serializers.ChoiceField(choices=LedgerKind.choices, required=False)
    benefit_unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    period = serializers.RegexField(s.PERIOD, required=False)
    q = serializers.CharField(max_length=50, required=False, allow_blank=True)


def _filters(request: Request) -> dict[str, Any]:
    return _valid(_Filters, request.query_params)


def _param(name: str, kind: Any, description: str, **kwargs: Any) -> OpenApiParameter:
    return OpenApiParameter(name, kind, description=description, **kwargs)


PROGRAMME_PARAM = _param("programme", OpenApiTypes.INT, "Only this programme.")
Q_PARAM = _param("q", OpenApiTypes.STR, "Search.")


# --- programmes -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Benefit programmes",
        parameters=[Q_PARAM, _param("benefit_unit", OpenApiTypes.STR, "person or household", enum=Unit.values)],
    ),
    retrieve=extend_schema(summary="One programme with its rules", responses=s.BenefitProgrammeDetailSerializer),
    create=extend_schema(
        summary="Define a programme (district administrators)",
        request=s.BenefitProgrammeCreateSerializer,
        responses={201: s.BenefitProgrammeDetailSerializer},
    ),
)
class BenefitProgrammeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Programme]
):
    serializer_class = s.BenefitProgrammeSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Programme]:
        if self.action == "list":
            f = _filters(self.request)
            return selectors.programmes_filtered(
                self.request.user, q=f.get("q", ""), unit=f.get("benefit_unit", "")
            ).select_related("fund")
        return access.access_programmes(self.request.user).select_related("fund").prefetch_related("rules")

    def get_object(self) -> Programme:
        return access.access_programme(self.request.user, self.kwargs["pk"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(s.BenefitProgrammeDetailSerializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = _valid(s.BenefitProgrammeCreateSerializer, request.data)
        fund = None
        if d["fund"]:
            fund = Fund.objects.filter(code=d["fund"]).first()
            if fund is None:
                raise ValidationFailed(_("No fund with that code."), field="fund")
        programme = programme_services.programme_define(
            actor=request.user,
            code=d["code"],
            name_zh=d["name_zh"],
            name_en=d["name_en"],
            description=d["description"],
            level=d["programme_level"],
            unit=d["benefit_unit"],
            benefit_kind=d["benefit_kind"],
            payee=d["payee_kind"],
            third_party=d["third_party"],
            funding_source=d["funding_source"],
            fund=fund,
            needs_application=d["needs_application"],
            attachments=d["attachments"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            conditions=d["conditions"],
            amount=d["amount"],
        )
        return Response(s.BenefitProgrammeDetailSerializer(programme).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a programme's conditions or amount from a date (the old rule is kept)",
        request=s.BenefitRuleCreateSerializer,
        responses={201: s.BenefitRuleSerializer},
    )
    @action(detail=True, methods=["post"])
    def rules(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        d = _valid(s.BenefitRuleCreateSerializer, request.data)
        rule = programme_services.programme_rule_add(actor=request.user, programme=programme, **d)
        return Response(s.BenefitRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="What-if: units and money a year per town, for the current or a draft rule (writes nothing)",
        request=s.BenefitWhatIfRequestSerializer,
        responses=s.BenefitWhatIfSerializer,
    )
    @action(detail=True, methods=["post"])
    def whatif(self, request: Request, pk: str) -> Response:
        require(request.user, Perm.BENEFITS_MANAGE)
        programme = self.get_object()
        d = _valid(s.BenefitWhatIfRequestSerializer, request.data)
        result = selectors.programme_whatif(
            request.user, programme, conditions=d["conditions"], amount=d["amount"], on=d["on"]
        )
        return Response(s.BenefitWhatIfSerializer(result).data)

    @extend_schema(
        summary="Issue the programme's certificate to every qualifying household of an org unit",
        request=s.CertificateIssueSerializer,
        responses=s.CertificateIssuedSerializer,
    )
    @action(detail=True, methods=["post"], url_path="issue-certificates")
    def issue_certificates(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        d = _valid(s.CertificateIssueSerializer, request.data)
        unit = access_orgunit_by_code(request.user, d["orgunit"])
        issued = certificate_services.certificates_issue(
            actor=request.user, programme=programme, scope=unit, on=d["on"] or timezone.localdate()
        )
        return Response({"issued": issued})


@extend_schema_view(list=extend_schema(summary="The facts a programme's conditions may name, per unit"))
class BenefitFactViewSet(viewsets.GenericViewSet[Any]):
    serializer_class = s.BenefitFactSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]
    pagination_class = None

    def list(self, request: Request) -> Response:
        rows = [
            {
                "benefit_unit": unit,
                "name": fact.name,
                "meaning": str(fact.label),
                "value_type": fact.type.value,
                "choices": list(fact.choice_values),
                "operators": sorted(OPERATORS_BY_TYPE[fact.type]),
                "nullable": fact.nullable,
            }
            for unit, facts in FACTS.items()
            for fact in facts.values()
        ]
        return Response(s.BenefitFactSerializer(rows, many=True).data)


# --- eligibility ------------------------------------------------------------------------------------------


class _EligibilityQuery(serializers.Serializer[Any]):
    person = serializers.IntegerField(min_value=1, max_value=s.MAX_ID, required=False)
    household = serializers.IntegerField(min_value=1, max_value=s.MAX_ID, required=False)
    on = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("person")) == bool(attrs.get("household")):
            raise serializers.ValidationError(_("Give either person or household."))
        return attrs


@extend_schema_view(
    list=extend_schema(
        summary="Eligibility of one person or household for every programme, with the explanation",
        parameters=[
            _param("person", OpenApiTypes.INT, "A person in your scope."),
            _param("household", OpenApiTypes.INT, "A household in your scope."),
            _param("on", OpenApiTypes.DATE, "Reference date; default today."),
        ],
    )
)
class EligibilityViewSet(viewsets.GenericViewSet[Any]):
    serializer_class = s.EligibilityExplanationSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]
    pagination_class = None

    def list(self, request: Request) -> Response:
        d = _valid(_EligibilityQuery, request.query_params)
        unit = person_get(request.user, d["person"]) if d.get("person") else household_get(request.user, d["household"])
        results = selectors.eligibility(request.user, unit, on=d.get("on"))
        return Response(s.EligibilityExplanationSerializer(results, many=True).data)


# --- cycles -----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Payment cycles in your scope",
        parameters=[
            PROGRAMME_PARAM,
            _param("cycle_status", OpenApiTypes.STR, "Status.", enum=CycleStatus.values),
            _param("period", OpenApiTypes.STR, "202610 or 2026."),
        ],
    ),
    retrieve=extend_schema(summary="One payment cycle (status and progress)"),
    create=extend_schema(
        summary="Prepare cycles: one per programme for the period and scope (runs as a task)",
        request=s.PaymentCyclePrepareSerializer,
        responses={201: s.PaymentCycleSerializer(many=True)},
    ),
)
class PaymentCycleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Any]
):
    serializer_class = s.PaymentCycleSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Any]:
        f = _filters(self.request) if self.action == "list" else {}
        return selectors.cycles_filtered(
            self.request.user,
            programme=f.get("programme"),
            status=f.get("cycle_status", ""),
            period=f.get("period", ""),
        )

    def get_object(self) -> Any:
        return access.access_cycle(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = _valid(s.PaymentCyclePrepareSerializer, request.data)
        programmes = [access.access_programme(request.user, pk) for pk in dict.fromkeys(d["programmes"])]
        scope = access_orgunit_by_code(request.user, d["scope"])
        made = cycle_services.cycles_prepare(actor=request.user, programmes=programmes, period=d["period"], scope=scope)
        return Response(s.PaymentCycleSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Approve a prepared cycle (not your own)", request=None, responses=s.PaymentCycleSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        cycle = cycle_services.cycle_approve(actor=request.user, cycle=self.get_object())
        return Response(s.PaymentCycleSerializer(access.access_cycle(request.user, cycle.pk)).data)

    @extend_schema(
        summary="Cancel a cycle that is not approved",
        request=s.PaymentCycleCancelSerializer,
        responses=s.PaymentCycleSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        d = _valid(s.PaymentCycleCancelSerializer, request.data)
        cycle = cycle_services.cycle_cancel(actor=request.user, cycle=self.get_object(), reason=d["reason"])
        return Response(s.PaymentCycleSerializer(access.access_cycle(request.user, cycle.pk)).data)

    @extend_schema(
        summary="The bank file of an approved cycle (CSV or XLSX; audited: it holds full ID numbers)",
        parameters=[_param("file_type", OpenApiTypes.STR, "csv (default) or xlsx", enum=["csv", "xlsx"])],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="Columns: see docs/benefits.md"),
            (200, payment_services.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @action(detail=True, methods=["get"], url_path="bank-file")
    def bank_file(self, request: Request, pk: str) -> HttpResponse:
        d = _valid(s.BankFileQuerySerializer, request.query_params)
        export = payment_services.cycle_export(actor=request.user, cycle=self.get_object(), fmt=d["file_type"])
        content_type = "text/csv" if d["file_type"] == "csv" else export.content_type
        response = HttpResponse(export.content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response

    @extend_schema(
        summary="Import the bank's results (refused whole on an unknown entitlement or a different amount)",
        request={"multipart/form-data": s.PaymentResultsUploadSerializer},
        responses=s.PaymentResultsSummarySerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def results(self, request: Request, pk: str) -> Response:
        cycle = self.get_object()
        d = _valid(s.PaymentResultsUploadSerializer, request.data)
        upload = d["file"]
        if upload.size > payment_services.MAX_RESULT_BYTES:
            raise ValidationFailed(_("The results file is larger than 20 MB."), field="file")
        summary = payment_services.cycle_results_import(
            actor=request.user, cycle=cycle, content=upload.read(), filename=upload.name or ""
        )
        return Response(s.PaymentResultsSummarySerializer(summary).data)


@extend_schema_view(
    list=extend_schema(
        summary="Entitlements in your scope",
        parameters=[
            _param("cycle", OpenApiTypes.INT, "Only this cycle."),
            PROGRAMME_PARAM,
            _param("entitlement_status", OpenApiTypes.STR, "Status.", enum=EntitlementStatus.values),
            _param("person", OpenApiTypes.INT, "Only this person."),
            _param("household", OpenApiTypes.INT, "Only this household."),
            Q_PARAM,
        ],
    ),
    retrieve=extend_schema(summary="One entitlement"),
)
class EntitlementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    serializer_class = s.EntitlementSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Any]:
        f = _filters(self.request) if self.action == "list" else {}
        return selectors.entitlements_filtered(
            self.request.user,
            cycle=f.get("cycle"),
            programme=f.get("programme"),
            status=f.get("entitlement_status", ""),
            person=f.get("person"),
            household=f.get("household"),
            q=f.get("q", ""),
        )

    def get_object(self) -> Any:
        key = access.pk_or_none(self.kwargs["pk"])
        found = self.get_queryset().filter(pk=key).first() if key else None
        if found is None:
            raise NotFound(_("No such entitlement in your scope."))
        return found


@extend_schema_view(
    list=extend_schema(
        summary="The ledger of payments and reversals in your scope",
        parameters=[
            PROGRAMME_PARAM,
            _param("person", OpenApiTypes.INT, "Only this person."),
            _param("household", OpenApiTypes.INT, "Only this household."),
            _param("ledger_kind", OpenApiTypes.STR, "payment or reversal", enum=LedgerKind.values),
        ],
    ),
    retrieve=extend_schema(summary="One ledger entry"),
)
class LedgerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    serializer_class = s.LedgerEntrySerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Any]:
        f = _filters(self.request) if self.action == "list" else {}
        return selectors.ledger_filtered(
            self.request.user,
            programme=f.get("programme"),
            person=f.get("person"),
            household=f.get("household"),
            kind=f.get("ledger_kind", ""),
        )

    def get_object(self) -> Any:
        return access.access_ledger_entry(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Reverse a payment (a new, negative entry; the payment is never edited)",
        request=s.LedgerReverseSerializer,
        responses={201: s.LedgerEntrySerializer},
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str) -> Response:
        d = _valid(s.LedgerReverseSerializer, request.data)
        reversal = payment_services.ledger_reverse(actor=request.user, entry=self.get_object(), reason=d["reason"])
        return Response(s.LedgerEntrySerializer(access.access_ledger_entry(request.user, reversal.pk)).data, status=201)


# --- applications -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Applications in your scope",
        parameters=[
            PROGRAMME_PARAM,
            _param("application_status", OpenApiTypes.STR, "Status.", enum=ApplicationStatus.values),
            Q_PARAM,
        ],
    ),
    retrieve=extend_schema(summary="One application with its documents and decisions"),
    create=extend_schema(
        summary="Record an application (the beneficiary must qualify; every listed document named)",
        request=s.BenefitApplicationCreateSerializer,
        responses={201: s.BenefitApplicationSerializer},
    ),
)
class BenefitApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Any]
):
    serializer_class = s.BenefitApplicationSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Any]:
        f = _filters(self.request) if self.action == "list" else {}
        return selectors.applications_filtered(
            self.request.user,
            programme=f.get("programme"),
            status=f.get("application_status", ""),
            q=f.get("q", ""),
        ).prefetch_related("attachments", "decisions__decided_by")

    def get_object(self) -> Any:
        return access.access_application(self.request.user, self.kwargs["pk"])

    def _fresh(self, pk: int) -> Any:
        return self.get_queryset().get(pk=pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = _valid(s.BenefitApplicationCreateSerializer, request.data)
        programme = access.access_programme(request.user, d["programme"])
        if bool(d["person"]) == bool(d["household"]):
            raise ValidationFailed(_("Give either person or household."), field="person")
        unit = person_get(request.user, d["person"]) if d["person"] else household_get(request.user, d["household"])
        application = application_services.application_submit(
            actor=request.user,
            programme=programme,
            beneficiary=unit,
            tier=d["tier"],
            statement=d["statement"],
            attachments=[dict(a) for a in d["attachments"]],
        )
        return Response(
            s.BenefitApplicationSerializer(self._fresh(application.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Upload the file of a listed document",
        request={"multipart/form-data": s.ApplicationFileSerializer},
        responses={201: s.ApplicationAttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser], url_path="files")
    def files(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        d = _valid(s.ApplicationFileSerializer, request.data)
        attachment = application_services.attachment_upload(
            actor=request.user, application=application, name=d["name"], upload=d["file"]
        )
        return Response(s.ApplicationAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Review an application (town officers)",
        request=s.ApplicationReviewSerializer,
        responses=s.BenefitApplicationSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def review(self, request: Request, pk: str) -> Response:
        d = _valid(s.ApplicationReviewSerializer, request.data)
        application = self.get_object()
        application_services.application_review(actor=request.user, application=application, note=d["note"])
        return Response(s.BenefitApplicationSerializer(self._fresh(application.pk)).data)

    @extend_schema(
        summary="Approve (with the amount) or reject a reviewed application",
        request=s.ApplicationDecideSerializer,
        responses=s.BenefitApplicationSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def decide(self, request: Request, pk: str) -> Response:
        d = _valid(s.ApplicationDecideSerializer, request.data)
        application = self.get_object()
        application_services.application_decide(
            actor=request.user, application=application, approve=d["approve"], amount=d["amount"], note=d["note"]
        )
        return Response(s.BenefitApplicationSerializer(self._fresh(application.pk)).data)


# --- funds ------------------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="Funds with their balances"), retrieve=extend_schema(summary="One fund"))
class BenefitFundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    serializer_class = s.BenefitFundSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.funds_with_balances(self.request.user)

    def get_object(self) -> Any:
        access.access_fund(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=self.kwargs["pk"])

    @extend_schema(
        summary="The fund's statement: every transaction with the balance after it",
        responses=s.FundTransactionSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def statement(self, request: Request, pk: str) -> Response:
        fund = access.access_fund(request.user, pk)
        page = self.paginate_queryset(selectors.fund_statement(fund))
        return self.get_paginated_response(s.FundTransactionSerializer(page, many=True).data)

    @extend_schema(
        summary="Record money coming in (budget or donation)",
        request=s.FundMoneyInSerializer,
        responses={201: s.FundTransactionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="money-in")
    def money_in(self, request: Request, pk: str) -> Response:
        fund = access.access_fund(request.user, pk)
        d = _valid(s.FundMoneyInSerializer, request.data)
        row = fund_money_in(
            actor=request.user,
            fund=fund,
            kind=d["transaction_kind"],
            amount=d["amount"],
            date=d["date"],
            source=d["payer"],
            note=d["note"],
        )
        row = selectors.fund_transaction_with_balance(fund, row.pk)
        return Response(s.FundTransactionSerializer(row).data, status=status.HTTP_201_CREATED)


# --- commitments, certificates ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Department commitments (a liaison sees her department's)", parameters=[Q_PARAM]),
    retrieve=extend_schema(summary="One commitment"),
    create=extend_schema(
        summary="Add a commitment to the catalogue (district administrators)",
        request=s.CommitmentCreateSerializer,
        responses={201: s.CommitmentSerializer},
    ),
)
class CommitmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Any]
):
    serializer_class = s.CommitmentSerializer
    permission_classes = [IsScopedUser]
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Any]:
        f = _filters(self.request) if self.action == "list" else {}
        return selectors.commitments_filtered(self.request.user, q=f.get("q", ""))

    def get_object(self) -> Any:
        return access.access_commitment(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = _valid(s.CommitmentCreateSerializer, request.data)
        commitment = commitment_services.commitment_add(
            actor=request.user,
            department=d["department"],
            title=d["title"],
            category=d["commitment_category"],
            description=d["description"],
        )
        return Response(s.CommitmentSerializer(commitment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Per department: commitments, fulfilment records and their value",
        responses=s.CommitmentReportSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def report(self, request: Request) -> Response:
        return Response(s.CommitmentReportSerializer(selectors.commitment_report(request.user), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Fulfilment records (a liaison sees her department's)"),
    create=extend_schema(
        summary="Record that a commitment was kept for a household (found by a member's ID number)",
        request=s.FulfilmentCreateSerializer,
        responses={201: s.FulfilmentSerializer},
    ),
)
class FulfilmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Any]):
    serializer_class = s.FulfilmentSerializer
    permission_classes = [IsScopedUser]

    def get_queryset(self) -> QuerySet[Any]:
        return (
            access.access_fulfilments(self.request.user)
            .select_related("commitment", "orgunit")
            .order_by("-date", "-id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Perm.COMMITMENTS_RECORD)
        d = _valid(s.FulfilmentCreateSerializer, request.data)
        commitment = access.access_commitment(request.user, d["commitment"])
        household = selectors.household_of_resident(request.user, d["id_number"])
        fulfilment = commitment_services.fulfilment_record(
            actor=request.user,
            commitment=commitment,
            household=household,
            date=d["date"],
            description=d["description"],
            value=d["value"],
        )
        return Response(s.FulfilmentSerializer(self.get_queryset().get(pk=fulfilment.pk)).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="Certificates held by households in your scope", parameters=[PROGRAMME_PARAM])
)
class CertificateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
    serializer_class = s.CertificateSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_VIEW)]

    def get_queryset(self) -> QuerySet[Any]:
        f = _filters(self.request)
        qs = access.access_certificates(self.request.user).select_related("programme", "orgunit")
        if f.get("programme"):
            qs = qs.filter(programme_id=f["programme"])
        return qs.order_by("number")


@extend_schema_view(
    create=extend_schema(
        summary="Check a priority-treatment certificate: yes/no and the number, nothing else (audited)",
        request=s.CertificateCheckRequestSerializer,
        responses={200: s.CertificateCheckAnswerSerializer},
    )
)
class CertificateCheckViewSet(viewsets.GenericViewSet[Any]):
    serializer_class = s.CertificateCheckAnswerSerializer
    permission_classes = [HasPerm.of(Perm.BENEFITS_CERTIFY)]

    def create(self, request: Request) -> Response:
        d = _valid(s.CertificateCheckRequestSerializer, request.data)
        answer = certificate_services.certificate_check(actor=request.user, id_number=d["id_number"])
        return Response({"qualifies": answer.qualifies, "certificate_number": answer.certificate_number})


routes: list[tuple[str, Any, str]] = [
    ("benefit-programmes", BenefitProgrammeViewSet, "benefit-programme"),
    ("benefit-facts", BenefitFactViewSet, "benefit-fact"),
    ("benefit-eligibility", EligibilityViewSet, "benefit-eligibility"),
    ("payment-cycles", PaymentCycleViewSet, "payment-cycle"),
    ("entitlements", EntitlementViewSet, "entitlement"),
    ("benefit-ledger", LedgerViewSet, "benefit-ledger"),
    ("benefit-applications", BenefitApplicationViewSet, "benefit-application"),
    ("benefit-funds", BenefitFundViewSet, "benefit-fund"),
    ("commitments", CommitmentViewSet, "commitment"),
    ("commitment-fulfilments", FulfilmentViewSet, "commitment-fulfilment"),
    ("certificates", CertificateViewSet, "certificate"),
    ("certificate-check", CertificateCheckViewSet, "certificate-check"),
]
