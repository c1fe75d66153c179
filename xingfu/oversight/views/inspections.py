from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xingfu.accounts.access import require, scope_of
from xingfu.accounts.roles import Perm
from xingfu.core.errors import XingfuError
from xingfu.oversight import selectors
from xingfu.oversight.access import access_facility, access_finding, access_inspection
from xingfu.oversight.forms import (
    ChecklistForm,
    DateForm,
    FindingForm,
    InspectionForm,
    PlanForm,
    ReasonForm,
    add_service_error,
)
from xingfu.oversight.models import ChecklistItem, InspectionKind, InspectionStatus
from xingfu.oversight.services.inspections import (
    finding_add,
    finding_correct,
    inspection_cancel,
    inspection_plan_year,
    inspection_record,
    inspection_schedule,
)
from xingfu.oversight.views._common import is_htmx, page_of, safe_next, today, town_filter


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OVERSIGHT_VIEW)
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    inspections = selectors.inspection_list(
        request.user,
        q=q,
        status=status if status in InspectionStatus.values else "",
        kind=kind if kind in InspectionKind.values else "",
        under=town_filter(request, request.user),
    )
    if status == InspectionStatus.PLANNED:
        inspections = inspections.order_by("planned_for", "id")
    context = {
        "page": page_of(request, inspections),
        "q": q,
        "status": status,
        "kind": kind,
        "statuses": InspectionStatus.choices,
        "kinds": InspectionKind.choices,
        "plan_form": PlanForm(initial={"year": today().year}),
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    template = "oversight/inspection_list.html#results" if is_htmx(request) else "oversight/inspection_list.html"
    return render(request, template, context)


@login_required
@require_POST
def inspection_plan(request: HttpRequest) -> HttpResponse:
    """Put the year's planned inspections of every open facility in scope on the calendar."""
    require(request.user, Perm.OVERSIGHT_RECORD)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a year between 2000 and 2100."))
        return redirect("oversight-inspections")
    year = form.cleaned_data["year"]
    created = inspection_plan_year(
        actor=request.user, year=year, facilities=selectors.facilities_for(request.user), scope=scope_of(request.user)
    )
    messages.success(request, _("%(n)d planned inspections added for %(year)d.") % {"n": created, "year": year})
    return redirect(reverse("oversight-inspections") + "?status=planned")


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    """Plan a visit or start an unannounced one (then go straight to its checklist)."""
    require(request.user, Perm.OVERSIGHT_RECORD)
    initial = {"planned_for": today()}
    if request.GET.get("facility"):
        initial["facility"] = access_facility(request.user, request.GET["facility"]).pk
    form = InspectionForm(request.POST or None, facilities=selectors.facilities_for(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = inspection_schedule(
                actor=request.user,
                facility=data["facility"],
                kind=data["kind"],
                planned_for=data["planned_for"],
                inspector=request.user,
            )
        except XingfuError as error:
            add_service_error(form, error)
        else:
            if data["kind"] == InspectionKind.UNANNOUNCED:
                return redirect("oversight-checklist", pk=inspection.pk)
            messages.success(request, _("Inspection planned."))
            return redirect("oversight-inspection", pk=inspection.pk)
    return render(request, "oversight/form.html", {"form": form, "title": _("Plan or start an inspection")})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(request.user, pk)
    context = {
        "inspection": inspection,
        "results": inspection.results.select_related("item"),
        "findings": inspection.findings.order_by("correction_due", "id"),
        "finding_form": FindingForm(),
        "cancel_form": ReasonForm(),
        "today": today(),
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    return render(request, "oversight/inspection_detail.html", context)


@login_required
def inspection_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist on a phone: one question per card, yes / no / not applicable, a note each."""
    inspection = access_inspection(request.user, pk, record=True)
    if inspection.status != InspectionStatus.PLANNED:
        messages.info(request, _("This inspection is already recorded."))
        return redirect("oversight-inspection", pk=inspection.pk)
    items = list(ChecklistItem.objects.filter(active=True).order_by("order", "code"))
    reinspection = inspection.follows_finding_id is not None
    form = ChecklistForm(request.POST or None, items=items, reinspection=reinspection, initial={"done_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            inspection_record(
                actor=request.user,
                inspection=inspection,
                done_on=form.cleaned_data["done_on"],
                answers=form.answers(),
                summary=form.cleaned_data["summary"],
                finding_corrected=form.cleaned_data.get("finding_corrected"),
            )
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("oversight-inspection", pk=inspection.pk)
    return render(request, "oversight/checklist.html", {"inspection": inspection, "form": form})


@login_required
@require_POST
def inspection_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(request.user, pk, record=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for cancelling."))
    else:
        try:
            inspection_cancel(actor=request.user, inspection=inspection, reason=form.cleaned_data["reason"])
        except XingfuError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Inspection cancelled."))
    return redirect("oversight-inspection", pk=inspection.pk)


@login_required
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(request.user, pk, record=True)
    form = FindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            finding_add(actor=request.user, inspection=inspection, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Finding added."))
            return redirect("oversight-inspection", pk=inspection.pk)
    return render(
        request,
        "oversight/form.html",
        {
            "form": form,
            "title": _("Add a finding"),
            "back_url": reverse("oversight-inspection", args=[inspection.pk]),
        },
    )


@login_required
@require_POST
def finding_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    finding = access_finding(request.user, pk, record=True)
    form = DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the correction."))
    else:
        try:
            finding_correct(actor=request.user, finding=finding, corrected_on=form.cleaned_data["on"])
        except XingfuError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Finding marked as corrected."))
    return redirect(safe_next(request, reverse("oversight-inspection", args=[finding.inspection_id])))


@login_required
@require_POST
def finding_reinspect(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a re-inspection of a finding (on the given date, else its correction deadline)."""
    finding = access_finding(request.user, pk, record=True)
    form = DateForm(request.POST)
    planned_for = form.cleaned_data["on"] if form.is_valid() else max(finding.correction_due, today())
    try:
        inspection = inspection_schedule(
            actor=request.user,
            facility=finding.inspection.facility,
            kind=InspectionKind.REINSPECTION,
            planned_for=planned_for,
            inspector=request.user,
            follows_finding=finding,
        )
    except XingfuError as error:
        messages.error(request, str(error.message))
        return redirect("oversight-inspection", pk=finding.inspection_id)
    messages.success(request, _("Re-inspection planned."))
    return redirect("oversight-inspection", pk=inspection.pk)


@login_required
def findings_overdue(request: HttpRequest) -> HttpResponse:
    """Corrections past their deadline, the longest overdue first."""
    require(request.user, Perm.OVERSIGHT_VIEW)
    on = today()
    context = {
        "page": page_of(request, selectors.findings_overdue(request.user, on=on)),
        "today": on,
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    return render(request, "oversight/overdue.html", context)
