"""The API under /api/. Each app registers its viewsets here; the schema and docs are generated."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from xingfu.accounts.api import UserViewSet, me
from xingfu.analytics.api import routes as analytics_routes
from xingfu.audit.api import AuditEventViewSet
from xingfu.benefits.api import routes as benefits_routes
from xingfu.care.api import routes as care_routes
from xingfu.linkage.api import routes as linkage_routes
from xingfu.orgunits.api import OrgUnitViewSet
from xingfu.outreach.api import routes as outreach_routes
from xingfu.oversight.api import routes as oversight_routes
from xingfu.registry.api import routes as registry_routes

router = DefaultRouter()
router.include_root_view = False
router.register("orgunits", OrgUnitViewSet, basename="orgunit")
router.register("users", UserViewSet, basename="user")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
for prefix, viewset, basename in [
    *registry_routes,
    *benefits_routes,
    *care_routes,
    *oversight_routes,
    *outreach_routes,
    *linkage_routes,
    *analytics_routes,
]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("me/", me, name="api-me"),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[AllowAny]),
        name="api-docs",
    ),
    path(
        "redoc/", SpectacularRedocView.as_view(url_name="api-schema", permission_classes=[AllowAny]), name="api-redoc"
    ),
    path("", include(router.urls)),
]
