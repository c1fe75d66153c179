from django.contrib import admin

from xingfu.audit.admin_mixins import AuditedAdminMixin
from xingfu.orgunits.models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdminMixin, admin.ModelAdmin[OrgUnit]):
    list_display = ["code", "name_zh", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    # Units are added through orgunit_create (code rules, audit); here only names may be corrected.
    readonly_fields = ["code", "level", "parent", "path"]

    def audit_orgunit(self, obj: OrgUnit) -> OrgUnit:
        return obj

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
