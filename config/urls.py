from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from certificates.urls import api_urlpatterns as certificates_api
from certificates.urls import page_urlpatterns as certificates_pages
from config.health import healthz
from monitoring.urls import api_urlpatterns as monitoring_api
from monitoring.urls_pages import urlpatterns as monitoring_pages
from registry import views as registry_views
from registry.urls import api_urlpatterns as registry_api
from registry.urls import page_urlpatterns as registry_pages

api_v1 = [*registry_api, *monitoring_api, *certificates_api]

urlpatterns = [
    path("", registry_views.home, name="home"),
    path("workbench/<slug:role>/", registry_views.workbench, name="workbench"),
    path("accounts/login/", registry_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", registry_views.LogoutView.as_view(), name="logout"),
    *registry_pages,
    *monitoring_pages,
    *certificates_pages,
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[]),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
]
