from django.urls import URLPattern, URLResolver, path

from xingfu.care import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.care_home, name="care-home"),
    path("worklist/", views.worklist_page, name="care-worklist"),
    path("villages/", views.villages_page, name="care-villages"),
    path("pregnancies/", views.enrollment_list, name="care-enrollments"),
    path("pregnancies/new/", views.pregnancy_new, name="care-pregnancy-new"),
    path("enrollments/<int:pk>/", views.enrollment_detail, name="care-enrollment"),
    path("enrollments/<int:pk>/visit/", views.visit_new, name="care-visit-new"),
    path("enrollments/<int:pk>/outcome/", views.outcome_new, name="care-outcome-new"),
    path("enrollments/<int:pk>/responsible/", views.responsible_edit, name="care-responsible"),
    path("enrollments/<int:pk>/close/", views.enrollment_close, name="care-enrollment-close"),
    path("checkups/", views.checkup_list, name="care-checkups"),
    path("checkups/new/", views.checkup_new, name="care-checkup-new"),
    path("checkups/import/", views.lab_import, name="care-lab-import"),
    path("checkups/<int:pk>/results/", views.checkup_results, name="care-checkup-results"),
    path("checkups/<int:pk>/assessment/", views.checkup_assess, name="care-checkup-assess"),
    path("screening/", views.campaign_list, name="care-campaigns"),
    path("screening/new/", views.campaign_new, name="care-campaign-new"),
    path("screening/coverage/", views.coverage_page, name="care-coverage"),
    path("screening/<int:pk>/", views.campaign_detail, name="care-campaign"),
    path("screening/<int:pk>/invite/", views.campaign_invite, name="care-campaign-invite"),
    path("screening/<int:pk>/checkin/", views.campaign_checkin, name="care-campaign-checkin"),
    path("screening/invitations/<int:pk>/result/", views.screening_result, name="care-screening-result"),
]
