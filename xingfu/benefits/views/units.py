"""A person's or a household's benefits: per programme, eligible or not and why; their payments."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.benefits import access, selectors
from xingfu.benefits.views._common import can
from xingfu.registry.models import Household, Person
from xingfu.registry.selectors import household_get, person_get


def _on(request: HttpRequest) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return None


def _page(request: HttpRequest, unit: Person | Household) -> HttpResponse:
    on = _on(request)
    results = selectors.eligibility(request.user, unit, on=on)
    by_application = set(
        access.access_programmes(request.user).filter(needs_application=True).values_list("pk", flat=True)
    )
    may_apply = can(request, Perm.REGISTRY_EDIT)
    for result in results:
        result["apply"] = may_apply and result["programme"] in by_application and result["eligible"]
    is_person = isinstance(unit, Person)
    person, household = (unit.pk, None) if is_person else (None, unit.pk)
    context = {
        "unit": unit,
        "is_person": is_person,
        "results": results,
        "on": results[0]["on"] if results else (on.isoformat() if on else ""),
        "entitlements": selectors.entitlements_filtered(request.user, person=person, household=household)[:20],
        "ledger": selectors.ledger_filtered(request.user, person=person, household=household)[:20],
    }
    return render(request, "benefits/unit.html", context)


@login_required
def person_benefits(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.BENEFITS_VIEW)
    return _page(request, person_get(request.user, pk))


@login_required
def household_benefits(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.BENEFITS_VIEW)
    return _page(request, household_get(request.user, pk))
