"""The Django admin holds the programme definitions only (programmes as data: stages, windows, check items).

Care records themselves (enrolments, visits, results) are deliberately not in the admin: it would show
health data without the masking and the audited opening the care pages and API give.
"""

from django.contrib import admin

from xingfu.care.models import CheckItem, Programme, Stage


class StageInline(admin.TabularInline[Stage, Programme]):
    model = Stage
    extra = 0
    fields = [
        "order", "code", "name_zh", "name_en", "kind", "anchor", "offset_days", "window_days", "repeatable",
        "repeat_interval_days", "repeat_until_days", "stops_at_outcome", "closes_enrollment",
    ]  # fmt: skip


class CheckItemInline(admin.TabularInline[CheckItem, Programme]):
    model = CheckItem
    extra = 0
    fields = ["number", "code", "name_zh", "name_en", "kind", "women_only", "unit"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ["code", "name_zh", "name_en", "kind", "eligible_sex", "min_age", "max_age", "active"]
    inlines = [StageInline, CheckItemInline]
