"""What the oversight viewsets share: documented errors, strict query parameters, pagination, the base
viewset."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

from xingfu.accounts.access import access_orgunits, require
from xingfu.accounts.api_permissions import HasPerm
from xingfu.accounts.roles import Perm
from xingfu.core.api import Pagination
from xingfu.core.errors import NotFound, ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight.access import access_unit_for_record
from xingfu.oversight.serializers import ErrorSerializer

# --- Documentation of errors ----------------------------------------------------------------------------

ERROR_TEXT = {
    400: "Bad input; ``fields`` names what is wrong.",
    401: "Not signed in.",
    403: "Your role may not do this.",
    404: "Not found in your scope.",
    409: "Conflicts with the current state (e.g. a serial number already registered).",
    429: "Too many requests from your address; try later.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_TEXT[code]) for code in codes}


READ = (400, 401, 403, 404)
WRITE = (400, 401, 403, 404, 409)


def ok(serializer: Any, code: int = 200, *more: int) -> dict[int, Any]:
    return {code: serializer, **errors(*(more or WRITE))}


# --- Query parameters -----------------------------------------------------------------------------------

Q = OpenApiParameter("q", OpenApiTypes.STR, description="Search text.")
TOWN = OpenApiParameter("town", OpenApiTypes.STR, description="Only under this org unit (code, in your scope).")


def choice_param(name: str, choices: list[str], description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, enum=choices, description=description)


def bool_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.BOOL, description=description)


def raw_param(request: Request, name: str) -> str | None:
    """The parameter as sent (None when absent); sent twice is refused, not silently resolved."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise serializers.ValidationError({name: ["Give this parameter once."]})
    return str(values[0]) if values else None


def param(request: Request, name: str, choices: list[str] | None = None) -> str:
    value = raw_param(request, name)
    if value is None:
        return ""
    if choices is not None and value not in choices:
        raise serializers.ValidationError({name: [f"Unknown value {value[:40]!r}; one of {choices}."]})
    return value[:100]


def bool_param_value(request: Request, name: str) -> bool:
    value = raw_param(request, name)
    if value is None:
        return False
    if value.lower() in ("false", "0", "no"):
        return False
    if value.lower() in ("true", "1", "yes"):
        return True
    raise serializers.ValidationError({name: ["Expected true or false."]})


def int_param(request: Request, name: str, low: int, high: int) -> int | None:
    value = raw_param(request, name)
    if value is None:
        return None
    try:
        number = int(value.strip()) if value.strip().lstrip("-").isdigit() else low - 1
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise serializers.ValidationError({name: [f"Expected a whole number from {low} to {high}."]})
    return number


class OversightPagination(Pagination):
    """The project's pagination, refusing a page or page size that is not a whole number (instead of quietly
    using the first page or the default size)."""

    def get_page_size(self, request: Any) -> int | None:
        int_param(request, self.page_size_query_param or "page_size", 1, self.max_page_size or 500)
        return super().get_page_size(request)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        int_param(request, self.page_query_param, 1, 10**9)
        return super().paginate_queryset(queryset, request, view)


def town_param(request: Request) -> OrgUnit | None:
    code = param(request, "town")
    if not code:
        return None
    unit = access_orgunits(request.user).filter(code=code[:12]).first()
    if unit is None:
        raise serializers.ValidationError({"town": [f"No org unit {code[:12]!r} in your scope."]})
    return unit


def ref(field: str, fetch: Any, *args: Any, **kwargs: Any) -> Any:
    """An object named in the request body; one outside the scope is a bad field (400), not a 404."""
    try:
        return fetch(*args, **kwargs)
    except NotFound as error:
        raise ValidationFailed(error.message, field=field) from None


def unit_for_record(user: Any, code: Any, field: str = "orgunit") -> OrgUnit:
    require(user, Perm.OVERSIGHT_RECORD)
    return ref(field, access_unit_for_record, user, code)  # type: ignore[no-any-return]


def user_in_scope(user: Any, pk: Any, field: str = "owner") -> Any:
    from django.contrib.auth import get_user_model

    from xingfu.accounts.access import scoped

    owner = scoped(user, get_user_model().objects.filter(pk=pk), "scope__path").first()
    if owner is None:
        raise ValidationFailed(_("No such user in your scope."), field=field)
    return owner


class OversightViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [HasPerm.of(Perm.OVERSIGHT_VIEW)]
    parser_classes = [JSONParser]
    pagination_class = OversightPagination
    # Any path segment reaches the view, which answers a JSON 404 for ids that are not whole numbers
    # (the router's default pattern leaves "1.5" to Django's HTML 404 page).
    lookup_value_regex = "[^/]+"

    def _valid(self, serializer_class: type[serializers.Serializer[Any]], **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
