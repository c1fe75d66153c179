from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import access_users
from xingfu.accounts.models import User
from xingfu.accounts.roles import PERMISSIONS, Role


class UserSerializer(serializers.ModelSerializer[User]):
    scope: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "scope", "department", "is_active"]


class MeSerializer(UserSerializer):
    scope_name = serializers.SerializerMethodField()
    scope_level = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "scope_name", "scope_level", "permissions"]

    def get_scope_name(self, user: User) -> str:
        return user.scope.name if user.scope else ""

    def get_scope_level(self, user: User) -> str:
        return user.scope.level if user.scope else ""

    def get_permissions(self, user: User) -> list[str]:
        role = Role(user.role) if user.role in Role.values else None
        return sorted(p.value for p, roles in PERMISSIONS.items() if role in roles)


@extend_schema(summary="The signed-in user: role, scope and permissions", responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    return Response(MeSerializer(request.user).data)  # type: ignore[arg-type]  # IsScopedUser: a real User


@extend_schema(summary="User accounts in your scope (only yourself unless your role may see users)")
class UserViewSet(viewsets.ReadOnlyModelViewSet[User]):
    serializer_class = UserSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return access_users(self.request.user).select_related("scope").order_by("username")
