"""The page that fills in a form and calls one service, shared by the apps' views.

A service refuses with a ``XingfuError`` naming the field at fault; the page shows the refusal beside that
field (or above the form) and answers 400, and nothing was written because the service rolled back. A
refusal for lack of permission is not a form error: it propagates to the 403 page.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xingfu.core.errors import XingfuError


def show_error(form: forms.Form, error: XingfuError, *, rename: dict[str, str] | None = None) -> None:
    """A service's refusal on the field it names (``rename`` maps service names to form names), else on the
    form as a whole."""
    field = (rename or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    action: Callable[[Any], Any],
    success: Callable[[Any], str],
    message: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """POST: validate, call ``action(form)``, redirect to ``success(result)`` with ``message``.
    GET, or a POST that fails: the form (400 for the failed POST)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form)
        except XingfuError as error:
            if error.status_code == 403:
                raise
            show_error(form, error)
        else:
            messages.success(request, message)
            return redirect(success(result))
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)
