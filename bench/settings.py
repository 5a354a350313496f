"""Settings for the benchmark's gunicorn: the portal's own, plus one trivial endpoint.

The environment makes them production-like (DEBUG=false; bench.http sets it); only the
URLconf differs, so the reference endpoint never exists in a real deployment.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The pages are measured too: their {% static %} URLs without a collectstatic manifest
# (the manifest lookup is a dict read either way).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
