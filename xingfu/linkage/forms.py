from django import forms
from django.utils.translation import gettext_lazy as _

from xingfu.linkage.models import ListTemplate
from xingfu.registry.models import Relation, Sex


class UploadForm(forms.Form):
    template = forms.ChoiceField(label=_("Kind of list"), choices=ListTemplate.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("The filled-in template: .xlsx, or .csv in UTF-8 or GBK."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason or note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    # A merge: which of the two records stays.
    survivor = forms.IntegerField(label=_("Record that stays"), required=False, min_value=1)
    # A birth whose mother was not found: her resident-ID number, as the reviewer reads it off the registry.
    mother_id_number = forms.CharField(label=_("Mother's resident ID number"), required=False, max_length=24)
    child_name = forms.CharField(label=_("Child's name"), required=False, max_length=50)
    # A person to add: the number (户号) of the household joined in the row's village, or a new household's.
    household_number = forms.CharField(label=_("Existing household number"), required=False, max_length=32)
    new_household_number = forms.CharField(label=_("Or a new household number"), required=False, max_length=32)
    relation = forms.ChoiceField(
        label=_("Relation to the head"), required=False, choices=[("", "—"), *Relation.choices]
    )
    sex = forms.ChoiceField(label=_("Sex, if the row lacks it"), required=False, choices=[("", "—"), *Sex.choices])
    birth_date = forms.DateField(label=_("Birth date, if the row lacks it"), required=False)
