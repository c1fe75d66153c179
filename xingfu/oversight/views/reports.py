from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.core.periods import Period
from xingfu.oversight import selectors
from xingfu.oversight.views._common import today


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """Inspections done against planned per town, findings by kind, cases by status and age, for a period
    (``?period=2026``, ``2026Q2`` or ``202605``; this year by default)."""
    require(request.user, Perm.OVERSIGHT_VIEW)
    on = today()
    text = request.GET.get("period", "").strip()[:10]
    try:
        period = Period.parse(text) if text else Period.year(on.year)
    except ValueError:
        period = Period.year(on.year)
    rows = selectors.inspections_report(request.user, start=period.start, end=period.end)
    keys = ["planned", "planned_done", "done", "done_unannounced", "done_reinspection"]
    context = {
        "period": period,
        "inspection_rows": rows,
        "inspection_totals": {k: sum(r.get(k) for r in rows) for k in keys},
        "findings": selectors.findings_by_kind(request.user, start=period.start, end=period.end, on=on),
        "cases": selectors.cases_by_status_and_age(request.user, on=on),
        "today": on,
    }
    return render(request, "oversight/reports.html", context)
