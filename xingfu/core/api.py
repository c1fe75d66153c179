"""API plumbing shared by every app: pagination and one error shape.

Every API error is JSON ``{"status": 4xx, "code": "...", "reason": "...", "fields": {...}}``.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xingfu.core.errors import XingfuError


def _whole_number_param(request: Any, name: str, low: int, high: int, *, also: tuple[str, ...] = ()) -> None:
    """Refuse ``?name=`` unless it is a whole number in [low, high] (or one of ``also``), instead of
    quietly falling back to a default that hides the caller's mistake."""
    value = request.query_params.get(name)
    if value is None or value in also:
        return
    text = value.strip()
    if not (text.isdigit() and low <= int(text) <= high):
        raise exceptions.ValidationError({name: [f"Expected a whole number from {low} to {high}."]})


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Any) -> int | None:
        _whole_number_param(request, "page_size", 1, self.max_page_size)
        return super().get_page_size(request)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        _whole_number_param(request, self.page_query_param, 1, 10**9, also=("last",))
        return super().paginate_queryset(queryset, request, view)


def _reason(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _reason(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        inner = _reason(value)
        return inner if key in ("detail", "non_field_errors") else f"{key}: {inner}"
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, XingfuError):
        body: dict[str, Any] = {"status": exc.status_code, "code": exc.code, "reason": str(exc.message)}
        if exc.field:
            body["fields"] = {exc.field: [str(exc.message)]}
        if exc.details is not None:
            body["details"] = exc.details
        return Response(body, status=exc.status_code)
    if isinstance(exc, DataError) and "NUL" in str(exc):
        # A NUL character in a JSON body: PostgreSQL refuses it in text. Bad input, not a server error.
        exc = exceptions.ValidationError({"detail": ["Text may not contain NUL characters."]})
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    body = {"status": response.status_code, "code": getattr(exc, "default_code", "error"), "reason": _reason(detail)}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        body["fields"] = detail
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        body["code"] = "not_authenticated"
    response.data = body
    return response
