from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xingfu.accounts.access import access_audit_events, require
from xingfu.accounts.roles import Perm


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.AUDIT_VIEW)
    events = access_audit_events(request.user).select_related("orgunit").order_by("-seq")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "action": action})
