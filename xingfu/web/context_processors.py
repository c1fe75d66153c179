from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from xingfu.web.navigation import NAV_ITEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "scope_id", None):
        return {"nav_items": []}
    items = []
    for item in NAV_ITEMS:
        if not user.can(item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "url": url,
                "label": item.label,
                "active": request.path == url or (url != "/" and request.path.startswith(url)),
            }
        )
    return {"nav_items": items}
