"""Forms of the oversight pages. They parse input only; every rule lives in the services, whose refusals
are put back on the form by ``add_service_error``."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xingfu.accounts.roles import Role
from xingfu.core.errors import XingfuError
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.oversight import rules
from xingfu.oversight.models import (
    CaseOutcome,
    ChecklistAnswer,
    ChecklistItem,
    Facility,
    FacilityKind,
    FacilityStatus,
    FindingKind,
    InspectionKind,
    Service,
    StepKind,
    TipOffAbout,
    TipOffChannel,
)
from xingfu.oversight.services.tipoffs import PUBLIC_ABOUT_CHOICES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_error(form: forms.Form, error: XingfuError) -> None:
    """Show a service's refusal beside the field it names (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        prefix = "" if obj.level == Level.TOWN else "· "
        return f"{prefix}{obj.name} ({obj.code})"


def units_in_scope(user: Any, levels: tuple[str, ...] = (Level.TOWN, Level.VILLAGE)) -> QuerySet[OrgUnit]:
    from xingfu.accounts.access import access_orgunits

    return access_orgunits(user).filter(level__in=levels).order_by("path")


class FacilityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=FacilityKind.choices)
    orgunit = UnitChoiceField(label=_("Village or town"), queryset=OrgUnit.objects.none())
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    licence_number = forms.CharField(label=_("Licence number"), max_length=64, required=False)
    licence_expiry = forms.DateField(label=_("Licence expires"), required=False, widget=DateInput())
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=100, required=False)
    phone = forms.CharField(label=_("Facility phone"), max_length=30, required=False)
    staff_count = forms.IntegerField(label=_("Number of staff"), min_value=0, max_value=100000, initial=0)
    staff = forms.CharField(
        label=_("Staff"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One person per line: name and role."),
    )
    services = forms.MultipleChoiceField(
        label=_("Services offered"), choices=Service.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=_("Status"), choices=FacilityStatus.choices, initial=FacilityStatus.OPEN)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgunit"].queryset = units_in_scope(user)  # type: ignore[attr-defined]


class DeviceForm(forms.Form):
    make = forms.CharField(label=_("Make"), max_length=100)
    model_name = forms.CharField(label=_("Model"), max_length=100)
    serial = forms.CharField(label=_("Serial number"), max_length=64)
    purchase_date = forms.DateField(label=_("Purchase date"), widget=DateInput())
    seller = forms.CharField(label=_("Seller"), max_length=200, required=False)
    facility = forms.ModelChoiceField(label=_("Location (facility)"), queryset=Facility.objects.none())
    operators = forms.CharField(
        label=_("Authorised operators"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One operator per line."),
    )
    health_reg_number = forms.CharField(label=_("Health department registration number"), required=False)
    health_reg_date = forms.DateField(
        label=_("Health department registration date"), required=False, widget=DateInput()
    )
    fp_reg_number = forms.CharField(label=_("Family-planning registration number"), required=False)
    fp_reg_date = forms.DateField(label=_("Family-planning registration date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, facilities: QuerySet[Facility], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities.filter(status="open").order_by("name")  # type: ignore[attr-defined]
        if editing:
            # Where a device stands changes through a move or a sale, which keep the history.
            del self.fields["facility"]


class DeviceEventForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    to_facility = forms.ModelChoiceField(label=_("To facility"), queryset=Facility.objects.none(), required=False)
    counterparty = forms.CharField(label=_("Buyer or recycler"), max_length=200, required=False)
    in_use = forms.BooleanField(label=_("In use at the new place"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_facility"].queryset = facilities.filter(status="open").order_by("name")  # type: ignore[attr-defined]


class InspectionForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, v) for k, v in InspectionKind.choices if k != InspectionKind.REINSPECTION],
        initial=InspectionKind.UNANNOUNCED,
    )
    planned_for = forms.DateField(label=_("Date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Closed facilities stay in the list so that choosing one gets the clear refusal.
        self.fields["facility"].queryset = facilities.order_by("name")  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ChecklistForm(forms.Form):
    """One yes/no/n.a. question per active checklist item, with a note; built from the items (data)."""

    done_on = forms.DateField(label=pgettext_lazy("inspection", "Date of the visit"), widget=DateInput())
    summary = forms.CharField(
        label=pgettext_lazy("inspection summary", "Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, items: list[ChecklistItem], reinspection: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=item.text, choices=ChecklistAnswer.choices, widget=forms.RadioSelect
            )
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("Note"), required=False, max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"})
            )
        if reinspection:
            self.fields["finding_corrected"] = forms.BooleanField(
                label=_("The finding this visit checks has been corrected"), required=False
            )

    def rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField]]:
        return [(item, self[f"item_{item.code}"], self[f"note_{item.code}"]) for item in self.items]

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            item.code: (self.cleaned_data[f"item_{item.code}"], self.cleaned_data.get(f"note_{item.code}") or "")
            for item in self.items
        }


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    correction_due = forms.DateField(label=_("Correct by"), widget=DateInput())


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PublicReportForm(forms.Form):
    """The public tip-off form. ``about`` offers "a pregnant woman" only to refuse it with an explanation."""

    about = forms.ChoiceField(
        label=_("What is this report about?"), choices=PUBLIC_ABOUT_CHOICES, widget=forms.RadioSelect
    )
    provider = forms.CharField(
        label=_("Name of the provider, clinic or person (if you know it)"), max_length=200, required=False
    )
    description = forms.CharField(label=_("What happened?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    place = forms.CharField(label=_("Where? (address or description of the place)"), max_length=300)
    town = forms.ModelChoiceField(
        label=_("Town (if you know it)"),
        queryset=OrgUnit.objects.filter(level=Level.TOWN).order_by("code"),
        required=False,
    )
    occurred = forms.CharField(label=_("When? (date or period)"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("Your phone or other contact (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "Leave this empty to stay anonymous. If you give it, only the official handling your report sees it."
        ),
    )
    attachment = forms.FileField(
        label=_("Photo or PDF (optional, at most 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf"}),
    )
    challenge_answer = forms.CharField(label=_("Answer"), max_length=10)
    challenge_token = forms.CharField(widget=forms.HiddenInput, max_length=500)


class StatusLookupForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=100)


class TipOffRecordForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(k, v) for k, v in TipOffChannel.choices if k in ("hotline", "letter", "media")],
    )
    about = forms.ChoiceField(label=_("About"), choices=TipOffAbout.choices)
    provider = forms.CharField(label=_("Provider or practice"), max_length=200, required=False)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    place = forms.CharField(label=_("Where"), max_length=300)
    orgunit = UnitChoiceField(label=_("Town or district concerned"), queryset=OrgUnit.objects.none())
    occurred = forms.CharField(label=_("When"), max_length=100, required=False)
    contact = forms.CharField(label=_("Reporter's contact (confidential)"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgunit"].queryset = units_in_scope(user, (Level.DISTRICT, Level.TOWN))  # type: ignore[attr-defined]


def case_owners(user: Any) -> QuerySet[Any]:
    """Who may own a case: active inspectors and district admins in the user's subtree (the service checks
    that the owner's scope covers the case's place)."""
    from django.contrib.auth import get_user_model

    from xingfu.accounts.access import scoped

    User = get_user_model()
    qs = User.objects.filter(role__in=[Role.INSPECTOR, Role.DISTRICT_ADMIN], is_active=True)
    return scoped(user, qs, "scope__path").order_by("username")


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("new_case", _("Open a new case")),
            ("join_case", _("Add to an existing case")),
            ("dismiss", _("No action possible")),
        ],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Case title"), max_length=200, required=False)
    orgunit = UnitChoiceField(label=_("Town or district of the case"), queryset=OrgUnit.objects.none(), required=False)
    owner = UserChoiceField(label=_("Owner"), queryset=OrgUnit.objects.none(), required=False)
    case = forms.ModelChoiceField(label=_("Existing case"), queryset=OrgUnit.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason (when no action is possible)"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, cases: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgunit"].queryset = units_in_scope(user, (Level.DISTRICT, Level.TOWN))  # type: ignore[attr-defined]
        self.fields["owner"].queryset = case_owners(user)  # type: ignore[attr-defined]
        self.fields["case"].queryset = cases.filter(status="open").order_by("-opened_on")  # type: ignore[attr-defined]


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=pgettext_lazy("case summary", "Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    orgunit = UnitChoiceField(label=_("Town or district"), queryset=OrgUnit.objects.none())
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none(), required=False)
    owner = UserChoiceField(label=_("Owner"), queryset=OrgUnit.objects.none())
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgunit"].queryset = units_in_scope(user, (Level.DISTRICT, Level.TOWN))  # type: ignore[attr-defined]
        self.fields["facility"].queryset = facilities.order_by("name")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = case_owners(user)  # type: ignore[attr-defined]


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=[(k, v) for k, v in StepKind.choices if k != StepKind.REFERRAL])
    summary = forms.CharField(label=_("What was done or is to be done"), widget=forms.Textarea(attrs={"rows": 3}))
    due = forms.DateField(label=pgettext_lazy("case step", "Due"), required=False, widget=DateInput())
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput())
    rule = forms.ChoiceField(
        label=_("Provision (penalty steps)"),
        required=False,
        choices=[("", "—"), *((code, r.label) for code, r in rules.PENALTY_RULES.items())],
    )
    fine_yuan = forms.DecimalField(
        label=_("Fine in yuan (empty for a warning)"), required=False, max_digits=10, decimal_places=2, min_value=0
    )


class AssignForm(forms.Form):
    owner = UserChoiceField(label=_("Owner"), queryset=OrgUnit.objects.none())
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_owners(user)  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("case", "Outcome"),
        choices=[(k, v) for k, v in CaseOutcome.choices if k not in ("", CaseOutcome.REFERRED)],
    )
    note = forms.CharField(label=_("Outcome note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(forms.Form):
    to_district = forms.CharField(label=_("Refer to district"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Referral file (JSON)"))
    orgunit = UnitChoiceField(label=_("Town or district of the case"), queryset=OrgUnit.objects.none())
    owner = UserChoiceField(label=_("Owner"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgunit"].queryset = units_in_scope(user, (Level.DISTRICT, Level.TOWN))  # type: ignore[attr-defined]
        self.fields["owner"].queryset = case_owners(user)  # type: ignore[attr-defined]
