import json
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from xingfu.orgunits.models import OrgUnit

PER_PAGE = 50


def page_of(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def town_filter(request: HttpRequest, user: Any) -> OrgUnit | None:
    """The ``?town=`` filter, if it names a unit in the user's scope (else no filter)."""
    from xingfu.accounts.access import access_orgunits

    code = request.GET.get("town", "").strip()[:12]
    if not code:
        return None
    return access_orgunits(user).filter(code=code).first()


def json_download(data: Any, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def client_ip(request: HttpRequest) -> str:
    # The socket's address: X-Forwarded-For is set by whoever sends the request, so it cannot decide a limit.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def today() -> Any:
    return timezone.localdate()


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to after a POST: only a path within oversight, never another site."""
    target = str(request.POST.get("next") or "")
    if target.startswith("/oversight/") and "//" not in target and "\\" not in target:
        return target
    return default
