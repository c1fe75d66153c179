"""Page forms: they parse what was typed; the services decide whether it may be recorded."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xingfu.accounts.access import scoped
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.outreach.access import access_campaigns
from xingfu.outreach.models import Audience, Campaign, Channel, EventKind, MaterialKind, Outlet
from xingfu.outreach.services._common import MAX_COUNT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        parent = f"{obj.parent.name} · " if obj.level == Level.VILLAGE and obj.parent else ""
        return f"{parent}{obj.name} ({obj.code})"


class CampaignChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.theme} ({obj.start_date:%Y-%m-%d} – {obj.end_date:%Y-%m-%d}, {obj.orgunit.name})"


def _units(user: Any, *levels: str) -> Any:
    return scoped(user, OrgUnit.objects.filter(level__in=levels), "path").select_related("parent").order_by("path")


class CampaignForm(forms.Form):
    theme = forms.CharField(label=_("Theme"), max_length=200)
    orgunit = UnitChoiceField(label=_("Run by"), queryset=OrgUnit.objects.none())
    start_date = forms.DateField(label=_("Starts on"), widget=DATE)
    end_date = forms.DateField(label=_("Ends on"), widget=DATE)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["orgunit"]
        field.queryset = _units(user, Level.DISTRICT, Level.TOWN)
        if field.queryset.count() == 1:
            field.initial = field.queryset.first()


class MaterialsMixin(forms.Form):
    """One count field per kind of material (``material_leaflet`` ...)."""

    def add_material_fields(self) -> None:
        for kind in MaterialKind:
            self.fields[f"material_{kind.value}"] = forms.IntegerField(
                label=kind.label, required=False, min_value=0, max_value=MAX_COUNT
            )

    def material_fields(self) -> list[Any]:
        return [self[f"material_{kind.value}"] for kind in MaterialKind]

    def materials(self) -> dict[str, int]:
        return {kind.value: self.cleaned_data.get(f"material_{kind.value}") or 0 for kind in MaterialKind}


class EventOutcomeForm(MaterialsMixin):
    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, max_value=MAX_COUNT, initial=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_material_fields()


class EventForm(EventOutcomeForm):
    campaign = CampaignChoiceField(
        label=pgettext_lazy("outreach campaign", "Campaign"), queryset=Campaign.objects.none()
    )
    village = UnitChoiceField(label=_("Village"), queryset=OrgUnit.objects.none())
    photo = forms.FileField(label=_("Photo (JPEG, PNG or PDF, at most 5 MB)"), required=False)

    field_order = ["campaign", "village", "date", "kind", "channel", "place", "people_reached", "note", "photo"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign: Any = self.fields["campaign"]
        campaign.queryset = access_campaigns(user).select_related("orgunit").order_by("-start_date", "-id")
        village: Any = self.fields["village"]
        village.queryset = _units(user, Level.VILLAGE)
        if village.queryset.count() == 1:
            village.initial = village.queryset.first()
        self.order_fields(self.field_order)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or document (JPEG, PNG or PDF, at most 5 MB)"))


class TrainingForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    orgunit = UnitChoiceField(
        label=_("Held by"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The district, a town or a village: this sets the training's level."),
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, min_value=0.1)
    trainer = forms.CharField(label=_("Trainer"), max_length=100, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["orgunit"]
        field.queryset = _units(user, Level.DISTRICT, Level.TOWN, Level.VILLAGE)
        if user.scope_id:
            field.initial = user.scope_id


class MediaPieceForm(forms.Form):
    outlet = forms.ChoiceField(label=_("Outlet"), choices=Outlet.choices)
    outlet_name = forms.CharField(label=_("Name of the outlet"), max_length=100, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE)
    link = forms.CharField(label=_("Link"), max_length=500, required=False)
    orgunit = UnitChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    clipping = forms.FileField(label=_("Clipping (JPEG, PNG or PDF, at most 5 MB)"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["orgunit"]
        field.queryset = _units(user, Level.DISTRICT, Level.TOWN, Level.VILLAGE)
        if user.scope_id:
            field.initial = user.scope_id
