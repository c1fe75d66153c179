"""Forms of the registry pages. They parse input; the rules live in the services, whose refusals the
views put back next to the field they name (``core.pages.show_error``)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xingfu.accounts.access import access_orgunits
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.models import (
    DisabilityGrade,
    Household,
    Membership,
    Person,
    PersonStatus,
    Relation,
    Residence,
    Sex,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ChoicesForm(forms.Form):
    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


def village_choices(user: Any) -> list[tuple[str, str]]:
    villages = access_orgunits(user).filter(level=Level.VILLAGE).select_related("parent").order_by("path")
    return [(v.code, f"{v.parent.name if v.parent else ''} {v.name}".strip()) for v in villages]


class _VillageField(forms.ChoiceField):
    """A village in the user's scope, chosen by code; ``clean`` gives the OrgUnit."""

    def clean(self, value: Any) -> OrgUnit:
        code = super().clean(value)
        return OrgUnit.objects.get(code=code, level=Level.VILLAGE)


class HouseholdForm(ChoicesForm):
    village = _VillageField(label=_("Village"))
    number = forms.CharField(label=_("Household number"), max_length=32)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    residence = forms.ChoiceField(label=_("Residence"), choices=Residence.choices)
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = village_choices(user)
        self._choice("village").choices = choices
        if len(choices) == 1:
            self.fields["village"].initial = choices[0][0]


class PersonFields(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=24,
        required=False,
        help_text=_("18 characters (a 15-digit old number is converted). May be left empty for a newborn."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)


class MemberForm(PersonFields):
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Relation.choices)
    start_date = forms.DateField(
        label=_("Member since"), widget=DateInput(), required=False, help_text=_("Empty means today.")
    )


class PersonEditForm(PersonFields):
    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The full numbers are never put into the page: an empty field keeps what is recorded.
        for name in ("id_number", "phone"):
            self.fields[name].help_text = _("Leave empty to keep the number recorded.")


class MarriageForm(ChoicesForm):
    spouse = forms.TypedChoiceField(label=_("Spouse (in the same household)"), coerce=int, required=False)
    spouse_id_number = forms.CharField(
        label=_("…or the spouse's resident ID number"),
        max_length=24,
        required=False,
        help_text=_("For a spouse registered in another household of your scope."),
    )
    date = forms.DateField(label=_("Date of marriage"), widget=DateInput())
    place = forms.CharField(label=_("Place of registration"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice("spouse").choices = [("", "—")] + [(p.pk, f"{p.name} ({p.birth_date:%Y})") for p in candidates]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("spouse") and not (data.get("spouse_id_number") or "").strip():
            raise forms.ValidationError(_("Choose the spouse or give the spouse's resident ID number."))
        return data


class DisabilityForm(forms.Form):
    grade = forms.TypedChoiceField(
        label=_("Grade on the disability certificate"),
        choices=[("", _("No certificate")), *DisabilityGrade.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Grade 1 is the most severe. Health information: shown masked, its viewing is recorded."),
    )
    reason = forms.CharField(
        label=_("Source"), max_length=200, required=False, help_text=_("e.g. the certificate number")
    )


class DivorceForm(forms.Form):
    date = forms.DateField(label=_("Date of divorce"), widget=DateInput())
    place = forms.CharField(
        label=_("Registered at"),
        max_length=200,
        required=False,
        help_text=_("The civil-affairs office, or the court that granted it."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class HeadChangeForm(ChoicesForm):
    """The new head among the current members, and what each other member will be to the new head."""

    head = forms.TypedChoiceField(label=_("New head of household"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        self._choice("head").choices = [(m.person_id, m.person.name) for m in members if m.relation != Relation.HEAD]
        for m in members:
            self.fields[f"relation_{m.person_id}"] = forms.ChoiceField(
                label=_("%(name)s, to the new head") % {"name": m.person.name},
                choices=[("", "—")] + [c for c in Relation.choices if c[0] != Relation.HEAD],
                initial="" if m.relation == Relation.HEAD else m.relation,
                required=False,
                help_text=_("Now: %(relation)s") % {"relation": m.get_relation_display()},
            )

    def relations(self) -> dict[int, str]:
        """The restated relations, leaving out the new head and blank choices."""
        head = self.cleaned_data["head"]
        return {
            m.person_id: self.cleaned_data[f"relation_{m.person_id}"]
            for m in self.members
            if m.person_id != head and self.cleaned_data.get(f"relation_{m.person_id}")
        }


class BirthForm(ChoicesForm):
    mother = forms.TypedChoiceField(label=_("Mother"), coerce=int)
    father = forms.TypedChoiceField(label=_("Father"), coerce=int, required=False)
    date = forms.DateField(label=_("Date of birth"), widget=DateInput())
    name = forms.CharField(label=_("Child's name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    place = forms.CharField(label=_("Place of birth"), max_length=200, required=False)
    id_number = forms.CharField(label=_("Child's resident ID number"), max_length=24, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, mothers: list[Person], fathers: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice("mother").choices = [(p.pk, p.name) for p in mothers]
        self._choice("father").choices = [("", "—")] + [(p.pk, p.name) for p in fathers]


class DeathForm(forms.Form):
    date = forms.DateField(label=_("Date of death"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class MoveOutForm(forms.Form):
    date = forms.DateField(label=_("Date of moving out"), widget=DateInput())
    destination = forms.CharField(label=_("Moving to"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class MoveInForm(ChoicesForm):
    village = _VillageField(label=_("Village"))
    household_number = forms.CharField(label=_("Household number"), max_length=32)
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Relation.choices)
    date = forms.DateField(label=_("Date of moving"), widget=DateInput())
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice("village").choices = village_choices(user)

    def household(self, households: Any) -> Household | None:
        return households.filter(
            orgunit=self.cleaned_data["village"], number=self.cleaned_data["household_number"].strip()
        ).first()


class PersonFilterForm(forms.Form):
    """The registry home's search and filters (all optional; bad values are simply ignored)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Any sex")), *Sex.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *PersonStatus.choices], required=False
    )
