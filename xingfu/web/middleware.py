from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
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


class RefuseNulCharactersMiddleware:
    """A NUL character in the path or query is bad input on any page or API call. PostgreSQL cannot store or
    compare it in text, so letting it through would turn a filter into a 500; refuse it with a 400 here,
    once, for every app."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query.upper() or "\x00" in query:
            reason = "The request contains a NUL character, which no field accepts."
            if request.path.startswith("/api/"):
                return JsonResponse({"status": 400, "code": "invalid", "reason": reason}, status=400)
            return HttpResponse(reason, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
