"""Helpers the benefits pages share."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xingfu.accounts.roles import Perm
from xingfu.benefits.forms import show_error
from xingfu.core.errors import Conflict, ValidationFailed

PAGE_SIZE = 25


def htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def can(request: HttpRequest, perm: Perm) -> bool:
    return bool(request.user.can(perm))  # type: ignore[union-attr]


def page_of(request: HttpRequest, qs: QuerySet[Any], size: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def record(
    request: HttpRequest,
    form: Any,
    *,
    action: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
    message: str,
    context: dict[str, Any],
    template: str = "benefits/form.html",
) -> HttpResponse:
    """POST: validate, call the service, redirect with a message; a refusal is shown on the form (the service
    changed nothing; a permission refusal is a 403 page). GET: the empty form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except (ValidationFailed, Conflict) as error:
            show_error(form, error)
        else:
            messages.success(request, message)
            return redirect(success(result))
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)
