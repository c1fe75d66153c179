from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from xingfu.accounts.models import User
from xingfu.audit.admin_mixins import AuditedAdminMixin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "scope", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "scope__code", "scope__name_zh"]
    autocomplete_fields = ["scope"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Xingfu"), {"fields": ["role", "scope", "full_name", "department"]}),
    ]
