"""The record-linkage pages: upload a list and watch it linked, review candidate pairs side by side, decide,
deduplicate the registry, and see per town and village how complete the registry is against outside lists."""

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.core.errors import XingfuError
from xingfu.linkage import services
from xingfu.linkage.access import access_candidate, access_run
from xingfu.linkage.forms import DecisionForm, UploadForm
from xingfu.linkage.lists import TEMPLATES
from xingfu.linkage.models import CandidateBand, CandidateStatus, Decision, LinkRunKind, Proposal
from xingfu.linkage.selectors import (
    candidates_filtered,
    completeness,
    household_by_number,
    mother_by_id_number,
    queue_counts,
    runs_list,
    side_by_side,
)
from xingfu.registry.selectors import person_get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choice(value: str | None, choices: Any) -> str:
    return value if value and value in choices.values else ""


def _can(user: Any, perm: Perm) -> bool:
    return bool(getattr(user, "can", None) and user.can(perm))


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.LINKAGE_VIEW)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        require(request.user, Perm.LINKAGE_REVIEW)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                outside_list = services.list_upload(
                    actor=request.user,
                    template=form.cleaned_data["template"],
                    file_name=upload.name,
                    content=upload.read(),
                )
                run = services.run_start(actor=request.user, outside_list=outside_list)
            except XingfuError as exc:
                form.add_error("file", str(exc.message))
            else:
                return redirect("linkage-run", pk=run.pk)
        status = 400
    page = Paginator(runs_list(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/home.html",
        {
            "form": form,
            "page": page,
            "counts": queue_counts(request.user),
            "templates": [(key, columns) for key, columns in TEMPLATES.items()],
            "may_review": _can(request.user, Perm.LINKAGE_REVIEW),
        },
        status=status,
    )


@login_required
@require_GET
def template_download(request: HttpRequest, template: str, fmt: str) -> HttpResponse:
    require(request.user, Perm.LINKAGE_VIEW)
    if template not in TEMPLATES or fmt not in ("csv", "xlsx"):
        raise Http404
    columns = TEMPLATES[template]
    header = [c.zh for c in columns]
    example = [c.example for c in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows([header, example])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(header)
        sheet.append(example)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template}.{fmt}"'
    return response


@login_required
@require_POST
def deduplicate(request: HttpRequest) -> HttpResponse:
    run = services.run_start(actor=request.user)
    return redirect("linkage-run", pk=run.pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    band = _choice(request.GET.get("band"), CandidateBand)
    status = _choice(request.GET.get("status"), CandidateStatus)
    candidates = candidates_filtered(request.user, run=run, band=band, status=status)
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/run.html",
        {
            "run": run,
            "page": page,
            "band": band,
            "status": status,
            "bands": CandidateBand.choices,
            "statuses": CandidateStatus.choices,
            "may_review": _can(request.user, Perm.LINKAGE_REVIEW),
        },
    )


@login_required
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    response = render(request, "linkage/run.html#progress", {"run": run})
    if run.finished:
        # The whole page shows the outcome and the candidates now.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    run = services.run_repeat(actor=request.user, run=access_run(request.user, pk))
    return redirect("linkage-run", pk=run.pk)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.LINKAGE_VIEW)
    proposal = _choice(request.GET.get("proposal"), Proposal)
    band = _choice(request.GET.get("band"), CandidateBand)
    candidates = candidates_filtered(request.user, status=CandidateStatus.OPEN, proposal=proposal, band=band)
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/queue.html",
        {
            "page": page,
            "proposal": proposal,
            "band": band,
            "proposals": Proposal.choices,
            "bands": CandidateBand.choices,
            "counts": queue_counts(request.user),
        },
    )


def _candidate_context(request: HttpRequest, pk: int, **extra: Any) -> dict[str, Any]:
    candidate = access_candidate(request.user, pk)
    decision = Decision.objects.select_related("decided_by", "person", "merge").filter(candidate=candidate).first()
    revealed = extra.pop("revealed", None)
    return {
        "revealed": bool(revealed),
        "candidate": candidate,
        "decision": decision,
        "pair": side_by_side(candidate, revealed=revealed),
        "may_review": _can(request.user, Perm.LINKAGE_REVIEW) and decision is None,
        "may_unmask": _can(request.user, Perm.REGISTRY_UNMASK),
        "is_merge": candidate.proposal == Proposal.MERGE,
        "kind_dedupe": candidate.run.kind == LinkRunKind.DEDUPLICATION,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.LINKAGE_VIEW)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        candidate = access_candidate(request.user, pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.candidate_decide(
                    actor=request.user,
                    candidate=candidate,
                    verdict=data["verdict"],
                    reason=data["reason"],
                    survivor=person_get(request.user, data["survivor"]) if data["survivor"] else None,
                    mother=mother_by_id_number(request.user, data["mother_id_number"]),
                    child_name=data["child_name"],
                    household=household_by_number(request.user, candidate.orgunit, data["household_number"]),
                    new_household_number=data["new_household_number"],
                    relation=data["relation"],
                    sex=data["sex"],
                    birth_date=data["birth_date"],
                )
            except XingfuError as exc:
                form.add_error(None, str(exc.message))
            else:
                return redirect("linkage-candidate", pk=candidate.pk)
        status = 400
    return render(request, "linkage/candidate.html", _candidate_context(request, pk, form=form), status=status)


@login_required
@require_POST
def candidate_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access_candidate(request.user, pk)
    numbers = services.candidate_reveal(actor=request.user, candidate=candidate, reason=_("Comparing a candidate pair"))
    context = _candidate_context(request, pk, revealed=numbers, form=DecisionForm())
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "linkage/candidate.html#pair", context)
    return render(request, "linkage/candidate.html", context)


@login_required
@require_GET
def completeness_report(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.LINKAGE_VIEW)
    return render(request, "linkage/completeness.html", {"rows": completeness(request.user)})
