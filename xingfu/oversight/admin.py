"""The Django admin for oversight: read-mostly. Records change through the pages and the API (services with
their rules and audit rows); here the reference data (schedule, checklist questions) is edited, and the
rest can be looked at. The reporter's contact is never shown here: it is read only through the audited path."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xingfu.oversight.models import (
    Case,
    CaseStep,
    ChecklistItem,
    DeviceEvent,
    Facility,
    Finding,
    Inspection,
    InspectionSchedule,
    TipOff,
    UltrasoundDevice,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InspectionSchedule)
class InspectionScheduleAdmin(admin.ModelAdmin[InspectionSchedule]):
    list_display = ["facility_kind", "visits_per_year"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin[ChecklistItem]):
    list_display = ["order", "code", "text_zh", "text_en", "finding_kind", "correction_days", "active"]
    list_editable = ["active"]
    list_display_links = ["code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # answers refer to items; retire an item with "in use" instead


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "orgunit", "licence_number", "licence_expiry", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "licence_number", "address"]
    list_select_related = ["orgunit"]


class DeviceEventInline(ReadOnlyInline):
    model = DeviceEvent
    fields = ["on", "kind", "from_facility", "to_facility", "counterparty", "note"]
    fk_name = "device"


@admin.register(UltrasoundDevice)
class UltrasoundDeviceAdmin(ReadOnlyAdmin):
    list_display = ["serial", "make", "model_name", "facility", "status", "purchase_date"]
    list_filter = ["status"]
    search_fields = ["serial", "make", "model_name"]
    list_select_related = ["facility"]
    inlines = [DeviceEventInline]


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ["kind", "description", "correction_due", "corrected_on"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["facility", "kind", "status", "planned_for", "done_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["facility"]
    inlines = [FindingInline]


@admin.register(TipOff)
class TipOffAdmin(ReadOnlyAdmin):
    list_display = ["id", "received_at", "channel", "about", "status", "case"]
    list_filter = ["status", "about", "channel"]
    exclude = ["contact", "tracking_digest"]


class CaseStepInline(ReadOnlyInline):
    model = CaseStep
    fields = ["kind", "summary", "due", "done_on", "rule", "fine_yuan", "by_name", "district"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "orgunit", "owner", "status", "opened_on", "deadline"]
    list_filter = ["status", "outcome"]
    search_fields = ["number", "title"]
    inlines = [CaseStepInline]
