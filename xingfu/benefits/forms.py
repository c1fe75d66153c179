"""Forms of the benefits pages. They parse and check shapes; the services decide and refuse."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xingfu.benefits.models import (
    BenefitKind,
    CommitmentCategory,
    PayeeKind,
    ProgrammeLevel,
    Unit,
)
from xingfu.core.errors import XingfuError

DATE = forms.DateInput(attrs={"type": "date"})


def show_error(form: forms.Form, error: XingfuError) -> None:
    """A service's refusal shown on the form, by its field when the form has one."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class JSONTextField(forms.CharField):
    """A JSON value typed into a text area (conditions and amounts are data, not code)."""

    widget = forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "json"})

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text in (None, ""):
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": error.msg}) from None


class ProgrammeForm(forms.Form):
    code = forms.RegexField(r"^[a-z0-9][a-z0-9-]{1,39}$", label=_("Code"), help_text=_("e.g. only-daughter"))
    name_zh = forms.CharField(label=_("Chinese name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    level = forms.ChoiceField(label=pgettext_lazy("programme level", "Level"), choices=ProgrammeLevel.choices)
    unit = forms.ChoiceField(label=pgettext_lazy("benefit unit", "Unit"), choices=Unit.choices)
    benefit_kind = forms.ChoiceField(label=_("Benefit kind"), choices=BenefitKind.choices)
    payee = forms.ChoiceField(label=_("Payee"), choices=PayeeKind.choices)
    third_party = forms.CharField(label=_("Third party"), max_length=100, required=False)
    funding_source = forms.CharField(label=_("Funding source"), max_length=100, required=False)
    fund = forms.ChoiceField(label=_("Paid from the fund"), required=False)
    needs_application = forms.BooleanField(label=_("Needs an application"), required=False)
    attachments = JSONTextField(
        label=_("Documents an application lists"),
        required=False,
        help_text=_('e.g. [{"name": "Admission letter", "types": "pdf,jpg"}]'),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    conditions = JSONTextField(label=_("Conditions"), help_text=_("A condition tree over the facts listed below."))
    amount = JSONTextField(label=_("Amount"), help_text=_('e.g. {"mode": "fixed", "amount": "50.00"}'))


class RuleForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    conditions = JSONTextField(label=_("Conditions"))
    amount = JSONTextField(label=_("Amount"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WhatIfForm(forms.Form):
    on = forms.DateField(label=_("Reference date"), widget=DATE, required=False)
    conditions = JSONTextField(label=_("Draft conditions"), required=False, help_text=_("Empty: the current rule's."))
    amount = JSONTextField(label=_("Draft amount"), required=False, help_text=_("Empty: the current rule's."))


class CyclePrepareForm(forms.Form):
    programmes = forms.MultipleChoiceField(label=_("Programmes"), widget=forms.CheckboxSelectMultiple)
    period = forms.RegexField(
        r"^\d{4}(\d{2})?$",
        label=pgettext_lazy("payment period", "Period"),
        help_text=_("202610 (a month) or 2026 (a year)"),
    )
    scope = forms.ChoiceField(label=_("Scope"))

    def __init__(self, *args: Any, programmes: list[tuple[str, str]], scopes: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].choices = programmes  # type: ignore[attr-defined]
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ResultsForm(forms.Form):
    file = forms.FileField(label=_("Results file (CSV or XLSX)"))


class ApplicationForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, tiers: list[str], documents: list[dict[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.documents = documents
        if tiers:
            self.fields["tier"].choices = [(t, t) for t in tiers]  # type: ignore[attr-defined]
            self.fields["tier"].required = True
        else:
            del self.fields["tier"]
        for i, document in enumerate(documents):
            self.fields[f"document_{i}"] = forms.FileField(
                label=document["name"], required=False, help_text=document.get("types", "")
            )
            self.fields[f"listed_{i}"] = forms.BooleanField(
                label=_("%(name)s: seen (no file)") % {"name": document["name"]}, required=False
            )


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", pgettext_lazy("application decision", "Reject"))],
        coerce=lambda v: v == "1",
    )
    amount = forms.DecimalField(
        label=_("Amount (case by case)"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class MoneyInForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("budget", _("Budget allocation")), ("donation", _("Donation"))])
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=0)
    date = forms.DateField(label=_("Date"), widget=DATE)
    source = forms.CharField(label=pgettext_lazy("money source", "From"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CommitmentForm(forms.Form):
    department = forms.CharField(label=_("Department"), max_length=100)
    title = forms.CharField(label=_("Commitment"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=CommitmentCategory.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FulfilmentForm(forms.Form):
    id_number = forms.CharField(
        label=_("Resident-ID number of a household member"), max_length=24, help_text=_("Finds the household.")
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("What was done"), max_length=200, required=False)
    value = forms.DecimalField(label=_("Value (yuan)"), max_digits=12, decimal_places=2, required=False, min_value=0)


class CertificateCheckForm(forms.Form):
    id_number = forms.CharField(label=_("Resident-ID number"), max_length=24)


class IssueForm(forms.Form):
    scope = forms.ChoiceField(label=_("Households of"))
    on = forms.DateField(label=_("Qualifying on"), widget=DATE)

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]
