"""Programme pages: the benefits home, a programme with its rules and the what-if, defining programmes."""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xingfu.accounts.access import access_orgunit_by_code, access_orgunits, require
from xingfu.accounts.roles import Perm
from xingfu.benefits import access, forms, selectors
from xingfu.benefits.eligibility.amounts import describe
from xingfu.benefits.eligibility.conditions import OPERATORS_BY_TYPE, describe_conditions
from xingfu.benefits.eligibility.facts import FACTS
from xingfu.benefits.models import BenefitKind, Fund, Programme
from xingfu.benefits.services import certificates as certificate_services
from xingfu.benefits.services import programmes as programme_services
from xingfu.benefits.views._common import can, htmx, page_of, record
from xingfu.core.errors import ValidationFailed
from xingfu.orgunits.models import Level


@login_required
def benefits_home(request: HttpRequest) -> HttpResponse:
    """Programmes (search, pagination), the figures of the scope, and the way to everything else."""
    if not (
        can(request, Perm.BENEFITS_VIEW) or can(request, Perm.COMMITMENTS_RECORD) or can(request, Perm.BENEFITS_CERTIFY)
    ):
        require(request.user, Perm.BENEFITS_VIEW)
    q = request.GET.get("q", "").strip()[:50]
    page = page_of(request, selectors.programmes_filtered(request.user, q=q))
    context: dict[str, Any] = {"page": page, "q": q}
    if htmx(request):
        return render(request, "benefits/home.html#results", context)
    context.update(
        counts=selectors.benefits_counts(request.user) if can(request, Perm.BENEFITS_VIEW) else None,
        may_manage=can(request, Perm.BENEFITS_MANAGE),
        may_prepare=can(request, Perm.BENEFITS_PREPARE),
        may_certify=can(request, Perm.BENEFITS_CERTIFY),
        may_view=can(request, Perm.BENEFITS_VIEW),
    )
    return render(request, "benefits/home.html", context)


def _fact_help() -> list[dict[str, Any]]:
    return [
        {
            "unit": unit,
            "name": fact.name,
            "label": fact.label,
            "type": fact.type.value,
            "choices": ", ".join(fact.choice_values),
            "operators": ", ".join(sorted(OPERATORS_BY_TYPE[fact.type])),
        }
        for unit, facts in FACTS.items()
        for fact in facts.values()
    ]


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    rules = list(programme.rules.order_by("-valid_from"))
    for rule in rules:
        rule.amount_text = describe(rule.amount)  # type: ignore[attr-defined]
        rule.conditions_text = describe_conditions(rule.conditions, unit=programme.unit)  # type: ignore[attr-defined]
    may_manage = can(request, Perm.BENEFITS_MANAGE)
    context = {
        "programme": programme,
        "rules": rules,
        "may_manage": may_manage,
        "may_prepare": can(request, Perm.BENEFITS_PREPARE) and programme.benefit_kind != BenefitKind.CERTIFICATE,
        "whatif_form": forms.WhatIfForm(initial={"on": timezone.localdate()}) if may_manage else None,
        "issue_form": _issue_form(request)
        if may_manage and programme.benefit_kind == BenefitKind.CERTIFICATE
        else None,
        "recent_cycles": programme.cycles.select_related("scope").order_by("-prepared_at")[:10],
    }
    return render(request, "benefits/programme.html", context)


def _scopes(request: HttpRequest) -> list[tuple[str, str]]:
    units = access_orgunits(request.user).filter(level__in=[Level.DISTRICT, Level.TOWN]).order_by("path")[:50]
    return [(u.code, f"{u.name} ({u.code})") for u in units]


def _issue_form(request: HttpRequest, data: Any = None) -> forms.IssueForm:
    return forms.IssueForm(data, scopes=_scopes(request), initial={"on": timezone.localdate()})


@login_required
@require_POST
def programme_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    """The what-if's table (htmx swaps it into the programme page); nothing is written."""
    require(request.user, Perm.BENEFITS_MANAGE)
    programme = access.access_programme(request.user, pk)
    form = forms.WhatIfForm(request.POST)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            result = selectors.programme_whatif(
                request.user, programme, conditions=d["conditions"], amount=d["amount"], on=d["on"]
            )
        except ValidationFailed as error:
            forms.show_error(form, error)
    context = {"programme": programme, "whatif_form": form, "result": result}
    if htmx(request):
        return render(request, "benefits/programme.html#whatif", context)
    return render(request, "benefits/whatif_page.html", context)


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.BENEFITS_MANAGE)
    form = forms.ProgrammeForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    form.fields["fund"].choices = [("", "—"), *Fund.objects.order_by("code").values_list("code", "name")]  # type: ignore[attr-defined]

    def action(d: dict[str, Any]) -> Programme:
        return programme_services.programme_define(
            actor=request.user,
            code=d["code"],
            name_zh=d["name_zh"],
            name_en=d["name_en"],
            description=d["description"],
            level=d["level"],
            unit=d["unit"],
            benefit_kind=d["benefit_kind"],
            payee=d["payee"],
            third_party=d["third_party"],
            funding_source=d["funding_source"],
            fund=Fund.objects.filter(code=d["fund"]).first() if d["fund"] else None,
            needs_application=d["needs_application"],
            attachments=d["attachments"] or [],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            conditions=d["conditions"],
            amount=d["amount"],
        )

    return record(
        request,
        form,
        action=action,
        success=lambda p: reverse("benefits-programme", args=[p.pk]),
        message=_("Programme defined."),
        context={"title": _("Define a programme"), "facts": _fact_help(), "back": reverse("benefits-home")},
    )


@login_required
def rule_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.BENEFITS_MANAGE)
    programme = access.access_programme(request.user, pk)
    current = programme.rules.order_by("-valid_from").first()
    initial = {
        "conditions": json.dumps(current.conditions, ensure_ascii=False, indent=1) if current else "",
        "amount": json.dumps(current.amount, ensure_ascii=False) if current else "",
    }
    form = forms.RuleForm(request.POST or None, initial=initial)
    return record(
        request,
        form,
        action=lambda d: programme_services.programme_rule_add(actor=request.user, programme=programme, **d),
        success=lambda r: reverse("benefits-programme", args=[programme.pk]),
        message=_("The new rule takes effect from its date; the old one is kept."),
        context={
            "title": _("Change %(name)s from a date") % {"name": programme.name},
            "facts": [f for f in _fact_help() if f["unit"] == programme.unit],
            "back": reverse("benefits-programme", args=[programme.pk]),
        },
    )


@login_required
@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.BENEFITS_MANAGE)
    programme = access.access_programme(request.user, pk)
    form = _issue_form(request, request.POST)

    def action(d: dict[str, Any]) -> int:
        unit = access_orgunit_by_code(request.user, d["scope"])
        return certificate_services.certificates_issue(actor=request.user, programme=programme, scope=unit, on=d["on"])

    return record(
        request,
        form,
        action=action,
        success=lambda n: reverse("benefits-programme", args=[programme.pk]),
        message=_("Certificates issued to the qualifying households that held none."),
        context={"title": _("Issue certificates"), "back": reverse("benefits-programme", args=[programme.pk])},
    )
