from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from xingfu.accounts.access import access_orgunit_by_code, access_orgunits
from xingfu.orgunits.models import Level, OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    parent: "serializers.SlugRelatedField[OrgUnit]" = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )
    name = serializers.CharField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "name_zh", "name_en", "level", "parent", "path"]


@extend_schema_view(
    list=extend_schema(
        summary="Org units in your scope",
        parameters=[
            OpenApiParameter("under", OpenApiTypes.STR, description="Only this unit and everything under it (code)."),
            OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values, description="Only units of this level."),
        ],
    ),
    retrieve=extend_schema(summary="One org unit by code"),
)
class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet[OrgUnit]):
    serializer_class = OrgUnitSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9]{1,12}"

    def get_queryset(self) -> QuerySet[OrgUnit]:
        qs = access_orgunits(self.request.user).select_related("parent")
        under = self.request.query_params.get("under")
        if under:
            unit = access_orgunit_by_code(self.request.user, under)
            qs = qs.filter(path__startswith=unit.path)
        level = self.request.query_params.get("level")
        if level:
            if level not in Level.values:
                raise serializers.ValidationError({"level": [f"Unknown level {level!r}; one of {Level.values}."]})
            qs = qs.filter(level=level)
        return qs

    def get_object(self) -> Any:
        return access_orgunit_by_code(self.request.user, self.kwargs["code"])
