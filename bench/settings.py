"""Settings for the benchmark's gunicorn: the portal's own, plus one trivial endpoint.

The environment makes them production-like (DEBUG=false; bench.http sets it); only the
URLconf differs, so the reference endpoint never exists in a real deployment.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
