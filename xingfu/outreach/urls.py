from django.urls import URLPattern, URLResolver, path

from xingfu.outreach import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.outreach_home, name="outreach-home"),
    path("campaigns/", views.campaign_list, name="outreach-campaigns"),
    path("campaigns/new/", views.campaign_new, name="outreach-campaign-new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="outreach-campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="outreach-campaign-edit"),
    path("events/", views.event_list, name="outreach-events"),
    path("events/new/", views.event_new, name="outreach-event-new"),
    path("events/<int:pk>/", views.event_detail, name="outreach-event"),
    path("events/<int:pk>/edit/", views.event_edit, name="outreach-event-edit"),
    path("events/<int:pk>/attachments/", views.event_attachment_add, name="outreach-event-attachment"),
    path("trainings/", views.training_list, name="outreach-trainings"),
    path("trainings/new/", views.training_new, name="outreach-training-new"),
    path("trainings/<int:pk>/", views.training_detail, name="outreach-training"),
    path("trainings/<int:pk>/attendance/", views.attendance_add, name="outreach-attendance-add"),
    path("trainings/<int:pk>/persons/", views.person_search, name="outreach-person-search"),
    path("attendance/<int:pk>/remove/", views.attendance_remove, name="outreach-attendance-remove"),
    path("people/<int:pk>/trainings/", views.person_trainings, name="outreach-person-trainings"),
    path("staff/<int:pk>/trainings/", views.staff_trainings, name="outreach-staff-trainings"),
    path("my-trainings/", views.my_trainings, name="outreach-my-trainings"),
    path("media/", views.media_list, name="outreach-media"),
    path("coverage/", views.coverage, name="outreach-coverage"),
    path("coverage.xlsx", views.coverage_xlsx, name="outreach-coverage-xlsx"),
    path("attachments/<int:pk>/", views.attachment_file, name="outreach-attachment"),
]
