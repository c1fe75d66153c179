from django.urls import URLPattern, URLResolver, path

from xingfu.linkage import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="linkage-home"),
    path("templates/<str:template>.<str:fmt>", views.template_download, name="linkage-template"),
    path("deduplicate/", views.deduplicate, name="linkage-deduplicate"),
    path("runs/<int:pk>/", views.run_detail, name="linkage-run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="linkage-run-progress"),
    path("runs/<int:pk>/repeat/", views.run_repeat, name="linkage-run-repeat"),
    path("review/", views.queue, name="linkage-queue"),
    path("candidates/<int:pk>/", views.candidate_detail, name="linkage-candidate"),
    path("candidates/<int:pk>/reveal/", views.candidate_reveal, name="linkage-candidate-reveal"),
    path("completeness/", views.completeness_report, name="linkage-completeness"),
]
