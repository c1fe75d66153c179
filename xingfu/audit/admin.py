from django.contrib import admin

from xingfu.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the trail is append-only, in the admin as everywhere."""

    list_display = ["seq", "at", "actor_username", "action", "object_type", "object_id", "orgunit_path"]
    list_filter = ["action"]
    search_fields = ["actor_username", "object_id", "action"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
