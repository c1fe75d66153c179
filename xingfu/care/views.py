"""Care pages: thin views that parse a form, call one selector or service, and render.

Health findings reach a template only on an opened record (``enrollment_open`` audits it); lists show who,
where and when. The worklist shows the grade to the responsible worker, whose list is ordered by it.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xingfu.accounts.access import require, scope_of, scoped
from xingfu.accounts.roles import Perm
from xingfu.care import forms, selectors, services
from xingfu.care.access import (
    access_campaign,
    access_checkup,
    access_due_visit,
    access_enrollment,
    access_invitation,
    access_person_by_id_number,
    workers_for,
)
from xingfu.care.models import CareProgrammeKind, CheckItem, EnrollmentStatus, RiskColour
from xingfu.care.schedule import WORKLIST_DAYS, expected_delivery, gestation
from xingfu.core.errors import NotFound, ValidationFailed, XingfuError
from xingfu.core.pages import form_page
from xingfu.orgunits.models import Level, OrgUnit

PAGE_SIZE = 25


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _can(request: HttpRequest, perm: Perm) -> bool:
    return bool(request.user.can(perm))  # type: ignore[union-attr]


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _record(
    request: HttpRequest,
    form: Any,
    *,
    action: Callable[[Any], Any],
    success: Callable[[Any], str],
    message: str,
    context: dict[str, Any],
    template: str = "care/form.html",
) -> HttpResponse:
    return form_page(request, form, action=action, success=success, message=message, template=template, context=context)


# --- home, worklists --------------------------------------------------------------------------------------


@login_required
def care_home(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CARE_VIEW)
    today = timezone.localdate()
    context = {
        "counts": selectors.care_counts(request.user, today=today),
        "scope": scope_of(request.user),
        "may_record": _can(request, Perm.CARE_RECORD),
        "worklist_days": WORKLIST_DAYS,
    }
    return render(request, "care/home.html", context)


@login_required
def worklist_page(request: HttpRequest) -> HttpResponse:
    """The worker's own worklist, one card per visit due, highest risk and latest first; phone-sized."""
    require(request.user, Perm.CARE_VIEW)
    today = timezone.localdate()
    page = _page(request, selectors.worklist(request.user, today=today))
    for item in page.object_list:
        item.days_late = (today - item.due_by).days
        item.days_to_go = (item.due_on - today).days
    context = {"page": page, "today": today, "worklist_days": WORKLIST_DAYS, "purple": RiskColour.PURPLE.label}
    return render(request, "care/worklist.html", context)


@login_required
def villages_page(request: HttpRequest) -> HttpResponse:
    """Town officers and the district: overdue and unassigned visits per village (counts only)."""
    require(request.user, Perm.CARE_VIEW)
    rows = selectors.overdue_by_village(request.user, today=timezone.localdate())
    return render(request, "care/villages.html", {"page": _page(request, rows), "scope": scope_of(request.user)})


# --- enrolments -------------------------------------------------------------------------------------------


def _enrollment_list(request: HttpRequest, kind: str, template: str) -> HttpResponse:
    require(request.user, Perm.CARE_VIEW)
    form = forms.EnrollmentFilterForm(request.GET or None, initial={"status": "open"})
    data = form.cleaned_data if form.is_valid() else {"q": "", "status": "open"}
    rows = selectors.enrollments_for_user(request.user, kind=kind, status=data.get("status", ""), q=data.get("q", ""))
    if kind == CareProgrammeKind.PREPREGNANCY:
        rows = rows.select_related("checkup")
    context = {"page": _page(request, rows), "form": form, "kind": kind, "may_record": _can(request, Perm.CARE_RECORD)}
    if _htmx(request):
        return render(request, f"{template}#results", context)
    return render(request, template, context)


@login_required
def enrollment_list(request: HttpRequest) -> HttpResponse:
    return _enrollment_list(request, CareProgrammeKind.MATERNAL, "care/enrollments.html")


@login_required
def checkup_list(request: HttpRequest) -> HttpResponse:
    return _enrollment_list(request, CareProgrammeKind.PREPREGNANCY, "care/checkups.html")


@login_required
def enrollment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a record in full: audited every time."""
    require(request.user, Perm.CARE_VIEW)
    enrollment = selectors.enrollment_open(request.user, pk)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "enrollment": enrollment,
        "today": today,
        "may_record": _can(request, Perm.CARE_RECORD) and enrollment.status == EnrollmentStatus.OPEN,
        **selectors.enrollment_record(enrollment, today=today),
    }
    if enrollment.lmp:
        context["edd"] = expected_delivery(enrollment.lmp)
        if enrollment.ongoing:
            context["gestation"] = gestation(enrollment.lmp, today)
    return render(request, "care/enrollment.html", context)


@login_required
def pregnancy_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    form = forms.PregnancyForm(request.POST or None, workers=workers_for(request.user))

    def act(f: Any) -> Any:
        person = access_person_by_id_number(request.user, f.cleaned_data["id_number"])
        return services.pregnancy_register(
            actor=request.user,
            person=person,
            lmp=f.cleaned_data["lmp"],
            enrolled_on=f.cleaned_data["enrolled_on"],
            responsible=f.cleaned_data["responsible"],
        )

    return _record(
        request,
        form,
        action=act,
        success=lambda e: reverse("care-enrollment", args=[e.pk]),
        message=_("Pregnancy registered; her first visits are on the worklist."),
        context={"title": _("Register a pregnancy"), "back": reverse("care-enrollments")},
    )


@login_required
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit; from the worklist the due visit is fixed (``?due=``)."""
    require(request.user, Perm.CARE_RECORD)
    enrollment = access_enrollment(request.user, pk)
    due = None
    due_id = request.GET.get("due") or request.POST.get("due")
    if due_id:
        due = access_due_visit(request.user, due_id)
        if due.enrollment_id != enrollment.pk:
            raise NotFound(_("No such due visit for this enrolment."))
    initial = {"stage": due.stage_id} if due and due.stage_id else {}
    form = forms.VisitForm(
        request.POST or None,
        stages=forms.stage_queryset(enrollment.programme_id),
        fixed=due is not None,
        initial=initial,
    )

    def act(f: Any) -> Any:
        d = f.cleaned_data
        return services.visit_record(
            actor=request.user,
            enrollment=enrollment,
            date=d["date"],
            due=due,
            stage=None if due else d["stage"],
            findings=d["findings"],
            colours=f.colours(),
            weight_kg=d["weight_kg"],
            bp_systolic=d["bp_systolic"],
            bp_diastolic=d["bp_diastolic"],
            referral_to=d["referral_to"],
        )

    back = reverse("care-worklist") if due else reverse("care-enrollment", args=[enrollment.pk])
    return _record(
        request,
        form,
        action=act,
        success=lambda v: back,
        message=_("Visit recorded."),
        context={
            "title": _("Visit to %(name)s") % {"name": enrollment.person.name},
            "subtitle": (due.stage.name if due and due.stage else _("Referral follow-up")) if due else "",
            "back": back,
            "due": due,
            "phone": True,
        },
    )


@login_required
def outcome_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    enrollment = access_enrollment(request.user, pk)
    form = forms.OutcomeForm(request.POST or None)

    def act(f: Any) -> Any:
        d = f.cleaned_data
        father = (
            access_person_by_id_number(request.user, d["father_id_number"], field="father_id_number")
            if d["father_id_number"]
            else None
        )
        children = [services.Child(name=name, sex=sex) for name, sex in f.children()]
        return services.outcome_record(
            actor=request.user,
            enrollment=enrollment,
            outcome=d["outcome"],
            date=d["date"],
            place=d["place"],
            children=children,
            father=father,
        )

    return _record(
        request,
        form,
        action=act,
        success=lambda e: reverse("care-enrollment", args=[enrollment.pk]),
        message=_("Outcome recorded; postnatal visits are scheduled."),
        context={
            "title": _("How the pregnancy of %(name)s ended") % {"name": enrollment.person.name},
            "back": reverse("care-enrollment", args=[enrollment.pk]),
        },
    )


@login_required
def responsible_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    enrollment = access_enrollment(request.user, pk)
    form = forms.ResponsibleForm(
        request.POST or None,
        workers=workers_for(request.user, enrollment.orgunit),
        initial={"worker": enrollment.responsible_id},
    )
    return _record(
        request,
        form,
        action=lambda f: services.responsible_assign(
            actor=request.user, enrollment=enrollment, worker=f.cleaned_data["worker"]
        ),
        success=lambda e: reverse("care-enrollment", args=[enrollment.pk]),
        message=_("Responsible worker saved."),
        context={"title": _("Responsible health worker"), "back": reverse("care-enrollment", args=[enrollment.pk])},
    )


@login_required
def enrollment_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    enrollment = access_enrollment(request.user, pk)
    form = forms.CloseForm(request.POST or None)
    return _record(
        request,
        form,
        action=lambda f: services.enrollment_close(
            actor=request.user, enrollment=enrollment, reason=f.cleaned_data["reason"]
        ),
        success=lambda e: reverse("care-enrollment", args=[enrollment.pk]),
        message=_("Enrolment closed."),
        context={"title": _("Close the enrolment"), "back": reverse("care-enrollment", args=[enrollment.pk])},
    )


# --- check-ups --------------------------------------------------------------------------------------------


@login_required
def checkup_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    form = forms.CheckUpForm(request.POST or None)

    def act(f: Any) -> Any:
        d = f.cleaned_data
        woman = access_person_by_id_number(request.user, d["woman_id_number"], field="woman_id_number")
        partner = (
            access_person_by_id_number(request.user, d["partner_id_number"], field="partner_id_number")
            if d["partner_id_number"]
            else None
        )
        return services.checkup_book(actor=request.user, woman=woman, partner=partner, booked_for=d["booked_for"])

    return _record(
        request,
        form,
        action=act,
        success=lambda c: reverse("care-enrollment", args=[c.enrollment_id]),
        message=_("Check-up booked."),
        context={"title": _("Book a pre-pregnancy check-up"), "back": reverse("care-checkups")},
    )


@login_required
def checkup_results(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    checkup = access_checkup(request.user, pk)
    items = list(CheckItem.objects.filter(programme_id=checkup.enrollment.programme_id).order_by("number"))
    form = forms.ResultsForm(
        request.POST or None,
        items=[i for i in items if i.recorded_item_by_item],
        partner=checkup.partner_id is not None,
    )

    def act(f: Any) -> Any:
        return services.checkup_results_record(
            actor=request.user,
            checkup=checkup,
            measured_on=f.cleaned_data["measured_on"],
            results=[services.ResultInput(**r) for r in f.results()],
        )

    return _record(
        request,
        form,
        action=act,
        success=lambda n: reverse("care-enrollment", args=[checkup.enrollment_id]),
        message=_("Results recorded."),
        context={
            "title": _("Check-up results: %(name)s") % {"name": checkup.enrollment.person.name},
            "checkup": checkup,
            "back": reverse("care-enrollment", args=[checkup.enrollment_id]),
        },
        template="care/checkup_results.html",
    )


@login_required
def checkup_assess(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    checkup = access_checkup(request.user, pk)
    form = forms.AssessForm(request.POST or None)

    def act(f: Any) -> Any:
        d = f.cleaned_data
        return services.checkup_assess(
            actor=request.user,
            checkup=checkup,
            population=d["population"],
            risk_classes=f.classes(),
            conclusion=d["conclusion"],
            counselling=d["counselling"],
        )

    return _record(
        request,
        form,
        action=act,
        success=lambda c: reverse("care-enrollment", args=[checkup.enrollment_id]),
        message=_("Assessment and counselling recorded; the follow-ups are scheduled."),
        context={
            "title": _("Risk assessment and counselling: %(name)s") % {"name": checkup.enrollment.person.name},
            "back": reverse("care-enrollment", args=[checkup.enrollment_id]),
        },
    )


@login_required
def lab_import(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    form = forms.LabImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.lab_results_import(actor=request.user, data=form.cleaned_data["file"].read(1_000_001))
        except ValidationFailed as error:
            errors = (error.details or {}).get("errors", [])
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("%(results)d results imported into %(checkups)d check-ups.") % result,
            )
            return redirect("care-checkups")
    status = 400 if request.method == "POST" else 200
    return render(request, "care/lab_import.html", {"form": form, "errors": errors}, status=status)


# --- screening --------------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CARE_VIEW)
    context = {
        "page": _page(request, selectors.campaigns_for_user(request.user)),
        "may_record": _can(request, Perm.CARE_RECORD),
    }
    return render(request, "care/campaigns.html", context)


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    villages = scoped(request.user, OrgUnit.objects.filter(level=Level.VILLAGE), "path").order_by("path")
    form = forms.CampaignForm(request.POST or None, villages=villages)
    return _record(
        request,
        form,
        action=lambda f: services.campaign_plan(actor=request.user, **f.cleaned_data),
        success=lambda c: reverse("care-campaign", args=[c.pk]),
        message=_("Campaign planned. Generate its invitation list next."),
        context={"title": _("Plan a screening campaign"), "back": reverse("care-campaigns")},
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CARE_VIEW)
    campaign = access_campaign(request.user, pk)
    q = request.GET.get("q", "").strip()[:50]
    page = _page(request, selectors.campaign_invitations(campaign, q=q))
    context = {
        "campaign": campaign,
        "page": page,
        "q": q,
        "checkin": forms.CheckinForm(),
        "may_record": _can(request, Perm.CARE_RECORD),
        "today": timezone.localdate(),
    }
    if _htmx(request):
        return render(request, "care/campaign.html#invitations", context)
    return render(request, "care/campaign.html", context)


@login_required
@require_POST
def campaign_invite(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    campaign = access_campaign(request.user, pk)
    created = services.invitations_generate(actor=request.user, campaign=campaign)
    messages.success(request, _("%(n)d women added to the invitation list.") % {"n": created})
    return redirect("care-campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a woman in by the number on her ID card; htmx swaps in the result line."""
    require(request.user, Perm.CARE_RECORD)
    campaign = access_campaign(request.user, pk)
    form = forms.CheckinForm(request.POST)
    invitation, error = None, ""
    if form.is_valid():
        try:
            invitation = services.screening_checkin(
                actor=request.user, campaign=campaign, id_number=form.cleaned_data["id_number"]
            )
        except XingfuError as exc:
            if exc.status_code == 403:
                raise
            error = str(exc.message)
    else:
        error = _("Type the resident ID number.")
    context = {"campaign": campaign, "checked": invitation, "error": error, "checkin": forms.CheckinForm()}
    if _htmx(request):
        # htmx swaps 2xx answers only: the refusal is shown in the same place, with its reason.
        return render(request, "care/campaign.html#checkin", context)
    if invitation:
        messages.success(request, _("%(name)s checked in.") % {"name": invitation.person.name})
    else:
        messages.error(request, error)
    return redirect("care-campaign", pk=campaign.pk)


@login_required
def screening_result(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CARE_RECORD)
    invitation = access_invitation(request.user, pk)
    existing = getattr(invitation, "result", None)
    initial = (
        {
            "cervical": existing.cervical,
            "breast": existing.breast,
            "referral_to": existing.referral_to,
            "note": existing.note,
        }
        if existing
        else {}
    )
    form = forms.ScreeningResultForm(request.POST or None, initial=initial)
    return _record(
        request,
        form,
        action=lambda f: services.screening_result_record(actor=request.user, invitation=invitation, **f.cleaned_data),
        success=lambda r: reverse("care-campaign", args=[invitation.campaign_id]),
        message=_("Screening result recorded."),
        context={
            "title": _("Screening result: %(name)s") % {"name": invitation.person.name},
            "back": reverse("care-campaign", args=[invitation.campaign_id]),
        },
    )


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CARE_VIEW)
    rows = selectors.screening_coverage(request.user, on=timezone.localdate())
    return render(request, "care/coverage.html", {"page": _page(request, rows), "target": 50})
