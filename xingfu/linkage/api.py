"""The linkage API: link runs (upload a list, deduplicate, repeat), candidate pairs and decisions on them, and
the completeness report. ``routes`` is read by xingfu/api_urls.py: (prefix, viewset, basename).

Every write goes through the same services as the pages; every bad input is a 4xx with a reason.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.api_permissions import HasPerm
from xingfu.accounts.roles import Perm
from xingfu.linkage import services
from xingfu.linkage.access import access_candidate, access_run, decisions_for_user
from xingfu.linkage.models import Candidate, CandidateBand, CandidateStatus, Decision, LinkRun, Proposal
from xingfu.linkage.selectors import candidates_filtered, completeness, runs_list
from xingfu.linkage.serializers import (
    CandidateFilterSerializer,
    LinkageCandidateSerializer,
    LinkageCompletenessRowSerializer,
    LinkageDecideSerializer,
    LinkageDecisionSerializer,
    LinkageRevealedNumbersSerializer,
    LinkageRevealSerializer,
    LinkRunSerializer,
    ListUploadSerializer,
)
from xingfu.registry.selectors import household_get, person_get

ID_REGEX = "[0-9]{1,18}"


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _is_reviewer(request: Request) -> None:
    from xingfu.accounts.access import require

    require(request.user, Perm.LINKAGE_REVIEW)


@extend_schema_view(
    list=extend_schema(summary="Link runs in your scope"),
    retrieve=extend_schema(summary="One link run: progress, counts and the trained model"),
)
class LinkRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[LinkRun]):
    serializer_class = LinkRunSerializer
    permission_classes = [HasPerm.of(Perm.LINKAGE_VIEW)]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[LinkRun]:
        return runs_list(self.request.user)

    def get_object(self) -> LinkRun:
        return access_run(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Upload an outside list and link it against the registry of your scope",
        request={"multipart/form-data": ListUploadSerializer},
        responses={201: LinkRunSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _is_reviewer(request)
        data = _valid(ListUploadSerializer, request.data)
        upload = data["file"]
        with transaction.atomic():
            outside_list = services.list_upload(
                actor=request.user, template=data["template"], file_name=upload.name or "", content=upload.read()
            )
            run = services.run_start(actor=request.user, outside_list=outside_list)
        return Response(LinkRunSerializer(access_run(request.user, run.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Look for duplicate persons in the registry of your scope",
        request=None,
        responses={201: LinkRunSerializer},
    )
    @action(detail=False, methods=["post"])
    def deduplicate(self, request: Request) -> Response:
        run = services.run_start(actor=request.user)
        return Response(LinkRunSerializer(access_run(request.user, run.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Run the same list (or deduplication) again; decided pairs are not proposed again",
        request=None,
        responses={201: LinkRunSerializer},
    )
    @action(detail=True, methods=["post"])
    def repeat(self, request: Request, pk: str | None = None) -> Response:
        run = services.run_repeat(actor=request.user, run=access_run(request.user, pk))
        return Response(LinkRunSerializer(access_run(request.user, run.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Candidate pairs in your scope",
        parameters=[
            OpenApiParameter("run", OpenApiTypes.INT, description="Only this run's."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=CandidateStatus.values),
            OpenApiParameter("band", OpenApiTypes.STR, enum=CandidateBand.values),
            OpenApiParameter("proposal", OpenApiTypes.STR, enum=Proposal.values),
        ],
    ),
    retrieve=extend_schema(summary="One candidate pair, with how each field compared"),
)
class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Candidate]):
    serializer_class = LinkageCandidateSerializer
    permission_classes = [HasPerm.of(Perm.LINKAGE_VIEW)]
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Candidate]:
        filters: dict[str, Any] = {}
        if self.action == "list":
            data = _valid(CandidateFilterSerializer, self.request.query_params)
            filters = {k: data.get(k, "") for k in ("status", "band", "proposal")}
            if data.get("run"):
                filters["run"] = access_run(self.request.user, data["run"])
        return candidates_filtered(self.request.user, **filters)

    def get_object(self) -> Candidate:
        candidate = access_candidate(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=candidate.pk)

    @extend_schema(
        summary="Decide on a candidate: accept what it proposes, or reject it (final; never proposed again)",
        request=LinkageDecideSerializer,
        responses={201: LinkageDecisionSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        candidate = access_candidate(request.user, pk)
        data = _valid(LinkageDecideSerializer, request.data)
        decision = services.candidate_decide(
            actor=request.user,
            candidate=candidate,
            verdict=data["verdict"],
            reason=data["reason"],
            survivor=person_get(request.user, data["survivor"]) if data.get("survivor") else None,
            mother=person_get(request.user, data["mother"]) if data.get("mother") else None,
            child_name=data["child_name"],
            household=household_get(request.user, data["household"]) if data.get("household") else None,
            new_household_number=data["new_household_number"],
            relation=data.get("relation") or "",
            sex=data.get("sex") or "",
            birth_date=data.get("birth_date"),
        )
        return Response(LinkageDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="See the pair's resident-ID numbers in full (audited)",
        request=LinkageRevealSerializer,
        responses=LinkageRevealedNumbersSerializer,
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        candidate = access_candidate(request.user, pk)
        data = _valid(LinkageRevealSerializer, request.data)
        numbers = services.candidate_reveal(actor=request.user, candidate=candidate, reason=data["reason"])
        return Response(LinkageRevealedNumbersSerializer(numbers).data)


@extend_schema_view(
    list=extend_schema(summary="Decisions on candidate pairs in your scope (insert-only)"),
    retrieve=extend_schema(summary="One decision"),
)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Decision]):
    serializer_class = LinkageDecisionSerializer
    permission_classes = [HasPerm.of(Perm.LINKAGE_VIEW)]
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Decision]:
        return decisions_for_user(self.request.user).select_related("decided_by", "orgunit").order_by("-id")


class CompletenessViewSet(viewsets.ViewSet):
    permission_classes = [HasPerm.of(Perm.LINKAGE_VIEW)]

    @extend_schema(
        summary="Outside records per town and village: matched, added, dismissed, still open",
        responses=LinkageCompletenessRowSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return Response(LinkageCompletenessRowSerializer(completeness(request.user), many=True).data)


routes: list[tuple[str, Any, str]] = [
    ("linkage/runs", LinkRunViewSet, "linkrun"),
    ("linkage/candidates", CandidateViewSet, "linkagecandidate"),
    ("linkage/decisions", DecisionViewSet, "linkagedecision"),
    ("linkage/completeness", CompletenessViewSet, "linkagecompleteness"),
]
