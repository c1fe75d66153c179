"""The import pages: upload a spreadsheet, watch it being checked and written, read or download the report."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from xingfu.accounts.access import require, scope_path
from xingfu.accounts.roles import Perm
from xingfu.core.errors import NotFound, XingfuError
from xingfu.registry.imports.columns import COLUMNS
from xingfu.registry.imports.report import report_xlsx, template_csv, template_xlsx
from xingfu.registry.imports.services import import_create
from xingfu.registry.models_imports import ImportBatch
from xingfu.registry.tasks import registry_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_PAGE = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("The filled-in template: .xlsx, or .csv in UTF-8 or GBK."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )


def _batches(user: Any) -> QuerySet[ImportBatch]:
    """Imports into the user's scope (a town officer sees her town's, the district admin all)."""
    prefix = scope_path(user)
    if prefix is None:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(scope__path__startswith=prefix).select_related("uploaded_by", "scope")


def _batch(user: Any, pk: int) -> ImportBatch:
    batch = _batches(user).filter(pk=pk).first()
    if batch is None:
        raise NotFound(_("No import #%(id)d in your scope.") % {"id": pk})
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def import_home(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.REGISTRY_IMPORT)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = import_create(actor=request.user, file_name=upload.name, content=upload.read())
            except XingfuError as exc:
                form.add_error("file", str(exc.message))
            else:
                transaction.on_commit(lambda: registry_import.enqueue(batch.pk))
                return redirect("registry-import-batch", pk=batch.pk)
        status = 400
    recent = Paginator(_batches(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/import/home.html",
        {"form": form, "page": recent, "columns": COLUMNS},
        status=status,
    )


@login_required
@require_GET
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_IMPORT)
    batch = _batch(request.user, pk)
    page = Paginator(batch.report or [], REPORT_PAGE).get_page(request.GET.get("page"))
    return render(request, "registry/import/batch.html", {"batch": batch, "page": page})


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx every second; once the batch has finished, the whole page reloads to
    show the outcome."""
    require(request.user, Perm.REGISTRY_IMPORT)
    batch = _batch(request.user, pk)
    response = render(request, "registry/import/batch.html#progress", {"batch": batch})
    if batch.finished and request.htmx:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.REGISTRY_IMPORT)
    batch = _batch(request.user, pk)
    response = HttpResponse(report_xlsx(batch), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.xlsx"'
    return response


@login_required
@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, Perm.REGISTRY_IMPORT)
    if fmt == "xlsx":
        response = HttpResponse(template_xlsx(), content_type=XLSX)
    elif fmt == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    else:
        raise NotFound(_("The template comes as xlsx or csv."))
    response["Content-Disposition"] = f'attachment; filename="xingfu-registry-import-template.{fmt}"'
    return response
