from django.urls import URLPattern, URLResolver, path

from xingfu.oversight.views import cases, devices, facilities, inspections, public, reports, tipoffs

urlpatterns: list[URLPattern | URLResolver] = [
    path("", facilities.home, name="oversight-home"),
    # Facilities
    path("facilities/", facilities.facility_list, name="oversight-facilities"),
    path("facilities/new/", facilities.facility_new, name="oversight-facility-new"),
    path("facilities/expiring/", facilities.licences_expiring, name="oversight-licences"),
    path("facilities/<int:pk>/", facilities.facility_detail, name="oversight-facility"),
    path("facilities/<int:pk>/edit/", facilities.facility_edit, name="oversight-facility-edit"),
    # Devices
    path("devices/", devices.device_list, name="oversight-devices"),
    path("devices/new/", devices.device_new, name="oversight-device-new"),
    path("devices/report/", devices.device_report, name="oversight-device-report"),
    path("devices/<int:pk>/", devices.device_detail, name="oversight-device"),
    path("devices/<int:pk>/edit/", devices.device_edit, name="oversight-device-edit"),
    path("devices/<int:pk>/<str:action>/", devices.device_event, name="oversight-device-event"),
    # Inspections and findings
    path("inspections/", inspections.inspection_list, name="oversight-inspections"),
    path("inspections/new/", inspections.inspection_new, name="oversight-inspection-new"),
    path("inspections/plan/", inspections.inspection_plan, name="oversight-inspection-plan"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="oversight-inspection"),
    path("inspections/<int:pk>/checklist/", inspections.inspection_checklist, name="oversight-checklist"),
    path("inspections/<int:pk>/cancel/", inspections.inspection_cancel_view, name="oversight-inspection-cancel"),
    path("inspections/<int:pk>/findings/new/", inspections.finding_new, name="oversight-finding-new"),
    path("findings/overdue/", inspections.findings_overdue, name="oversight-findings-overdue"),
    path("findings/<int:pk>/correct/", inspections.finding_correct_view, name="oversight-finding-correct"),
    path("findings/<int:pk>/reinspect/", inspections.finding_reinspect, name="oversight-finding-reinspect"),
    # The public tip-off pages (no login)
    path("report/", public.public_report, name="oversight-public-report"),
    path("report/status/", public.public_status, name="oversight-public-status"),
    # Tip-offs and cases
    path("tipoffs/", tipoffs.tipoff_list, name="oversight-tipoffs"),
    path("tipoffs/new/", tipoffs.tipoff_new, name="oversight-tipoff-new"),
    path("tipoffs/<int:pk>/", tipoffs.tipoff_detail, name="oversight-tipoff"),
    path("tipoffs/<int:pk>/triage/", tipoffs.tipoff_triage, name="oversight-tipoff-triage"),
    path("tipoffs/<int:pk>/contact/", tipoffs.tipoff_contact, name="oversight-tipoff-contact"),
    path("tipoffs/<int:pk>/attachment/", tipoffs.tipoff_attachment, name="oversight-tipoff-attachment"),
    path("cases/", cases.case_list, name="oversight-cases"),
    path("cases/new/", cases.case_new, name="oversight-case-new"),
    path("cases/import/", cases.case_import_view, name="oversight-case-import"),
    path("cases/<int:pk>/", cases.case_detail, name="oversight-case"),
    path("cases/<int:pk>/steps/", cases.case_step_new, name="oversight-case-step"),
    path("cases/<int:pk>/steps/<int:step_pk>/done/", cases.case_step_done_view, name="oversight-case-step-done"),
    path("cases/<int:pk>/assign/", cases.case_assign_view, name="oversight-case-assign"),
    path("cases/<int:pk>/close/", cases.case_close_view, name="oversight-case-close"),
    path("cases/<int:pk>/contacts/", cases.case_contacts, name="oversight-case-contacts"),
    path("cases/<int:pk>/refer/", cases.case_refer, name="oversight-case-refer"),
    path("cases/<int:pk>/export/", cases.case_export_view, name="oversight-case-export"),
    # Reports
    path("reports/", reports.reports, name="oversight-reports"),
]
