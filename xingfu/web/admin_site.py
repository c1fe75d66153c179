from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from xingfu.accounts.roles import Perm


class XingfuAdminSite(admin.AdminSite):
    """The Django admin, for district administrators only."""

    site_header = _("Xingfu administration")
    site_title = _("Xingfu")

    def has_permission(self, request: Any) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.can(Perm.ADMIN_SITE))


class XingfuAdminConfig(AdminConfig):
    default_site = "xingfu.web.admin_site.XingfuAdminSite"
