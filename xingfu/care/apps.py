from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "xingfu.care"
    label = "care"
    verbose_name = _("Care")

    def ready(self) -> None:
        from xingfu.care.services.merge import care_follow_merge
        from xingfu.registry.signals import person_merged

        person_merged.connect(care_follow_merge, dispatch_uid="care_follow_merge")
