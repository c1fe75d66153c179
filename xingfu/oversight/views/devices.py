from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.core.errors import XingfuError
from xingfu.oversight import selectors
from xingfu.oversight.access import access_device, access_facility
from xingfu.oversight.forms import DeviceEventForm, DeviceForm, add_service_error
from xingfu.oversight.models import DeviceStatus
from xingfu.oversight.services.devices import EDITABLE_FIELDS, device_move, device_register, device_scrap, device_sell
from xingfu.oversight.services.devices import device_update as device_update_service
from xingfu.oversight.views._common import is_htmx, page_of, town_filter

EVENT_TITLES = {
    "move": gettext_lazy("Move the device"),
    "sell": gettext_lazy("Record a sale"),
    "scrap": gettext_lazy("Record scrapping"),
}


@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OVERSIGHT_VIEW)
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    flagged = request.GET.get("flagged") == "1"
    devices = selectors.device_list(
        request.user,
        q=q,
        status=status if status in DeviceStatus.values else "",
        flagged=flagged,
        under=town_filter(request, request.user),
    )
    context = {
        "page": page_of(request, devices),
        "q": q,
        "status": status,
        "flagged": flagged,
        "statuses": DeviceStatus.choices,
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    template = "oversight/device_list.html#results" if is_htmx(request) else "oversight/device_list.html"
    return render(request, template, context)


@login_required
def device_report(request: HttpRequest) -> HttpResponse:
    """The register report: devices per town by status, with how many are flagged."""
    require(request.user, Perm.OVERSIGHT_VIEW)
    report = selectors.device_register_report(request.user)
    statuses = DeviceStatus.values
    rows = [(r.unit, [r.get(s) for s in statuses], r.get("flagged"), r.get("total")) for r in report]
    totals = [sum(r.get(key) for r in report) for key in selectors.DEVICE_REPORT_COLUMNS]
    context = {"rows": rows, "columns": DeviceStatus.choices, "totals": totals}
    return render(request, "oversight/device_report.html", context)


@login_required
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = access_device(request.user, pk)
    events = device.events.select_related("from_facility", "to_facility", "recorded_by").order_by("on", "id")
    context = {
        "device": device,
        "events": events,
        "flags": device.flag_labels,
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
        "event_titles": EVENT_TITLES,
    }
    return render(request, "oversight/device_detail.html", context)


@login_required
def device_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OVERSIGHT_RECORD)
    initial = {}
    if request.GET.get("facility"):
        initial["facility"] = access_facility(request.user, request.GET["facility"]).pk
    form = DeviceForm(request.POST or None, facilities=selectors.facilities_for(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            device = device_register(actor=request.user, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Device recorded in the register."))
            return redirect("oversight-device", pk=device.pk)
    return render(request, "oversight/form.html", {"form": form, "title": _("Record an ultrasound device")})


@login_required
def device_edit(request: HttpRequest, pk: int) -> HttpResponse:
    device = access_device(request.user, pk, record=True)
    initial = {name: getattr(device, name) for name in EDITABLE_FIELDS}
    form = DeviceForm(
        request.POST or None, facilities=selectors.facilities_for(request.user), editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in EDITABLE_FIELDS}
        for key in ("health_reg_number", "fp_reg_number"):
            changes[key] = changes.get(key) or ""
        try:
            device_update_service(actor=request.user, device=device, **changes)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Device updated."))
            return redirect("oversight-device", pk=device.pk)
    return render(
        request,
        "oversight/form.html",
        {"form": form, "title": str(device), "back_url": reverse("oversight-device", args=[device.pk])},
    )


@login_required
def device_event(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Move, sell or scrap a device; the history keeps each as an event."""
    if action not in EVENT_TITLES:
        raise Http404
    device = access_device(request.user, pk, record=True)
    form = DeviceEventForm(request.POST or None, facilities=selectors.facilities_for(request.user))
    if action == "scrap":
        del form.fields["to_facility"], form.fields["in_use"]
    if action == "move":
        del form.fields["counterparty"]
    if request.method == "POST" and form.is_valid() and action == "move" and not form.cleaned_data.get("to_facility"):
        form.add_error("to_facility", _("Choose where the device now stands."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "move":
                device_move(
                    actor=request.user,
                    device=device,
                    to_facility=data["to_facility"],
                    on=data["on"],
                    note=data["note"],
                    in_use=data["in_use"],
                )
            elif action == "sell":
                device_sell(
                    actor=request.user,
                    device=device,
                    buyer=data["counterparty"],
                    on=data["on"],
                    to_facility=data.get("to_facility"),
                    note=data["note"],
                )
            else:
                device_scrap(
                    actor=request.user, device=device, on=data["on"], recycler=data["counterparty"], note=data["note"]
                )
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Recorded in the device's history."))
            return redirect("oversight-device", pk=device.pk)
    return render(
        request,
        "oversight/form.html",
        {
            "form": form,
            "title": f"{EVENT_TITLES[action]}: {device}",
            "back_url": reverse("oversight-device", args=[device.pk]),
        },
    )
