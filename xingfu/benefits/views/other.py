"""Funds, department commitments and the priority-treatment certificate check."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.benefits import access, forms, selectors
from xingfu.benefits.services import certificates as certificate_services
from xingfu.benefits.services import commitments as commitment_services
from xingfu.benefits.services.funds import fund_money_in
from xingfu.benefits.views._common import can, htmx, page_of, record
from xingfu.core.errors import ValidationFailed


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.BENEFITS_VIEW)
    return render(request, "benefits/funds.html", {"funds": selectors.funds_with_balances(request.user)})


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.BENEFITS_VIEW)
    fund = selectors.funds_with_balances(request.user).filter(pk=access.access_fund(request.user, pk).pk).get()
    context = {
        "fund": fund,
        "page": page_of(request, selectors.fund_statement(fund)),
        "form": forms.MoneyInForm(initial={"date": timezone.localdate()})
        if can(request, Perm.BENEFITS_MANAGE)
        else None,
    }
    return render(request, "benefits/fund.html", context)


@login_required
def fund_money(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.BENEFITS_MANAGE)
    fund = access.access_fund(request.user, pk)
    form = forms.MoneyInForm(request.POST or None, initial={"date": timezone.localdate()})
    return record(
        request,
        form,
        action=lambda d: fund_money_in(
            actor=request.user,
            fund=fund,
            kind=d["kind"],
            amount=d["amount"],
            date=d["date"],
            source=d["source"],
            note=d["note"],
        ),
        success=lambda t: reverse("benefits-fund", args=[fund.pk]),
        message=_("Money in recorded."),
        context={
            "title": _("Money into %(fund)s") % {"fund": fund.name},
            "back": reverse("benefits-fund", args=[fund.pk]),
        },
    )


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    if not (can(request, Perm.BENEFITS_VIEW) or can(request, Perm.COMMITMENTS_RECORD)):
        require(request.user, Perm.COMMITMENTS_RECORD)
    q = request.GET.get("q", "").strip()[:50]
    context: dict[str, Any] = {"page": page_of(request, selectors.commitments_filtered(request.user, q=q), 30), "q": q}
    if htmx(request):
        return render(request, "benefits/commitments.html#results", context)
    context.update(
        report=selectors.commitment_report(request.user),
        may_record=can(request, Perm.COMMITMENTS_RECORD),
        may_manage=can(request, Perm.BENEFITS_MANAGE),
        recent=access.access_fulfilments(request.user)
        .select_related("commitment", "household", "orgunit")
        .order_by("-date", "-id")[:20],
    )
    return render(request, "benefits/commitments.html", context)


@login_required
def commitment_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.BENEFITS_MANAGE)
    form = forms.CommitmentForm(request.POST or None)
    return record(
        request,
        form,
        action=lambda d: commitment_services.commitment_add(
            actor=request.user,
            department=d["department"],
            title=d["title"],
            category=d["category"],
            description=d["description"],
        ),
        success=lambda c: reverse("benefits-commitments"),
        message=_("Commitment added to the catalogue."),
        context={"title": _("Add a department commitment"), "back": reverse("benefits-commitments")},
    )


@login_required
def fulfilment_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.COMMITMENTS_RECORD)
    commitment = access.access_commitment(request.user, pk)
    form = forms.FulfilmentForm(request.POST or None, initial={"date": timezone.localdate()})

    def action(d: dict[str, Any]) -> Any:
        household = selectors.household_of_resident(request.user, d["id_number"])
        return commitment_services.fulfilment_record(
            actor=request.user,
            commitment=commitment,
            household=household,
            date=d["date"],
            description=d["description"],
            value=d["value"],
        )

    return record(
        request,
        form,
        action=action,
        success=lambda f: reverse("benefits-commitments"),
        message=_("Fulfilment recorded."),
        context={
            "title": _("%(department)s: %(title)s") % {"department": commitment.department, "title": commitment.title},
            "back": reverse("benefits-commitments"),
        },
    )


@login_required
def certificate_check(request: HttpRequest) -> HttpResponse:
    """A partner department's check: yes or no, and the certificate number; every check is audited."""
    require(request.user, Perm.BENEFITS_CERTIFY)
    form = forms.CertificateCheckForm(request.POST or None)
    answer = None
    if request.method == "POST" and form.is_valid():
        try:
            answer = certificate_services.certificate_check(
                actor=request.user, id_number=form.cleaned_data["id_number"]
            )
        except ValidationFailed as error:
            forms.show_error(form, error)
    context = {"form": form, "answer": answer}
    if htmx(request):
        return render(request, "benefits/certificate_check.html#answer", context)
    return render(request, "benefits/certificate_check.html", context)
