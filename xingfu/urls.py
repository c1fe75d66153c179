from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from xingfu.accounts.forms import ScopedAuthenticationForm
from xingfu.audit.views import audit_list
from xingfu.web.views import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ScopedAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgunits/", include("xingfu.orgunits.urls")),
    path("audit/", audit_list, name="audit-list"),
    path("registry/import/", include("xingfu.registry.import_urls")),
    path("registry/", include("xingfu.registry.urls")),
    path("benefits/", include("xingfu.benefits.urls")),
    path("care/", include("xingfu.care.urls")),
    path("oversight/", include("xingfu.oversight.urls")),
    path("linkage/", include("xingfu.linkage.urls")),
    path("analytics/", include("xingfu.analytics.urls")),
    path("outreach/", include("xingfu.outreach.urls")),
    path("api/", include("xingfu.api_urls")),
    path("admin/", admin.site.urls),
]
