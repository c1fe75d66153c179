"""Application pages: the list, recording one with its documents, reviewing and deciding."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.benefits import access, forms, selectors
from xingfu.benefits.models import ApplicationStatus
from xingfu.benefits.services import applications as application_services
from xingfu.benefits.views._common import can, htmx, page_of, record
from xingfu.core.errors import NotFound
from xingfu.registry.selectors import household_get, person_get


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.BENEFITS_VIEW)
    status = request.GET.get("status", "")
    status = status if status in ApplicationStatus.values else ""
    q = request.GET.get("q", "").strip()[:50]
    context = {
        "page": page_of(request, selectors.applications_filtered(request.user, status=status, q=q)),
        "status": status,
        "statuses": ApplicationStatus.choices,
        "q": q,
    }
    if htmx(request):
        return render(request, "benefits/applications.html#results", context)
    return render(request, "benefits/applications.html", context)


@login_required
def application_new(request: HttpRequest, programme: int, unit: str, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_EDIT)
    chosen = access.access_programme(request.user, programme)
    if unit not in ("person", "household"):
        raise NotFound(_("No such page."))
    beneficiary = person_get(request.user, pk) if unit == "person" else household_get(request.user, pk)
    rule = chosen.rules.order_by("-valid_from").first()
    tiers = list(rule.amount.get("tiers", {})) if rule and rule.amount.get("mode") == "application_tier" else []
    form = forms.ApplicationForm(request.POST or None, request.FILES or None, tiers=tiers, documents=chosen.attachments)

    def action(d: dict[str, Any]) -> Any:
        documents = []
        for i, document in enumerate(chosen.attachments):
            upload = d.get(f"document_{i}")
            if upload:
                documents.append({"name": document["name"], "file": upload})
            elif d.get(f"listed_{i}"):
                documents.append({"name": document["name"], "file_type": ""})
        return application_services.application_submit(
            actor=request.user,
            programme=chosen,
            beneficiary=beneficiary,
            tier=d.get("tier", ""),
            statement=d["statement"],
            attachments=documents,
        )

    name = getattr(beneficiary, "name", None) or getattr(beneficiary, "number", "")
    return record(
        request,
        form,
        action=action,
        success=lambda a: reverse("benefits-application", args=[a.pk]),
        message=_("Application recorded; a town officer reviews it next."),
        context={
            "title": _("Apply for %(programme)s for %(name)s") % {"programme": chosen.name, "name": name},
            "back": reverse(f"benefits-{unit}", args=[pk]),
            "multipart": True,
        },
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.access_application(request.user, pk)
    decisions = application.decisions.select_related("decided_by").order_by("id")
    context = {
        "application": application,
        "attachments": application.attachments.order_by("id"),
        "decisions": decisions,
        "review_form": forms.ReviewForm()
        if can(request, Perm.BENEFITS_PREPARE) and application.status == ApplicationStatus.SUBMITTED
        else None,
        "decide_form": forms.DecideForm()
        if can(request, Perm.BENEFITS_APPROVE) and application.status == ApplicationStatus.REVIEWED
        else None,
    }
    return render(request, "benefits/application.html", context)


@login_required
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.access_application(request.user, pk)
    form = forms.ReviewForm(request.POST or None)
    return record(
        request,
        form,
        action=lambda d: application_services.application_review(
            actor=request.user, application=application, note=d["note"]
        ),
        success=lambda x: reverse("benefits-application", args=[application.pk]),
        message=_("Reviewed; another user decides."),
        context={
            "title": _("Review application %(id)d") % {"id": application.pk},
            "back": reverse("benefits-application", args=[pk]),
        },
    )


@login_required
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.access_application(request.user, pk)
    form = forms.DecideForm(request.POST or None)
    return record(
        request,
        form,
        action=lambda d: application_services.application_decide(
            actor=request.user, application=application, approve=d["approve"], amount=d["amount"], note=d["note"]
        ),
        success=lambda x: reverse("benefits-application", args=[application.pk]),
        message=_("Decision recorded."),
        context={
            "title": _("Decide application %(id)d") % {"id": application.pk},
            "back": reverse("benefits-application", args=[pk]),
        },
    )
