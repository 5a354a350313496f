"""The project's URLs: each app's ``page_urlpatterns`` at the root and its
``api_urlpatterns`` under /api/v1/, plus the admin, the API schema and /healthz."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from certificates import urls as certificates_urls
from config.health import healthz
from monitoring import urls as monitoring_urls
from public import urls as public_urls
from registry import urls as registry_urls
from registry.api.base import api_not_found
from signage import urls as signage_urls


def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/emblem.svg"))


APPS = [registry_urls, monitoring_urls, certificates_urls, signage_urls, public_urls]

api_v1 = [pattern for app in APPS for pattern in app.api_urlpatterns]

urlpatterns = [
    *(pattern for app in APPS for pattern in app.page_urlpatterns),
    path("i18n/", include("django.conf.urls.i18n")),
    # Off /admin/ (settings.ADMIN_URL): reverse("admin:index") wherever a link is needed.
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include(api_v1)),
    # Any other /api/ address is the contract's JSON 404, not the HTML error page.
    re_path(r"^api/(?!schema/|docs/)", api_not_found),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves its start-up script as a file: no inline script, so the
        # Content-Security-Policy needs no 'unsafe-inline' for the docs page either.
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[]),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
    # Browsers (and the admin's pages before their <link rel="icon">) ask for /favicon.ico:
    # the portal's emblem, served with the static files, nothing external.
    path("favicon.ico", favicon, name="favicon"),
]
