from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xingfu.core.errors import XingfuError


class XingfuErrorMiddleware:
    """A service's refusal (XingfuError) on a page becomes a 4xx page with its reason, never a 500.
    The API has its own handler (core.api.exception_handler)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, XingfuError):
            return None
        return render(
            request,
            "web/error.html",
            {"status": exception.status_code, "reason": exception.message},
            status=exception.status_code,
        )
