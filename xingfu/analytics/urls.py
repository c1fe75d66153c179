from django.urls import URLPattern, URLResolver, path

from xingfu.analytics import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.analytics_home, name="analytics-home"),
    path("explore/", views.explorer, name="analytics-explorer"),
    path("explore/export/", views.explorer_export, name="analytics-export"),
    path("sex-ratio/", views.srb_page, name="analytics-srb"),
    path("indicators/", views.indicator_list, name="analytics-indicators"),
    path("indicators/new/", views.indicator_new, name="analytics-indicator-new"),
    path("scorecards/", views.scorecard_list, name="analytics-scorecards"),
    path("scorecards/new/", views.scorecard_new, name="analytics-scorecard-new"),
    path("scorecards/<int:pk>/", views.scorecard_detail, name="analytics-scorecard"),
    path("scorecards/<int:pk>/lines/", views.scorecard_line_add, name="analytics-scorecard-line-add"),
    path(
        "scorecards/<int:pk>/lines/<int:line_pk>/remove/",
        views.scorecard_line_remove,
        name="analytics-scorecard-line-remove",
    ),
    path("scorecards/<int:pk>/decisions/", views.scorecard_decision, name="analytics-scorecard-decision"),
    path("refresh/", views.refresh, name="analytics-refresh"),
    path("status/", views.status_partial, name="analytics-status"),
]
