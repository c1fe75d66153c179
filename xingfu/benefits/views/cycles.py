"""Payment-cycle pages: the list, preparing, one cycle (entitlements, approval, bank file, results), the ledger."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xingfu.accounts.access import access_orgunit_by_code, access_orgunits, require
from xingfu.accounts.roles import Perm
from xingfu.benefits import access, forms, selectors
from xingfu.benefits.models import BenefitKind, CycleStatus, EntitlementStatus, LedgerKind
from xingfu.benefits.services import cycles as cycle_services
from xingfu.benefits.services import payments as payment_services
from xingfu.benefits.views._common import can, htmx, page_of, record
from xingfu.core.errors import Conflict, ValidationFailed
from xingfu.orgunits.models import Level


def _int(value: str | None) -> int | None:
    return access.pk_or_none(value) if value else None


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.BENEFITS_VIEW)
    status = request.GET.get("status", "")
    status = status if status in CycleStatus.values else ""
    cycles = selectors.cycles_filtered(request.user, programme=_int(request.GET.get("programme")), status=status)
    context = {"page": page_of(request, cycles), "status": status, "statuses": CycleStatus.choices}
    if htmx(request):
        return render(request, "benefits/cycles.html#results", context)
    return render(request, "benefits/cycles.html", {**context, "may_prepare": can(request, Perm.BENEFITS_PREPARE)})


@login_required
def cycle_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.BENEFITS_PREPARE)
    programmes = access.access_programmes(request.user).exclude(benefit_kind=BenefitKind.CERTIFICATE).order_by("code")
    scopes = (
        access_orgunits(request.user).filter(level__in=[Level.DISTRICT, Level.TOWN, Level.VILLAGE]).order_by("path")
    )
    scope = getattr(request.user, "scope", None)
    form = forms.CyclePrepareForm(
        request.POST or None,
        programmes=[(str(p.pk), f"{p.name} ({p.get_benefit_kind_display()})") for p in programmes],
        scopes=[(u.code, f"{u.name} ({u.code})") for u in scopes[:400]],
        initial={
            "programmes": [request.GET.get("programme", "")],
            "scope": scope.code if scope else "",
        },
    )

    def action(d: dict[str, Any]) -> Any:
        chosen = [access.access_programme(request.user, pk) for pk in d["programmes"]]
        scope = access_orgunit_by_code(request.user, d["scope"])
        made = cycle_services.cycles_prepare(actor=request.user, programmes=chosen, period=d["period"], scope=scope)
        failed = [c for c in made if c.status == CycleStatus.FAILED]
        if failed:
            raise ValidationFailed(failed[0].error)
        return made

    return record(
        request,
        form,
        action=action,
        success=lambda made: (
            reverse("benefits-cycle", args=[made[0].pk]) if len(made) == 1 else reverse("benefits-cycles")
        ),
        message=_("Prepared. Another user approves the cycle before it is paid."),
        context={"title": _("Prepare payment cycles"), "back": reverse("benefits-cycles")},
    )


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = access.access_cycle(request.user, pk)
    q = request.GET.get("q", "").strip()[:50]
    status = request.GET.get("status", "")
    status = status if status in EntitlementStatus.values else ""
    entitlements = selectors.entitlements_filtered(request.user, cycle=cycle.pk, status=status, q=q)
    context: dict[str, Any] = {"cycle": cycle, "page": page_of(request, entitlements), "q": q, "status": status}
    if htmx(request) and request.GET.get("part") == "progress":
        return render(request, "benefits/cycle.html#progress", context)
    if htmx(request):
        return render(request, "benefits/cycle.html#results", context)
    user = request.user
    context.update(
        statuses=EntitlementStatus.choices,
        may_approve=can(request, Perm.BENEFITS_APPROVE)
        and cycle.status == CycleStatus.PREPARED
        and cycle.prepared_by_id != user.pk,
        own_cycle=cycle.prepared_by_id == user.pk,
        may_pay=can(request, Perm.BENEFITS_PREPARE) and cycle.status in (CycleStatus.APPROVED, CycleStatus.RECONCILED),
        may_cancel=can(request, Perm.BENEFITS_PREPARE)
        and cycle.status in (CycleStatus.PREPARED, CycleStatus.FAILED, CycleStatus.QUEUED),
        reason_form=forms.ReasonForm(),
        results_form=forms.ResultsForm(),
    )
    return render(request, "benefits/cycle.html", context)


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    cycle = access.access_cycle(request.user, pk)
    try:
        action(cycle)
    except (ValidationFailed, Conflict) as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("benefits-cycle", pk=cycle.pk)


@login_required
@require_POST
def cycle_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda c: cycle_services.cycle_approve(actor=request.user, cycle=c),
        _("Approved: the list is frozen; the bank file can be produced."),
    )


@login_required
@require_POST
def cycle_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda c: cycle_services.cycle_cancel(actor=request.user, cycle=c, reason=reason),
        _("Cancelled."),
    )


@login_required
def cycle_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    cycle = access.access_cycle(request.user, pk)
    export = payment_services.cycle_export(actor=request.user, cycle=cycle, fmt=fmt)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
@require_POST
def cycle_results(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = access.access_cycle(request.user, pk)
    form = forms.ResultsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the results file."))
        return redirect("benefits-cycle", pk=cycle.pk)
    upload = form.cleaned_data["file"]
    if upload.size > payment_services.MAX_RESULT_BYTES:
        messages.error(request, _("The results file is larger than 20 MB."))
        return redirect("benefits-cycle", pk=cycle.pk)

    def run(c: Any) -> None:
        summary = payment_services.cycle_results_import(
            actor=request.user, cycle=c, content=upload.read(), filename=upload.name or ""
        )
        messages.info(
            request,
            _("%(paid)d paid (%(amount)s yuan), %(failed)d failed, %(unchanged)d unchanged.")
            % {
                "paid": summary["paid"],
                "amount": summary["paid_amount"],
                "failed": summary["failed"],
                "unchanged": summary["unchanged"],
            },
        )

    return _act(request, pk, run, _("Results recorded."))


@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.BENEFITS_VIEW)
    kind = request.GET.get("kind", "")
    kind = kind if kind in LedgerKind.values else ""
    entries = selectors.ledger_filtered(request.user, programme=_int(request.GET.get("programme")), kind=kind)
    context = {"page": page_of(request, entries), "kind": kind, "kinds": LedgerKind.choices}
    if htmx(request):
        return render(request, "benefits/ledger.html#results", context)
    return render(request, "benefits/ledger.html", {**context, "may_reverse": can(request, Perm.BENEFITS_APPROVE)})


@login_required
def ledger_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.BENEFITS_APPROVE)
    entry = access.access_ledger_entry(request.user, pk)
    form = forms.ReasonForm(request.POST or None)
    return record(
        request,
        form,
        action=lambda d: payment_services.ledger_reverse(actor=request.user, entry=entry, reason=d["reason"]),
        success=lambda r: reverse("benefits-ledger"),
        message=_("The payment is reversed by a new entry."),
        context={
            "title": _("Reverse payment %(id)d of %(amount)s yuan") % {"id": entry.pk, "amount": entry.amount},
            "back": reverse("benefits-ledger"),
        },
    )
