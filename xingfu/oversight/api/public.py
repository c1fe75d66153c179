"""The public tip-off endpoints: no account, throttled per client address."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from xingfu.core.errors import ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight.api._common import errors
from xingfu.oversight.models import TipOffStatus
from xingfu.oversight.serializers import (
    ChallengeSerializer,
    PublicReceiptSerializer,
    PublicReportSerializer,
    PublicStatusSerializer,
    StatusQuerySerializer,
)
from xingfu.oversight.services import tipoffs as tipoff_services

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


class PublicPageThrottle(_ClientThrottle):
    """Attempts at the public pages (right or wrong), so that guessing answers or codes soon stops."""

    scope = "oversight_public_page"
    rate = "30/hour"


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
