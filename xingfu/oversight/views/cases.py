import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_sensitive_read
from xingfu.core.errors import XingfuError
from xingfu.oversight import selectors
from xingfu.oversight.access import (
    access_case,
    access_case_step,
    access_facility,
    may_see_case_contacts,
    require_case_contacts,
)
from xingfu.oversight.forms import (
    AssignForm,
    CaseForm,
    CloseForm,
    DateForm,
    ImportForm,
    ReferForm,
    StepForm,
    add_service_error,
)
from xingfu.oversight.models import CaseStatus
from xingfu.oversight.services.cases import case_add_step, case_assign, case_close, case_open, case_step_done
from xingfu.oversight.services.transfer import MAX_FILE_BYTES, case_export, case_import, case_refer_out
from xingfu.oversight.views._common import is_htmx, json_download, page_of, today


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OVERSIGHT_VIEW)
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    cases = selectors.case_list(
        request.user,
        q=q,
        status=status if status in CaseStatus.values else "",
        overdue_on=today() if overdue else None,
    )
    context = {
        "page": page_of(request, cases),
        "q": q,
        "status": status,
        "overdue": overdue,
        "statuses": CaseStatus.choices,
        "today": today(),
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    template = "oversight/case_list.html#results" if is_htmx(request) else "oversight/case_list.html"
    return render(request, template, context)


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OVERSIGHT_RECORD)
    facilities = selectors.facilities_for(request.user)
    initial: dict[str, object] = {"owner": request.user.pk}
    if request.GET.get("facility"):
        facility = access_facility(request.user, request.GET["facility"])
        initial.update(facility=facility.pk, title=facility.name)
    form = CaseForm(request.POST or None, user=request.user, facilities=facilities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_open(actor=request.user, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Case %(n)s opened.") % {"n": case.number})
            return redirect("oversight-case", pk=case.pk)
    return render(request, "oversight/form.html", {"form": form, "title": _("Open a case")})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    may_record = request.user.can(Perm.OVERSIGHT_RECORD)  # type: ignore[union-attr]
    is_open = case.status == CaseStatus.OPEN
    context = {
        "case": case,
        "steps": case.steps.select_related("by").order_by("recorded_at", "id"),
        "tipoffs": case.tipoffs.defer("contact").order_by("received_at"),
        "may_record": may_record,
        "may_see_contacts": may_see_case_contacts(request.user, case),
        "is_open": is_open,
        "today": today(),
        "step_form": StepForm() if may_record and is_open else None,
        "assign_form": AssignForm(user=request.user, initial={"owner": case.owner_id, "deadline": case.deadline})
        if may_record and is_open
        else None,
        "close_form": CloseForm() if may_record and is_open else None,
        "refer_form": ReferForm() if may_record and is_open else None,
        "done_form": DateForm(initial={"on": today()}),
    }
    return render(request, "oversight/case_detail.html", context)


def _post_form_errors(request: HttpRequest, form: object) -> None:
    for field, errors in form.errors.items():  # type: ignore[attr-defined]
        label = form.fields[field].label if field in form.fields else ""  # type: ignore[attr-defined]
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


@login_required
@require_POST
def case_step_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, record=True)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            case_add_step(actor=request.user, case=case, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Step added."))
    _post_form_errors(request, form)
    return redirect("oversight-case", pk=case.pk)


@login_required
@require_POST
def case_step_done_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    case = access_case(request.user, pk, record=True)
    step = access_case_step(request.user, case, step_pk)
    form = DateForm(request.POST)
    if form.is_valid():
        try:
            case_step_done(actor=request.user, step=step, done_on=form.cleaned_data["on"])
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Step marked as done."))
    _post_form_errors(request, form)
    return redirect("oversight-case", pk=case.pk)


@login_required
@require_POST
def case_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, record=True)
    form = AssignForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            case_assign(actor=request.user, case=case, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Case handed over."))
    _post_form_errors(request, form)
    return redirect("oversight-case", pk=case.pk)


@login_required
@require_POST
def case_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, record=True)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            case_close(actor=request.user, case=case, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Case closed."))
    _post_form_errors(request, form)
    return redirect("oversight-case", pk=case.pk)


@login_required
def case_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporters' contacts of a case (htmx fragment), for its owner and the district admin; audited."""
    case = access_case(request.user, pk)
    require_case_contacts(request.user, case)
    tipoffs = list(case.tipoffs.order_by("received_at"))
    if any(t.contact for t in tipoffs):
        audit_sensitive_read(
            actor=request.user, what="reporter_contact", object_type="case", object_id=case.pk, orgunit=case.orgunit
        )
    return render(
        request, "oversight/case_detail.html#contacts", {"tipoffs": tipoffs, "case": case, "shown_contacts": True}
    )


@login_required
@require_POST
def case_refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer the case to a neighbouring district: the referral file downloads, the case is marked referred."""
    case = access_case(request.user, pk, record=True)
    require_case_contacts(request.user, case)
    form = ReferForm(request.POST)
    if form.is_valid():
        try:
            document = case_refer_out(actor=request.user, case=case, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            return json_download(document, f"case-{case.number}.json")
    _post_form_errors(request, form)
    return redirect("oversight-case", pk=case.pk)


@login_required
def case_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, record=True)
    require_case_contacts(request.user, case)
    return json_download(case_export(actor=request.user, case=case), f"case-{case.number}.json")


@login_required
def case_import_view(request: HttpRequest) -> HttpResponse:
    """Take over a case referred by a neighbouring district from its referral file."""
    require(request.user, Perm.OVERSIGHT_RECORD)
    form = ImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial={"owner": request.user.pk}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_FILE_BYTES:
                    raise XingfuError(_("The file is too large for a case referral file."), field="file")
                try:
                    document = json.loads(upload.read().decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    raise XingfuError(_("The file is not JSON."), field="file") from None
                case = case_import(
                    actor=request.user,
                    document=document,
                    orgunit=form.cleaned_data["orgunit"],
                    owner=form.cleaned_data["owner"],
                )
            except XingfuError as error:
                add_service_error(form, error)
                if error.details:
                    form.add_error("file", json.dumps(error.details, ensure_ascii=False)[:1000])
                status = error.status_code
            else:
                messages.success(request, _("Case imported as %(n)s.") % {"n": case.number})
                return redirect("oversight-case", pk=case.pk)
    return render(
        request,
        "oversight/form.html",
        {
            "form": form,
            "title": _("Import a referred case"),
            "multipart": True,
            "back_url": reverse("oversight-cases"),
        },
        status=status,
    )
