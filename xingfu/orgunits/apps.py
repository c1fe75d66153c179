from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgUnitsConfig(AppConfig):
    name = "xingfu.orgunits"
    label = "orgunits"
    verbose_name = _("Org units")
