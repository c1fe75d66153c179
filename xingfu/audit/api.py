from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from xingfu.accounts.access import access_audit_events
from xingfu.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "at",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "orgunit",
            "changes",
            "reason",
            "hash",
        ]


@extend_schema(summary="The audit trail of your scope (roles that may read it)")
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    serializer_class = AuditEventSerializer
    lookup_field = "seq"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Any]:
        qs = access_audit_events(self.request.user).select_related("orgunit").order_by("-seq")
        action = self.request.query_params.get("action")
        if action:
            qs = qs.filter(action=action)
        return qs
