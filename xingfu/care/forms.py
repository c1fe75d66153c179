"""Forms of the care pages. They parse what was typed; the services decide what is allowed."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xingfu.care.models import (
    GRADED_COLOURS,
    RISK_CLASSES,
    BreastResult,
    CareOutcome,
    CervicalResult,
    CheckConclusion,
    CheckItem,
    CheckPopulation,
    RiskColour,
    Stage,
)

DATE = forms.DateInput(attrs={"type": "date"})


class _Form(forms.Form):
    template_name_div = "django/forms/div.html"


class PregnancyForm(_Form):
    id_number = forms.CharField(
        label=_("Her resident ID number"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )
    lmp = forms.DateField(label=_("First day of the last menstrual period"), widget=DATE)
    enrolled_on = forms.DateField(label=_("Registered on"), widget=DATE, initial=timezone.localdate)
    responsible: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Responsible health worker"), queryset=None, required=False
    )  # type: ignore[arg-type]

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["responsible"]
        field.queryset = workers
        field.label_from_instance = lambda u: f"{u.display_name} ({u.scope.name})"
        field.empty_label = _("— you, if you work in the village; otherwise nobody yet —")


class VisitForm(_Form):
    date = forms.DateField(label=_("Date of the visit"), widget=DATE, initial=timezone.localdate)
    stage: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Which contact"), queryset=None, required=False
    )  # type: ignore[arg-type]
    colour = forms.ChoiceField(
        label=_("Risk colour"),
        required=False,
        choices=[("", _("— not assessed at this visit —")), *[(c.value, c.label) for c in GRADED_COLOURS]],
        help_text=_("The highest colour among the risk factors found."),
    )
    purple = forms.BooleanField(label=RiskColour.PURPLE.label, required=False)
    findings = forms.CharField(
        label=_("Findings"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), required=False, max_digits=4, decimal_places=1)
    bp_systolic = forms.IntegerField(label=_("Blood pressure, systolic"), required=False, min_value=0, max_value=400)
    bp_diastolic = forms.IntegerField(label=_("Blood pressure, diastolic"), required=False, min_value=0, max_value=400)
    referral_to = forms.CharField(
        label=_("Referred to"), required=False, max_length=200, help_text=_("Its follow-up is due within two weeks.")
    )

    def __init__(self, *args: Any, stages: Any, fixed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["stage"]
        field.queryset = stages
        field.empty_label = _("— an unscheduled visit —")
        if fixed:
            field.disabled = True

    def colours(self) -> list[str]:
        data = self.cleaned_data
        colours = [data["colour"]] if data.get("colour") else []
        if data.get("purple"):
            colours.append(RiskColour.PURPLE.value)
        return colours


class OutcomeForm(_Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CareOutcome.choices)
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    father_id_number = forms.CharField(label=_("Father's resident ID number (optional)"), required=False, max_length=24)
    child1_name = forms.CharField(label=_("Child's name (live birth)"), required=False, max_length=50)
    child1_sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", "—"), ("F", _("Female")), ("M", _("Male"))]
    )
    child2_name = forms.CharField(label=_("Second child's name (twins)"), required=False, max_length=50)
    child2_sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", "—"), ("F", _("Female")), ("M", _("Male"))]
    )

    def children(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [
            (data[f"child{i}_name"], data[f"child{i}_sex"])
            for i in (1, 2)
            if data.get(f"child{i}_name") or data.get(f"child{i}_sex")
        ]


class ResponsibleForm(_Form):
    worker: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Responsible health worker"), queryset=None, required=False
    )  # type: ignore[arg-type]

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["worker"]
        field.queryset = workers
        field.label_from_instance = lambda u: f"{u.display_name} ({u.scope.name})"
        field.empty_label = _("— nobody —")


class CloseForm(_Form):
    reason = forms.CharField(label=_("Why the enrolment ends"), max_length=200)


class CheckUpForm(_Form):
    woman_id_number = forms.CharField(label=_("Her resident ID number"), max_length=24)
    partner_id_number = forms.CharField(
        label=_("Her partner's resident ID number"),
        max_length=24,
        required=False,
        help_text=_("Leave empty if only she is examined."),
    )
    booked_for = forms.DateField(label=_("Appointment"), widget=DATE, initial=timezone.localdate)


class ResultsForm(_Form):
    """One value (and an abnormal tick) per item and partner: the whole check-up on one page."""

    measured_on = forms.DateField(label=_("Examined on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, items: list[CheckItem], partner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[CheckItem, list[tuple[str, str]]]] = []
        for item in items:
            cells = []
            for who in ("F", "M"):
                if who == "M" and (not partner or item.women_only):
                    continue
                self.fields[f"v_{item.code}_{who}"] = forms.CharField(required=False, max_length=200, label=item.name)
                self.fields[f"a_{item.code}_{who}"] = forms.BooleanField(required=False, label=_("abnormal"))
                cells.append((f"v_{item.code}_{who}", f"a_{item.code}_{who}"))
            self.rows.append((item, cells))

    def bound_rows(self) -> list[tuple[CheckItem, list[tuple[Any, Any]]]]:
        return [(item, [(self[v], self[a]) for v, a in cells]) for item, cells in self.rows]

    def results(self) -> list[dict[str, Any]]:
        out = []
        for item, cells in self.rows:
            for v, a in cells:
                value = (self.cleaned_data.get(v) or "").strip()
                if value:
                    out.append({"item": item.code, "who": v[-1], "value": value, "abnormal": self.cleaned_data.get(a)})
        return out


class AssessForm(_Form):
    population = forms.ChoiceField(label=_("Population"), choices=CheckPopulation.choices, widget=forms.RadioSelect)
    risk_classes = forms.MultipleChoiceField(
        label=_("Risk classes found"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("A", _("A: avoidable")),
            ("B", _("B: benefits from targeted medical intervention")),
            ("C", _("C: controllable, close monitoring in pregnancy")),
            ("D", _("D: diagnosable prenatally, not modifiable")),
            ("X", _("X: pregnancy not advisable")),
        ],
    )
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=CheckConclusion.choices, widget=forms.RadioSelect)
    counselling = forms.CharField(
        label=_("Counselling given"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def classes(self) -> str:
        return "".join(c for c in RISK_CLASSES if c in self.cleaned_data.get("risk_classes", []))


class LabImportForm(_Form):
    file = forms.FileField(label=_("Analyser file (CSV, UTF-8)"))


class CampaignForm(_Form):
    village: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(label=_("Village"), queryset=None)  # type: ignore[arg-type]
    name = forms.CharField(label=_("Name"), max_length=100)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["village"]
        field.queryset = villages
        field.label_from_instance = lambda v: v.name


class CheckinForm(_Form):
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class ScreeningResultForm(_Form):
    cervical = forms.ChoiceField(label=_("Cervical screening"), choices=CervicalResult.choices)
    breast = forms.ChoiceField(label=_("Breast screening"), choices=BreastResult.choices)
    referral_to = forms.CharField(label=_("Referred to"), required=False, max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class EnrollmentFilterForm(_Form):
    q = forms.CharField(required=False, max_length=50)
    status = forms.ChoiceField(
        required=False, choices=[("open", _("Open")), ("closed", _("Closed")), ("", _("All"))], initial="open"
    )


def stage_queryset(programme_id: int) -> Any:
    return Stage.objects.filter(programme_id=programme_id).order_by("order")
