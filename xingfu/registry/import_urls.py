from django.urls import URLPattern, URLResolver, path

from xingfu.registry import import_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", import_views.import_home, name="registry-import"),
    path("template.<str:fmt>", import_views.import_template, name="registry-import-template"),
    path("<int:pk>/", import_views.import_batch, name="registry-import-batch"),
    path("<int:pk>/progress/", import_views.import_progress, name="registry-import-progress"),
    path("<int:pk>/report.xlsx", import_views.import_report, name="registry-import-report"),
]
