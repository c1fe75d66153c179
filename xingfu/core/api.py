"""API plumbing shared by every app: pagination and one error shape.

Every API error is JSON ``{"status": 4xx, "code": "...", "reason": "...", "fields": {...}}``.
"""

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import DataError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import cached_property
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


class CappedPaginator(Paginator):
    """Counts no further than ``limit`` + 1 rows. Up to the limit everything is as in Django's paginator; past
    it the count is not known, so a page is found by reading it (one row more than fits tells whether another
    page follows), and only the last page's number needs every row counted."""

    limit = 1000

    @cached_property
    def count(self) -> int:
        return _count(self.object_list, self.limit + 1)

    @property
    def exact(self) -> bool:
        return self.count <= self.limit

    def last_page_number(self) -> int:
        """The number of the last page; past the limit, found by counting every row (``num_pages`` is then
        only the pages up to the limit)."""
        if self.exact:
            return self.num_pages
        return math.ceil(_count(self.object_list) / self.per_page)

    def validate_number(self, number: Any) -> int:
        if self.exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number: Any) -> Page:
        if self.exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage("That page contains no results")
        return _ReadAheadPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


def _count(rows: Any, limit: int | None = None) -> int:
    if isinstance(rows, QuerySet):
        # Neither the order nor the selected columns matter to a count.
        rows = rows.order_by().values("pk")
        return (rows[:limit] if limit else rows).count()
    return min(len(rows), limit) if limit else len(rows)


class _ReadAheadPage(Page):
    def __init__(self, object_list: Any, number: int, paginator: Paginator, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CappedCountPagination(Pagination):
    """The project's pagination for lists that can be very long, such as the persons of a district: ``count``
    stops at 1,000 and ``count_exact`` says whether it is the whole number or "at least this many". A search
    matching half a million persons then costs a page, not a count of half a million rows. Every page can still
    be read, ``next`` included; only ``?page=last`` counts every row to find the end."""

    django_paginator_class = CappedPaginator
    # No browsable-API page links: drawing them needs the number of pages, that is, counting every row.
    template = None

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return paginator.last_page_number()
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None and isinstance(self.page.paginator, CappedPaginator)
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.limit),
                "count_exact": paginator.exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: Any) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        limit = CappedPaginator.limit
        properties = response["properties"]
        properties["count"] = {
            "type": "integer",
            "example": 123,
            "description": f"How many match, counted up to {limit:,}; see count_exact.",
        }
        properties["count_exact"] = {
            "type": "boolean",
            "description": f"False when more than {limit:,} match: count is then {limit:,}, a lower bound.",
        }
        response["required"] = ["count", "count_exact", "results"]
        response["properties"] = {k: properties[k] for k in ("count", "count_exact", "next", "previous", "results")}
        return response


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
