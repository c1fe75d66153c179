from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xingfu.accounts.access import require
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_sensitive_read
from xingfu.core.errors import NotFound, PermissionDenied, XingfuError
from xingfu.oversight import selectors
from xingfu.oversight.access import access_case, access_tipoff, may_see_contact
from xingfu.oversight.forms import TipOffRecordForm, TriageForm, add_service_error
from xingfu.oversight.models import TipOffAbout, TipOffStatus
from xingfu.oversight.services.cases import case_add_tipoff, case_open
from xingfu.oversight.services.tipoffs import format_tracking_code, tipoff_dismiss, tipoff_record
from xingfu.oversight.views._common import is_htmx, page_of


@login_required
def tipoff_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OVERSIGHT_VIEW)
    status = request.GET.get("status", "")
    about = request.GET.get("about", "")
    tipoffs = selectors.tipoff_list(
        request.user,
        status=status if status in TipOffStatus.values else "",
        about=about if about in TipOffAbout.values else "",
    )
    context = {
        "page": page_of(request, tipoffs),
        "status": status,
        "about": about,
        "statuses": TipOffStatus.choices,
        "abouts": TipOffAbout.choices,
        "may_record": request.user.can(Perm.OVERSIGHT_RECORD),  # type: ignore[union-attr]
    }
    template = "oversight/tipoff_list.html#results" if is_htmx(request) else "oversight/tipoff_list.html"
    return render(request, template, context)


@login_required
def tipoff_new(request: HttpRequest) -> HttpResponse:
    """Staff enter a tip-off taken by the hotline, by letter or from the media."""
    require(request.user, Perm.OVERSIGHT_RECORD)
    form = TipOffRecordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            tipoff, code = tipoff_record(actor=request.user, **form.cleaned_data)
        except XingfuError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Tip-off recorded. Give the reporter this tracking code: %(code)s")
                % {"code": format_tracking_code(code)},
            )
            return redirect("oversight-tipoff", pk=tipoff.pk)
    return render(request, "oversight/form.html", {"form": form, "title": _("Record a tip-off")})


@login_required
def tipoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tipoff = access_tipoff(request.user, pk)
    may_record = request.user.can(Perm.OVERSIGHT_RECORD)  # type: ignore[union-attr]
    context = {
        "tipoff": tipoff,
        "may_see_contact": may_see_contact(request.user, tipoff),
        "may_record": may_record,
        "triage_form": (
            TriageForm(
                user=request.user,
                cases=selectors.cases_for(request.user),
                initial={"orgunit": tipoff.orgunit_id, "owner": request.user.pk, "title": tipoff.provider},
            )
            if may_record and tipoff.status == TipOffStatus.RECEIVED
            else None
        ),
    }
    return render(request, "oversight/tipoff_detail.html", context)


@login_required
@require_POST
def tipoff_triage(request: HttpRequest, pk: int) -> HttpResponse:
    """Triage: open a case from the tip-off, add it to an open case, or record that nothing can be done."""
    tipoff = access_tipoff(request.user, pk, record=True)
    form = TriageForm(request.POST, user=request.user, cases=selectors.cases_for(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "new_case":
                case = case_open(
                    actor=request.user,
                    title=data["title"] or tipoff.provider or tipoff.get_about_display(),
                    orgunit=data["orgunit"] or tipoff.orgunit,
                    owner=data["owner"] or request.user,
                    summary=tipoff.description,
                    tipoffs=[tipoff],
                )
                messages.success(request, _("Case %(n)s opened.") % {"n": case.number})
                return redirect("oversight-case", pk=case.pk)
            if data["decision"] == "join_case":
                if data["case"] is None:
                    raise XingfuError(_("Choose the case to add the tip-off to."), field="case")
                case = access_case(request.user, data["case"].pk, record=True)
                case_add_tipoff(actor=request.user, case=case, tipoff=tipoff)
                messages.success(request, _("Tip-off added to case %(n)s.") % {"n": case.number})
                return redirect("oversight-case", pk=case.pk)
            tipoff_dismiss(actor=request.user, tipoff=tipoff, reason=data["reason"])
            messages.success(request, _("Tip-off closed: no action possible."))
        except XingfuError as error:
            add_service_error(form, error)
    for error_list in form.errors.values():
        for message in error_list:
            messages.error(request, str(message))
    return redirect("oversight-tipoff", pk=tipoff.pk)


@login_required
def tipoff_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's contact, for the case owner and the district admin; each view is audited."""
    tipoff = access_tipoff(request.user, pk)
    if not may_see_contact(request.user, tipoff):
        raise PermissionDenied(_("Only the case owner and the district admin may see the reporter's contact."))
    if tipoff.contact:
        audit_sensitive_read(
            actor=request.user,
            what="reporter_contact",
            object_type="tipoff",
            object_id=tipoff.pk,
            orgunit=tipoff.orgunit,
        )
    return render(request, "oversight/tipoff_detail.html#contact", {"tipoff": tipoff, "shown": True})


@login_required
def tipoff_attachment(request: HttpRequest, pk: int) -> FileResponse:
    tipoff = access_tipoff(request.user, pk)
    if not tipoff.attachment:
        raise NotFound(_("This tip-off has no attachment."))
    response = FileResponse(
        tipoff.attachment.open("rb"), content_type=tipoff.attachment_type or "application/octet-stream"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="tipoff-{tipoff.pk}-{tipoff.attachment.name.rsplit("/", 1)[-1]}"'
    )
    return response
