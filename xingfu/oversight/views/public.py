"""The public tip-off pages: no login. A member of the public reports a provider or practice, may stay
anonymous, and gets a tracking code to follow the status (the status only, never internal notes)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from xingfu.core.errors import NotFound, XingfuError
from xingfu.oversight.forms import PublicReportForm, StatusLookupForm, add_service_error
from xingfu.oversight.services.tipoffs import (
    ABOUT_PREGNANT_WOMAN,
    TooManyReports,
    challenge_new,
    format_tracking_code,
    refusal_message,
    tipoff_public_status,
    tipoff_submit,
)
from xingfu.oversight.views._common import client_ip


def _form_page(
    request: HttpRequest, form: PublicReportForm, *, status: int = 200, refused: str = "", notice: str = ""
) -> HttpResponse:
    # Every showing of the form gets a fresh question: a used or expired one is never offered again.
    context = {"form": form, "challenge": challenge_new(), "refused": refused, "notice": notice}
    return render(request, "oversight/public_report.html", context, status=status)


def _too_many(request: HttpRequest) -> bool:
    from xingfu.oversight.api.public import PublicPageThrottle

    return not PublicPageThrottle().allow_request(request, None)  # type: ignore[arg-type]


@never_cache
def public_report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, PublicReportForm())
    form = PublicReportForm(request.POST, request.FILES)
    if _too_many(request):
        return _form_page(request, PublicReportForm(), status=429, notice=TooManyReports.default_message())
    if request.POST.get("about") == ABOUT_PREGNANT_WOMAN:
        # Refused before anything else is looked at, and nothing is kept.
        form = PublicReportForm()
        return _form_page(request, form, status=400, refused=refusal_message())
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    try:
        _tipoff, code = tipoff_submit(
            about=data["about"],
            provider=data["provider"],
            description=data["description"],
            place=data["place"],
            occurred=data["occurred"],
            contact=data["contact"],
            town=data["town"],
            attachment=data.get("attachment") or None,
            client_ip=client_ip(request),
            challenge_token=data["challenge_token"],
            challenge_answer=data["challenge_answer"],
        )
    except TooManyReports as error:
        form.add_error(None, str(error.message))
        return _form_page(request, form, status=429)
    except XingfuError as error:
        add_service_error(form, error)
        return _form_page(request, form, status=400)
    return render(
        request,
        "oversight/public_thanks.html",
        {"code": format_tracking_code(code), "anonymous": not data["contact"]},
        status=201,
    )


@never_cache
def public_status(request: HttpRequest) -> HttpResponse:
    """Status by tracking code. The code is sent by POST so that it stays out of addresses and logs."""
    form = StatusLookupForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    status_code = 200
    if request.method == "POST" and _too_many(request):
        context = {"form": StatusLookupForm(), "notice": TooManyReports.default_message()}
        return render(request, "oversight/public_status.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            context["result"] = tipoff_public_status(code=form.cleaned_data["code"])
        except NotFound as error:
            # The same answer for a code that never existed and one mistyped.
            form.add_error("code", str(error.message))
            status_code = 404
    elif request.method == "POST":
        status_code = 400
    return render(request, "oversight/public_status.html", context, status=status_code)
