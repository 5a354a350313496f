import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import every view now (the URLconf is otherwise loaded by the first request), then move
# everything loaded so far out of the cyclic garbage collector's sight. Without it each
# full collection walked the ~400,000 objects of Django and the apps: 100-190 ms stalls
# every few dozen requests, the p95 of the clue list (docs/performance.md, issue 17).
get_resolver().url_patterns  # noqa: B018
gc.freeze()
