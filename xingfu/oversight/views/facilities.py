import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.core.errors import XingfuError
from xingfu.oversight import rules, selectors
from xingfu.oversight.access import access_facility
from xingfu.oversight.forms import FacilityForm, add_service_error
from xingfu.oversight.models import FacilityKind, FacilityStatus
from xingfu.oversight.services.facilities import facility_create, facility_update
from xingfu.oversight.views._common import is_htmx, page_of, today, town_filter


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs attention: expiring licences, flagged devices, overdue corrections, new tip-offs."""
    require(request.user, Perm.OVERSIGHT_VIEW)
    on = today()
    expiring_by = on + dt.timedelta(days=rules.expiring_licence_days())
    context = {
        "counts": selectors.dashboard_counts(request.user, on=on, expiring_by=expiring_by),
        "expiring_days": rules.expiring_licence_days(),
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    return render(request, "oversight/home.html", context)


@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OVERSIGHT_VIEW)
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    facilities = selectors.facility_list(
        request.user,
        q=q,
        kind=kind if kind in FacilityKind.values else "",
        status=status if status in FacilityStatus.values else "",
        under=town_filter(request, request.user),
    )
    context = {
        "page": page_of(request, facilities),
        "q": q,
        "kind": kind,
        "status": status,
        "kinds": FacilityKind.choices,
        "statuses": FacilityStatus.choices,
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    template = "oversight/facility_list.html#results" if is_htmx(request) else "oversight/facility_list.html"
    return render(request, template, context)


@login_required
def licences_expiring(request: HttpRequest) -> HttpResponse:
    """Open facilities whose licence expires within the next N days (60 unless ``?days=`` says otherwise),
    and those already expired."""
    require(request.user, Perm.OVERSIGHT_VIEW)
    try:
        days = max(0, min(int(request.GET.get("days", rules.expiring_licence_days())), 3650))
    except ValueError:
        days = rules.expiring_licence_days()
    on = today()
    facilities = selectors.facility_list(request.user, expiring_by=on + dt.timedelta(days=days))
    return render(request, "oversight/licences.html", {"page": page_of(request, facilities), "days": days, "today": on})


@login_required
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = access_facility(request.user, pk)
    context = {
        "facility": facility,
        "devices": selectors.device_list(request.user, facility=facility).order_by("status", "serial"),
        "inspections": selectors.inspection_list(request.user, facility=facility)[:20],
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    return render(request, "oversight/facility_detail.html", context)


@login_required
def facility_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OVERSIGHT_RECORD)
    form = FacilityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            facility = facility_create(actor=request.user, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Facility added to the register."))
            return redirect("oversight-facility", pk=facility.pk)
    return render(request, "oversight/form.html", {"form": form, "title": _("Add a facility")})


@login_required
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = access_facility(request.user, pk, record=True)
    initial = {
        name: getattr(facility, name)
        for name in FacilityForm.base_fields
        if name != "orgunit" and hasattr(facility, name)
    }
    initial["orgunit"] = facility.orgunit_id
    form = FacilityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            facility_update(actor=request.user, facility=facility, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Facility updated."))
            return redirect("oversight-facility", pk=facility.pk)
    return render(
        request,
        "oversight/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": facility.name},
            "back_url": reverse("oversight-facility", args=[facility.pk]),
        },
    )
