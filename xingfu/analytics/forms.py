"""Forms of the analytics pages. They check shapes only; the services check meaning (a source's fields, a
target's indicator) and their refusals are shown on the form."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xingfu.analytics.models import (
    DecisionKind,
    Indicator,
    IndicatorPeriodType,
    IndicatorUnit,
    Scorecard,
    ScorecardSubject,
    ScoringRule,
)


class JSONObjectField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "class": "code"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    numerator = JSONObjectField(
        label=_("Numerator"),
        help_text=_('E.g. {"source": "births", "filters": [{"field": "sex", "op": "eq", "value": "M"}]}'),
    )
    denominator = JSONObjectField(label=_("Denominator"), required=False, help_text=_("Empty for a count."))
    scale = forms.IntegerField(label=_("Scale"), min_value=1, max_value=100_000, initial=1)
    unit = forms.ChoiceField(label=_("Unit"), choices=IndicatorUnit.choices)
    decimals = forms.IntegerField(label=_("Decimals shown"), min_value=0, max_value=4, initial=0)
    period_types = forms.MultipleChoiceField(
        label=_("Period types"), choices=IndicatorPeriodType.choices, widget=forms.CheckboxSelectMultiple
    )
    targetable = forms.BooleanField(label=_("May be a scorecard target (service indicators only)"), required=False)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["period_types"] = list(data["period_types"])
        return data


class ScorecardForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    subject = forms.ChoiceField(label=_("Assessed"), choices=ScorecardSubject.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class LineForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.filter(active=True, targetable=True), to_field_name="code"
    )
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=6, decimal_places=2)
    rule = forms.ChoiceField(label=_("Scoring rule"), choices=ScoringRule.choices)
    floor = forms.DecimalField(label=_("Floor"), required=False, max_digits=14, decimal_places=4)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=4)

    def __init__(self, *args: Any, scorecard: Scorecard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scorecard.subject == ScorecardSubject.TOWN:
            del self.fields["department"]


class DecisionForm(forms.Form):
    subject = forms.ChoiceField(label=_("Town or department"))
    kind = forms.ChoiceField(label=pgettext_lazy("scorecard decision", "Decision"), choices=DecisionKind.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]
