"""Analytics pages: thin views that parse the request, check access, call one selector or service, render.

Bad input on a page (an unknown indicator, a period that has not begun) is shown on the page with a 400 and
the form kept; an org unit outside the user's scope is a 404 (XingfuErrorMiddleware), as everywhere.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from xingfu.accounts.access import access_orgunit_by_code, access_orgunits, scope_of
from xingfu.accounts.roles import Perm
from xingfu.analytics import charts, srb
from xingfu.analytics.access import may_manage, may_refresh, require_manage, require_view
from xingfu.analytics.exports import explorer_csv, explorer_xlsx
from xingfu.analytics.forms import DecisionForm, IndicatorForm, LineForm, ScorecardForm
from xingfu.analytics.models import (
    IndicatorPeriodType,
    Scorecard,
    ScorecardLine,
    ScorecardSubject,
)
from xingfu.analytics.present import cell_detail, cell_text, chart_number, is_sex_ratio, number, value_text
from xingfu.analytics.scoring import results_for_user, scorecard_results
from xingfu.analytics.selectors import (
    OK,
    Query,
    Row,
    analytics_status,
    ancestors,
    indicators_visible,
    parse_query,
    values_grid,
    villages_under,
)
from xingfu.analytics.services import indicators as indicator_services
from xingfu.analytics.services import scorecards as scorecard_services
from xingfu.analytics.services.refresh import refresh_enqueue, refresh_if_stale, today
from xingfu.analytics.sources import SOURCES
from xingfu.core.errors import NotFound, PermissionDenied, ValidationFailed, XingfuError
from xingfu.core.periods import Period
from xingfu.orgunits.models import Level, OrgUnit

CHARTS = ("bar", "line", "grid")
HOME_INDICATORS = (
    "births",
    "srb",
    "registry_completeness",
    "anc_early",
    "pnc_coverage",
    "screening_coverage",
    "benefit_recipients",
    "outreach_events_per_village",
)


def _render(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    context.setdefault("status", analytics_status())
    context.setdefault("may_refresh", may_refresh(request.user))
    context.setdefault("may_manage", may_manage(request.user))
    if request.htmx and "#" not in template and request.GET.get("partial") == "results":  # type: ignore[attr-defined]
        template = f"{template}#results"
    return render(request, template, context, status=status)


def _fresh(request: HttpRequest) -> None:
    """Every analytics page first checks whether the data changed since the values were computed."""
    require_view(request.user)
    refresh_if_stale()


# --- home -------------------------------------------------------------------------------------------------


def _overdue(user: Any) -> dict[str, Any] | None:
    """Overdue visits per village from the care module's selector, when care is there (counts only)."""
    if not user.can(Perm.CARE_VIEW) or SOURCES["due_visits"].unavailable_reason() is not None:
        return None
    try:
        from xingfu.care.selectors import overdue_by_village
    except ImportError:
        return None
    try:
        with transaction.atomic():
            rows = overdue_by_village(user, today=today())
    except Exception:
        return None
    total = sum(r.overdue for r in rows)
    return {"total": total, "villages": [r for r in rows if r.overdue][:8]}


def _assessments(user: Any) -> list[dict[str, Any]]:
    """The latest year's scorecards as they concern the user: her town's row for a town officer, her
    department's for a department liaison, the top of the ranking for the district."""
    latest = Scorecard.objects.order_by("-year").values_list("year", flat=True).first()
    if latest is None:
        return []
    department = getattr(user, "department", "") or ""
    out = []
    for card in Scorecard.objects.filter(year=latest).order_by("id"):
        ranking = scorecard_results(card)
        results = results_for_user(user, ranking)
        if card.subject == ScorecardSubject.DEPARTMENT and department:
            results = [r for r in results if r.department == department]
        elif scope_of(user).level == Level.DISTRICT:
            results = results[:3]
        if results:
            out.append({"card": card, "results": results, "of": len(ranking)})
    return out


@login_required
@require_GET
def analytics_home(request: HttpRequest) -> HttpResponse:
    """Key indicators of the user's scope this year and last, their yearly trend, and the sex-ratio alerts."""
    _fresh(request)
    user = request.user
    unit = scope_of(user)
    status = analytics_status()
    this_year = today().year
    known = {i.code: i for i in indicators_visible().filter(code__in=HOME_INDICATORS)}
    shown = [known[c] for c in HOME_INDICATORS if c in known and "year" in known[c].period_types]
    years = [Period.year(y) for y in range(max(this_year - 7, 1950), this_year + 1)]
    rows = values_grid(status=status, indicators=shown, units=[unit], period_type="year", periods=years)
    cards = []
    for row in rows:
        current, previous = row.cells[-1], row.cells[-2]
        values = [chart_number(row.indicator, c) for c in row.cells]
        cards.append(
            {
                "indicator": row.indicator,
                "current": cell_text(row.indicator, current),
                "previous": cell_text(row.indicator, previous),
                "detail": cell_detail(row.indicator, current),
                "available": status.availability(row.indicator),
                "spark": charts.sparkline([str(p.start.year) for p in years], values, title=row.indicator.name),
            }
        )
    level = Level.TOWN if unit.level == Level.DISTRICT else Level.VILLAGE
    alerts: list[dict[str, Any]] = []
    district_wide: list[Any] = []
    if unit.level != Level.VILLAGE:
        for order in ("3", "all"):
            if order not in srb.srb_indicators():
                continue
            window = srb.parse_window(order=order, year_from="", year_to="", level=level)
            table = srb.srb_table(user, window)
            alerts += [{"row": r, "order": srb.ORDER_LABELS[order], "window": window} for r in table.alerts]
            if table.district is not None and table.district.alert:
                district_wide.append(srb.ORDER_LABELS[order])
    return _render(
        request,
        "analytics/home.html",
        {
            "unit": unit,
            "assessments": _assessments(user),
            "cards": cards,
            "year": this_year,
            "alerts": alerts,
            "district_wide": district_wide,
            "overdue": _overdue(user),
            "status": status,
        },
    )


# --- explorer ---------------------------------------------------------------------------------------------


def _explorer_params(request: HttpRequest) -> dict[str, Any]:
    g = request.GET
    return {
        "indicator_codes": g.getlist("indicator") or ["births"],
        "orgunit": g.get("orgunit", "").strip(),
        "show": g.get("show", "children"),
        "period_type": g.get("period_type", "year"),
        "period_from": g.get("period_from", "").strip(),
        "period_to": g.get("period_to", "").strip(),
    }


def _drill_url(params: dict[str, Any], unit: OrgUnit, chart: str) -> str:
    query = [("indicator", c) for c in params["indicator_codes"]]
    query += [
        ("orgunit", unit.code),
        ("period_type", params["period_type"]),
        ("period_from", params["period_from"]),
        ("period_to", params["period_to"]),
        ("chart", chart),
    ]
    return "?" + urlencode(query)


def _explorer_charts(query: Query, rows: list[Row], chart: str, params: dict[str, Any]) -> dict[str, Any]:
    first = query.indicators[0]
    first_rows = [r for r in rows if r.indicator.pk == first.pk]
    last = len(query.periods) - 1
    srb_band = (103.0, 107.0) if is_sex_ratio(first) else None
    if chart == "bar":
        bars = [
            charts.Bar(
                label=r.unit.name,
                value=chart_number(first, r.cells[last]),
                text=cell_text(first, r.cells[last]),
                href=_drill_url(params, r.unit, chart)
                if r.unit.level != Level.VILLAGE and r.unit != query.unit
                else "",
            )
            for r in first_rows
        ]
        title = _("%(indicator)s, %(period)s") % {"indicator": first.name, "period": query.periods[last].code}
        return {"svg": charts.bar_chart(bars, title=title, no_data=_("no data"), reference=srb_band), "title": title}
    if chart == "line":
        if len(query.units) == 1:
            series = [charts.Series(r.indicator.name, [chart_number(r.indicator, c) for c in r.cells]) for r in rows]
            title = query.unit.name
        else:
            series = [
                charts.Series(r.unit.name, [chart_number(r.indicator, c) for c in r.cells])
                for r in first_rows[: len(charts.PALETTE)]
            ]
            title = first.name
        svg = charts.line_chart(
            [p.code for p in query.periods],
            series,
            title=title,
            reference=srb_band,
            reference_label=_("normal range 103–107") if srb_band else "",
        )
        return {"svg": svg, "title": title, "truncated": len(first_rows) > len(charts.PALETTE)}
    return {}


def _grid(user: Any, query: Query, status: Any) -> list[dict[str, Any]]:
    """The map-like grid: every village under the unit, shaded by the first indicator's last value."""
    first = query.indicators[0]
    villages = villages_under(user, query.unit)
    period = query.periods[-1]
    rows = values_grid(
        status=status, indicators=[first], units=villages, period_type=query.period_type, periods=[period]
    )
    values = [chart_number(first, r.cells[0]) for r in rows]
    breaks = charts.class_breaks(values)
    towns: dict[int, dict[str, Any]] = {}
    for r, v in zip(rows, values, strict=True):
        town = r.unit.parent
        assert town is not None
        towns.setdefault(town.pk, {"town": town, "cells": []})["cells"].append(
            {"unit": r.unit, "text": cell_text(first, r.cells[0]), "shade": charts.shade(v, breaks)}
        )
    legend = [{"shade": f"q{k}", "text": f"≤ {value_text(first, Decimal(str(b)))}"} for k, b in enumerate(breaks)]
    if breaks:
        legend.append({"shade": "q4", "text": f"> {value_text(first, Decimal(str(breaks[-1])))}"})
    return [{"towns": list(towns.values()), "legend": legend, "period": period}]


def _explorer_context(request: HttpRequest) -> tuple[dict[str, Any], int]:
    user = request.user
    params = _explorer_params(request)
    chart = request.GET.get("chart", "bar")
    if chart not in CHARTS:
        chart = "bar"
    context: dict[str, Any] = {
        "params": params,
        "chart": chart,
        "indicators": list(indicators_visible()),
        "units": list(access_orgunits(user).exclude(level=Level.VILLAGE).order_by("path"))
        + list(access_orgunits(user).filter(level=Level.VILLAGE).order_by("path")[:400]),
        "period_types": IndicatorPeriodType.choices,
        "charts": [("bar", _("Bars")), ("line", _("Lines")), ("grid", _("Village grid"))],
    }
    try:
        query = parse_query(user, **params)
    except ValidationFailed as exc:
        context["error"] = exc.message
        return context, 400
    status = analytics_status()
    rows = values_grid(
        status=status,
        indicators=query.indicators,
        units=query.units,
        period_type=query.period_type,
        periods=query.periods,
    )
    table = [
        {
            "row": r,
            "drill": _drill_url(params, r.unit, chart)
            if r.unit.level != Level.VILLAGE and r.unit != query.unit
            else "",
            "cells": [
                {
                    "text": cell_text(r.indicator, c),
                    "detail": cell_detail(r.indicator, c),
                    "ok": c.status == OK,
                    "status": c.status,
                }
                for c in r.cells
            ],
        }
        for r in rows
    ]
    unavailable = [(i, status.availability(i)) for i in query.indicators if status.availability(i) != OK]
    context["sex_ratio"] = any(is_sex_ratio(i) for i in query.indicators)
    context.update(
        query=query,
        table=table,
        breadcrumb=ancestors(user, query.unit),
        unavailable=unavailable,
        figure=_explorer_charts(query, rows, chart, params) if chart != "grid" else {},
        grid=_grid(user, query, status)[0] if chart == "grid" else None,
        export_query=request.GET.urlencode(),
        status=status,
    )
    return context, 200


@login_required
@require_GET
def explorer(request: HttpRequest) -> HttpResponse:
    """Pick indicators, an org unit and periods; see a table and a chart; drill down; export."""
    _fresh(request)
    context, code = _explorer_context(request)
    return _render(request, "analytics/explorer.html", context, status=code)


@login_required
@require_GET
def explorer_export(request: HttpRequest) -> HttpResponse:
    require_view(request.user)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise ValidationFailed(_("format is xlsx or csv."), field="format")
    query = parse_query(request.user, **_explorer_params(request))
    status = analytics_status()
    rows = values_grid(
        status=status,
        indicators=query.indicators,
        units=query.units,
        period_type=query.period_type,
        periods=query.periods,
    )
    name = f"xingfu-indicators-{query.unit.code}-{query.periods[0].code}-{query.periods[-1].code}"
    if fmt == "csv":
        response = HttpResponse("\ufeff" + explorer_csv(query, rows, status), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            explorer_xlsx(query, rows, status),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- sex ratio ----------------------------------------------------------------------------------------------


def _srb_text(value: float, *, infinite: str = "∞") -> str:
    if math.isinf(value):
        return infinite
    if math.isnan(value):
        return "—"
    return number(value, 1)


@login_required
@require_GET
def srb_page(request: HttpRequest) -> HttpResponse:
    """SRB by town or village, pooled over the chosen years, with intervals, shrinkage estimates and alerts;
    the trend by birth order for one unit."""
    _fresh(request)
    user = request.user
    g = request.GET
    scope = scope_of(user)
    default_level = Level.TOWN if scope.level == Level.DISTRICT else Level.VILLAGE
    context: dict[str, Any] = {
        "orders": list(srb.ORDER_LABELS.items()),
        "levels": [(Level.TOWN, Level.TOWN.label), (Level.VILLAGE, Level.VILLAGE.label)],
        "params": {k: g.get(k, "") for k in ("order", "year_from", "year_to", "level", "within", "unit")},
        "earliest": srb.earliest_year(),
        "this_year": today().year,
    }
    try:
        window = srb.parse_window(
            order=g.get("order", "3"),
            year_from=g.get("year_from", "").strip(),
            year_to=g.get("year_to", "").strip(),
            level=g.get("level", default_level),
        )
    except ValidationFailed as exc:
        context["error"] = exc.message
        return _render(request, "analytics/srb.html", context, status=400)
    within = access_orgunit_by_code(user, g["within"].strip()) if g.get("within", "").strip() else None
    table = srb.srb_table(user, window, within=within)
    trend_unit = access_orgunit_by_code(user, g["unit"].strip()) if g.get("unit", "").strip() else scope
    trend = srb.srb_trend(trend_unit, year_from=max(window.year_from - 10, srb.earliest_year()), year_to=window.year_to)
    years = [str(p.year) for p in next(iter(trend.series.values()), [])]
    series = [
        charts.Series(
            str(srb.ORDER_LABELS[order]),
            [p.srb for p in points],
            [p.low if p.srb is not None else None for p in points],
            [p.high if p.srb is not None else None for p in points],
        )
        for order, points in trend.series.items()
    ]
    trend_svg = (
        charts.line_chart(
            years,
            series,
            title=_("Sex ratio at birth by birth order, %(unit)s") % {"unit": trend_unit.name},
            reference=(103.0, 107.0),
            y_min=80.0,
            y_max=200.0,
            reference_label=_("normal range 103–107"),
        )
        if series
        else None
    )
    context.update(
        window=window,
        table=table,
        rows=[_srb_row(r) for r in table.rows],
        district=_srb_row(table.district) if table.district else None,
        trend=trend,
        trend_svg=trend_svg,
        trend_unit=trend_unit,
        order_label=srb.ORDER_LABELS[window.order],
        prior_mean=_srb_text(float(srb.stats.srb_of(table.prior.mean))),
        prior_spread=number(table.prior.between_sd_srb, 1),
        prior_weight=number(table.prior.concentration, 0),
        alert_min=srb.stats.ALERT_MIN_BIRTHS,
        too_few=srb.stats.TOO_FEW_BIRTHS,
    )
    params = dict(context["params"])
    context["params"] = {
        **params,
        "order": window.order,
        "level": window.level,
        "year_from": window.year_from,
        "year_to": window.year_to,
    }
    return _render(request, "analytics/srb.html", context)


def _srb_row(r: srb.SrbRow) -> dict[str, Any]:
    return {
        "row": r,
        "observed": _srb_text(r.observed) if r.observed is not None else None,
        "interval": f"{_srb_text(r.wilson_low)}–{_srb_text(r.wilson_high)}" if r.births else "—",
        "eb": _srb_text(r.eb_median),
        "eb_interval": f"{_srb_text(r.eb_low)}–{_srb_text(r.eb_high)}",
        "p_above": number(r.p_above, 2) if r.births >= srb.stats.ALERT_MIN_BIRTHS else None,
        "p_rest": number(r.p_above_rest, 2) if r.p_above_rest is not None else None,
    }


# --- indicators -------------------------------------------------------------------------------------------


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    """Every indicator's definition, and whether its data is there yet; the registered sources."""
    _fresh(request)
    status = analytics_status()
    rows = [{"indicator": i, "available": status.availability(i)} for i in indicators_visible()]
    sources = [{"source": s, "unavailable": s.unavailable_reason()} for s in SOURCES.values()]
    return _render(request, "analytics/indicators.html", {"rows": rows, "sources": sources})


@login_required
def indicator_new(request: HttpRequest) -> HttpResponse:
    require_manage(request.user)
    form = IndicatorForm(request.POST or None)
    code = 200
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_services.indicator_define(actor=request.user, **form.service_fields())
        except XingfuError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            code = exc.status_code
        else:
            messages.success(
                request,
                _("Indicator %(code)s defined; its values come with the next refresh.") % {"code": indicator.code},
            )
            return redirect("analytics-indicators")
    elif request.method == "POST":
        code = 400
    return _render(request, "analytics/indicator_form.html", {"form": form}, status=code)


# --- scorecards ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def scorecard_list(request: HttpRequest) -> HttpResponse:
    _fresh(request)
    cards = Scorecard.objects.prefetch_related("lines").order_by("-year", "id")
    return _render(request, "analytics/scorecards.html", {"cards": cards})


@login_required
def scorecard_new(request: HttpRequest) -> HttpResponse:
    require_manage(request.user)
    form = ScorecardForm(request.POST or None, initial={"year": today().year - 1})
    code = 200
    if request.method == "POST" and form.is_valid():
        try:
            card = scorecard_services.scorecard_create(actor=request.user, **form.cleaned_data)
        except XingfuError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            code = exc.status_code
        else:
            return redirect("analytics-scorecard", card.pk)
    elif request.method == "POST":
        code = 400
    return _render(request, "analytics/scorecard_form.html", {"form": form}, status=code)


def _scorecard(pk: int) -> Scorecard:
    card = Scorecard.objects.filter(pk=pk).first()
    if card is None:
        raise NotFound(_("No scorecard %(pk)s.") % {"pk": pk})
    return card


def _scorecard_page(
    request: HttpRequest,
    card: Scorecard,
    *,
    line_form: LineForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    results = results_for_user(request.user, scorecard_results(card))
    manage = may_manage(request.user)
    lines = list(card.lines.select_related("indicator").order_by("order", "id"))
    for r in results:
        for lr in r.lines:
            lr.text = value_text(lr.line.indicator, lr.value)  # type: ignore[attr-defined]
    subjects = [(str(r.town.code) if r.town else r.department, r.label) for r in scorecard_results(card)]
    decisions = card.decisions.select_related("town", "decided_by").order_by("-decided_at", "-id")
    if scope_of(request.user).level != Level.DISTRICT:
        visible_towns = {r.town.pk for r in results if r.town}
        decisions = decisions.filter(town__in=visible_towns)
    return _render(
        request,
        "analytics/scorecard.html",
        {
            "card": card,
            "results": results,
            "lines": lines,
            "line_form": line_form or (LineForm(scorecard=card) if manage else None),
            "decision_form": decision_form or (DecisionForm(subjects=subjects) if manage else None),
            "decisions": decisions,
            "locked": card.decisions.exists(),
        },
        status=status,
    )


@login_required
@require_GET
def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The year's ranking with every score's evidence, and the decisions recorded."""
    _fresh(request)
    return _scorecard_page(request, _scorecard(pk))


@login_required
@require_POST
def scorecard_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage(request.user)
    card = _scorecard(pk)
    form = LineForm(request.POST, scorecard=card)
    if not form.is_valid():
        return _scorecard_page(request, card, line_form=form, status=400)
    try:
        scorecard_services.scorecard_line_add(actor=request.user, scorecard=card, **form.cleaned_data)
    except XingfuError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return _scorecard_page(request, card, line_form=form, status=exc.status_code)
    return redirect("analytics-scorecard", card.pk)


@login_required
@require_POST
def scorecard_line_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    require_manage(request.user)
    card = _scorecard(pk)
    line = ScorecardLine.objects.filter(pk=line_pk, scorecard=card).select_related("indicator", "scorecard").first()
    if line is None:
        raise NotFound(_("No such target on this scorecard."))
    try:
        scorecard_services.scorecard_line_remove(actor=request.user, line=line)
    except XingfuError as exc:
        messages.error(request, str(exc.message))
    return redirect("analytics-scorecard", card.pk)


@login_required
@require_POST
def scorecard_decision(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage(request.user)
    card = _scorecard(pk)
    subjects = [(str(r.town.code) if r.town else r.department, r.label) for r in scorecard_results(card)]
    form = DecisionForm(request.POST, subjects=subjects)
    if not form.is_valid():
        return _scorecard_page(request, card, decision_form=form, status=400)
    data = form.cleaned_data
    town = None
    department = ""
    if card.subject == ScorecardSubject.TOWN:
        town = OrgUnit.objects.filter(code=data["subject"], level=Level.TOWN).first()
    else:
        department = data["subject"]
    try:
        scorecard_services.decision_record(
            actor=request.user,
            scorecard=card,
            kind=data["kind"],
            note=data["note"],
            town=town,
            department=department,
            amount=data.get("amount"),
        )
    except XingfuError as exc:
        form.add_error(None, str(exc.message))
        return _scorecard_page(request, card, decision_form=form, status=exc.status_code)
    messages.success(request, pgettext("scorecard decision", "Decision recorded."))
    return redirect("analytics-scorecard", card.pk)


# --- refresh ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Refresh now (district administrators)."""
    if not may_refresh(request.user):
        raise PermissionDenied(_("Only district administrators refresh the analytics."))
    try:
        batch = refresh_enqueue(actor=request.user, reason="on demand")
    except Exception:
        messages.error(request, _("The refresh failed; the previous values stay. The error is in the log."))
    else:
        if batch.status == "done":
            messages.success(request, _("Indicators refreshed."))
        elif batch.status == "failed":
            messages.error(request, _("The refresh failed; the previous values stay."))
        else:
            messages.success(request, _("Refresh started."))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/analytics/") else "analytics-home")


@login_required
@require_GET
def status_partial(request: HttpRequest) -> HttpResponse:
    """The "as of" line, polled by htmx while a refresh runs."""
    require_view(request.user)
    return render(
        request,
        "analytics/_status.html",
        {"status": analytics_status(), "may_refresh": may_refresh(request.user), "next": request.GET.get("next", "")},
    )
