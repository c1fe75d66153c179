"""Outreach pages: thin views that parse a form, call one service or selector, and render.

A service's refusal on a POST is shown on the form it came from, with its 4xx status, and nothing is changed;
a record outside the user's scope (NotFound from ``access``) becomes the 4xx error page through
XingfuErrorMiddleware.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from xingfu.accounts.access import may_see_unit, require
from xingfu.accounts.roles import Perm
from xingfu.core.errors import NotFound, XingfuError
from xingfu.core.masking import mask_id_number
from xingfu.outreach import services
from xingfu.outreach.access import (
    access_attachment,
    access_attendance,
    access_campaign,
    access_event,
    access_person,
    access_person_by_id_number,
    access_staff,
    access_staff_member,
    access_training,
)
from xingfu.outreach.exports import coverage_workbook
from xingfu.outreach.forms import (
    AttachmentForm,
    CampaignForm,
    EventForm,
    EventOutcomeForm,
    MediaPieceForm,
    TrainingForm,
)
from xingfu.outreach.models import Audience, Campaign, Event, EventKind, Outlet, Training
from xingfu.outreach.selectors import (
    ACTIVITY_KINDS,
    activity_label,
    campaigns_for_user,
    coverage_by_town,
    coverage_rows,
    coverage_summary,
    events_for_user,
    media_for_user,
    persons_search,
    training_attendances,
    training_record,
    trainings_for_user,
    upcoming_events,
)

PAGE_SIZE = 25


def _today() -> dt.date:
    return timezone.localdate()


def _year(request: HttpRequest, *, default: int | None) -> int | None:
    """``?year=`` if it is a plausible year; ``default`` otherwise (``?year=all`` gives None)."""
    raw = request.GET.get("year", "").strip()
    if raw == "all":
        return None
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return default


def _years() -> list[int]:
    this = _today().year
    return list(range(this + 1, this - 6, -1))


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_error(form: Any, exc: XingfuError, *, rename: dict[str, str] | None = None) -> int:
    """Show a service's refusal on the form (on its field if the form has one); returns the status to answer."""
    field = (rename or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))
    return exc.status_code


def _render(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    context.setdefault("can_record", request.user.can(Perm.OUTREACH_RECORD))  # type: ignore[union-attr]
    return render(request, template, context, status=status)


def _list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A list page, or (for htmx) only its results."""
    if request.htmx:  # type: ignore[attr-defined]
        template = f"{template}#results"
    return _render(request, template, context)


# --- home -------------------------------------------------------------------------------------------------


@login_required
def outreach_home(request: HttpRequest) -> HttpResponse:
    """This year's campaigns, the events coming up, and how many villages were reached so far."""
    require(request.user, Perm.OUTREACH_VIEW)
    today = _today()
    summary = coverage_summary(request.user, year=today.year)
    return _render(
        request,
        "outreach/home.html",
        {
            "year": today.year,
            "campaigns": campaigns_for_user(request.user, year=today.year)[:10],
            "upcoming": upcoming_events(request.user, today=today),
            "summary": summary,
            "unreached": summary["villages"] - summary["reached"],
        },
    )


# --- campaigns --------------------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OUTREACH_VIEW)
    q = request.GET.get("q", "").strip()
    year = _year(request, default=None)
    page = _page(request, campaigns_for_user(request.user, q=q, year=year))
    return _list(request, "outreach/campaigns.html", {"page": page, "q": q, "year": year, "years": _years()})


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OUTREACH_RECORD)
    form = CampaignForm(request.POST or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except XingfuError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, _("Campaign planned."))
            return redirect("outreach-campaign", pk=campaign.pk)
    return _render(
        request,
        "outreach/form.html",
        {"form": form, "title": pgettext("outreach campaign", "Plan a campaign")},
        status=status,
    )


def _campaign_page(request: HttpRequest, campaign: Campaign, *, form: Any = None, status: int = 200) -> HttpResponse:
    may_edit = request.user.can(Perm.OUTREACH_RECORD) and may_see_unit(request.user, campaign.orgunit)  # type: ignore[union-attr]
    if form is None and may_edit:
        form = CampaignForm(
            initial={
                "theme": campaign.theme,
                "orgunit": campaign.orgunit_id,
                "start_date": campaign.start_date,
                "end_date": campaign.end_date,
                "description": campaign.description,
            },
            user=request.user,
        )
        form.fields["orgunit"].disabled = True
    page = _page(request, events_for_user(request.user, campaign=campaign))
    context = {"campaign": campaign, "page": page, "form": form, "may_edit": may_edit}
    return _render(request, "outreach/campaign_detail.html", context, status=status)


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.OUTREACH_VIEW)
    return _campaign_page(request, access_campaign(request.user, pk))


@login_required
@require_POST
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.OUTREACH_RECORD)
    campaign = access_campaign(request.user, pk)
    form = CampaignForm(request.POST, user=request.user, initial={"orgunit": campaign.orgunit_id})
    form.fields["orgunit"].disabled = True
    status = 400
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "orgunit"}
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **data)
        except XingfuError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("outreach-campaign", pk=campaign.pk)
    campaign.refresh_from_db()
    return _campaign_page(request, campaign, form=form, status=status)


# --- events -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OUTREACH_VIEW)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in EventKind.values else ""
    year = _year(request, default=None)
    page = _page(request, events_for_user(request.user, q=q, kind=kind, year=year))
    context = {"page": page, "q": q, "kind": kind, "year": year, "years": _years(), "kinds": EventKind.choices}
    return _list(request, "outreach/events.html", context)


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OUTREACH_RECORD)
    initial: dict[str, Any] = {}
    if request.GET.get("campaign"):
        campaign = access_campaign(request.user, request.GET["campaign"])
        initial = {"campaign": campaign, "date": min(max(_today(), campaign.start_date), campaign.end_date)}
    form = EventForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        fields = {k: data[k] for k in ("campaign", "village", "date", "kind", "channel", "place", "note")}
        try:
            # The event and its photo together: a refused photo records no event.
            with transaction.atomic():
                event = services.event_create(
                    actor=request.user,
                    people_reached=data["people_reached"],
                    materials=form.materials(),
                    **fields,
                )
                if photo:
                    services.attachment_add(actor=request.user, upload=photo, event=event)
        except XingfuError as exc:
            status = _form_error(form, exc, rename={"file": "photo"})
        else:
            messages.success(request, _("Event recorded."))
            return redirect("outreach-event", pk=event.pk)
    return _render(request, "outreach/event_form.html", {"form": form}, status=status)


def _event_page(
    request: HttpRequest, event: Event, *, form: Any = None, upload: Any = None, status: int = 200
) -> HttpResponse:
    may_edit = request.user.can(Perm.OUTREACH_RECORD) and may_see_unit(request.user, event.village)  # type: ignore[union-attr]
    materials = list(event.materials.all())
    if may_edit and form is None:
        initial: dict[str, Any] = {
            "date": event.date,
            "kind": event.kind,
            "channel": event.channel,
            "place": event.place,
            "people_reached": event.people_reached,
            "note": event.note,
        }
        initial.update({f"material_{m.kind}": m.count for m in materials})
        form = EventOutcomeForm(initial=initial)
    context = {
        "event": event,
        "materials": materials,
        "attachments": list(event.attachments.all()),
        "form": form,
        "upload": upload if upload is not None else (AttachmentForm() if may_edit else None),
        "may_edit": may_edit,
    }
    return _render(request, "outreach/event_detail.html", context, status=status)


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.OUTREACH_VIEW)
    return _event_page(request, access_event(request.user, pk))


@login_required
@require_POST
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.OUTREACH_RECORD)
    event = access_event(request.user, pk)
    form = EventOutcomeForm(request.POST)
    status = 400
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("date", "kind", "channel", "place", "people_reached", "note")}
        try:
            services.event_update(actor=request.user, event=event, materials=form.materials(), **data)
        except XingfuError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("outreach-event", pk=event.pk)
    event.refresh_from_db()
    return _event_page(request, event, form=form, status=status)


@login_required
@require_POST
def event_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.OUTREACH_RECORD)
    event = access_event(request.user, pk)
    upload = AttachmentForm(request.POST, request.FILES)
    status = 400
    if upload.is_valid():
        try:
            services.attachment_add(actor=request.user, upload=upload.cleaned_data["file"], event=event)
        except XingfuError as exc:
            status = _form_error(upload, exc)
        else:
            messages.success(request, _("File attached."))
            return redirect("outreach-event", pk=event.pk)
    return _event_page(request, event, upload=upload, status=status)


# --- trainings and attendance ----------------------------------------------------------------------------


@login_required
@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OUTREACH_VIEW)
    q = request.GET.get("q", "").strip()
    audience = request.GET.get("audience", "")
    audience = audience if audience in Audience.values else ""
    year = _year(request, default=None)
    page = _page(request, trainings_for_user(request.user, q=q, year=year, audience=audience))
    context = {
        "page": page,
        "q": q,
        "year": year,
        "years": _years(),
        "audience": audience,
        "audiences": Audience.choices,
    }
    return _list(request, "outreach/trainings.html", context)


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OUTREACH_RECORD)
    form = TrainingForm(request.POST or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(actor=request.user, **form.cleaned_data)
        except XingfuError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, _("Training recorded. Now add who attended."))
            return redirect("outreach-training", pk=training.pk)
    return _render(request, "outreach/form.html", {"form": form, "title": _("Record a training")}, status=status)


def _training_page(request: HttpRequest, training: Training, *, error: str = "", status: int = 200) -> HttpResponse:
    may_record = request.user.can(Perm.OUTREACH_RECORD) and may_see_unit(request.user, training.orgunit)  # type: ignore[union-attr]
    attendances = list(training_attendances(training))
    for a in attendances:
        if a.person is not None:
            a.masked_id = mask_id_number(a.person.id_number)  # type: ignore[attr-defined]
    context = {
        "training": training,
        "attendances": attendances,
        "may_record": may_record,
        "has_taken_place": training.date <= _today(),
        "staff": access_staff(request.user).filter(is_active=True).order_by("username") if may_record else [],
        "error": error,
        "id_number": request.POST.get("id_number", "") if request.method == "POST" else "",
    }
    return _render(request, "outreach/training_detail.html", context, status=status)


@login_required
@require_GET
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.OUTREACH_VIEW)
    return _training_page(request, access_training(request.user, pk))


@login_required
@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an attendee by resident-ID number, by a resident picked in the search, or by staff account."""
    require(request.user, Perm.OUTREACH_RECORD)
    training = access_training(request.user, pk)
    try:
        if request.POST.get("id_number", "").strip():
            person = access_person_by_id_number(request.user, request.POST["id_number"])
            services.attendance_add(actor=request.user, training=training, person=person)
        elif request.POST.get("person"):
            person = access_person(request.user, request.POST["person"])
            services.attendance_add(actor=request.user, training=training, person=person)
        elif request.POST.get("user"):
            staff = access_staff_member(request.user, request.POST["user"])
            services.attendance_add(actor=request.user, training=training, user=staff)
        else:
            return _training_page(
                request,
                training,
                error=_("Give a resident ID number, pick a resident, or pick a staff member."),
                status=400,
            )
    except XingfuError as exc:
        return _training_page(request, training, error=str(exc.message), status=exc.status_code)
    messages.success(request, _("Attendance recorded."))
    return redirect("outreach-training", pk=training.pk)


@login_required
@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.OUTREACH_RECORD)
    attendance = access_attendance(request.user, pk)
    training_pk = attendance.training_id
    services.attendance_remove(actor=request.user, attendance=attendance)
    messages.success(request, _("Attendance removed."))
    return redirect("outreach-training", pk=training_pk)


@login_required
@require_GET
def person_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Residents in scope matching ``?q=`` (ID number or name), to add to training ``pk`` (htmx)."""
    require(request.user, Perm.OUTREACH_RECORD)
    training = access_training(request.user, pk)
    q = request.GET.get("q", "").strip()
    persons = list(persons_search(request.user, q)) if q else []
    for p in persons:
        p.masked_id = mask_id_number(p.id_number)  # type: ignore[attr-defined]
    return _render(
        request, "outreach/training_detail.html#person_results", {"training": training, "persons": persons, "q": q}
    )


@login_required
@require_GET
def person_trainings(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's training record: every training attended, with the total hours."""
    require(request.user, Perm.OUTREACH_VIEW)
    person = access_person(request.user, pk)
    record = training_record(person=person)
    context = {
        "record": record,
        "who": person.name,
        "detail": f"{mask_id_number(person.id_number)} · {person.orgunit.name}",
    }
    return _render(request, "outreach/training_record.html", context)


@login_required
@require_GET
def staff_trainings(request: HttpRequest, pk: int) -> HttpResponse:
    """A staff member's training record (every user may see her own)."""
    require(request.user, Perm.OUTREACH_VIEW)
    staff = access_staff_member(request.user, pk)
    record = training_record(staff=staff)
    context = {
        "record": record,
        "who": staff.display_name,
        "detail": f"{staff.get_role_display()} · {staff.scope.name if staff.scope else ''}",
    }
    return _render(request, "outreach/training_record.html", context)


@login_required
def my_trainings(request: HttpRequest) -> HttpResponse:
    return redirect("outreach-staff-trainings", pk=request.user.pk)


# --- media ------------------------------------------------------------------------------------------------


@login_required
def media_list(request: HttpRequest) -> HttpResponse:
    """Media pieces in scope; the form to record one sits above the list for those who may record."""
    require(request.user, Perm.OUTREACH_VIEW)
    form = None
    status = 200
    if request.user.can(Perm.OUTREACH_RECORD):  # type: ignore[union-attr]
        form = MediaPieceForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                data = dict(form.cleaned_data)
                clipping = data.pop("clipping", None)
                try:
                    with transaction.atomic():
                        piece = services.media_piece_create(actor=request.user, **data)
                        if clipping:
                            services.attachment_add(actor=request.user, upload=clipping, media_piece=piece)
                except XingfuError as exc:
                    status = _form_error(form, exc, rename={"file": "clipping"})
                else:
                    messages.success(request, _("Media piece recorded."))
                    return redirect("outreach-media")
    elif request.method == "POST":
        require(request.user, Perm.OUTREACH_RECORD)
    q = request.GET.get("q", "").strip()
    outlet = request.GET.get("outlet", "")
    outlet = outlet if outlet in Outlet.values else ""
    year = _year(request, default=None)
    rows = media_for_user(request.user, q=q, outlet=outlet, year=year).prefetch_related("attachments")
    context = {
        "page": _page(request, rows),
        "q": q,
        "outlet": outlet,
        "outlets": Outlet.choices,
        "year": year,
        "years": _years(),
        "form": form,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return _render(request, "outreach/media.html#results", context)
    return _render(request, "outreach/media.html", context, status=status)


# --- coverage ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Which villages had which kind of activity in a year: the villages not reached first, then a grid of
    every village by town, each cell shaded by its number of activities."""
    require(request.user, Perm.OUTREACH_VIEW)
    year = _year(request, default=_today().year) or _today().year
    rows = coverage_rows(request.user, year=year)
    unreached = [r for r in rows if not r.reached]
    context = {
        "year": year,
        "years": _years(),
        "unreached": unreached,
        "towns": coverage_by_town(rows),
        "n_villages": len(rows),
        "n_reached": len(rows) - len(unreached),
        "legend": [(k, activity_label(k)) for k in ACTIVITY_KINDS],
    }
    return _render(request, "outreach/coverage.html", context)


@login_required
@require_GET
def coverage_xlsx(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.OUTREACH_VIEW)
    year = _year(request, default=_today().year) or _today().year
    content = coverage_workbook(coverage_rows(request.user, year=year), year=year)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="outreach-coverage-{year}.xlsx"'
    return response


# --- attachments ------------------------------------------------------------------------------------------


@login_required
@require_GET
def attachment_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An event photo or clipping, for signed-in users whose scope holds it (never served as public media).
    Images open in the page; PDFs download."""
    require(request.user, Perm.OUTREACH_VIEW)
    attachment = access_attachment(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(_("The file of attachment %(id)s is missing.") % {"id": pk}) from None
    name = attachment.original_name or attachment.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=not attachment.is_image, filename=name
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
