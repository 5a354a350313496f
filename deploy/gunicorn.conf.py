"""gunicorn's settings for every web machine: the systemd unit (deploy/systemd/portal-web.service)
and `make prod-rehearsal` both start gunicorn with ``-c deploy/gunicorn.conf.py``, so what is
rehearsed is what runs. Command-line flags override a value here (the rehearsal picks its ports).

Where an operator finds what went wrong: the access log and the error log both go to stderr,
which systemd sends to the journal (`journalctl -u portal-web`). A server error's traceback is
logged there by Django's ``django.request`` logger (propagating to the root handler of
config/settings.py LOGGING, which writes to stderr); ``capture_output`` adds anything a worker
prints to stdout or stderr on its own. The rehearsal provokes a 500 and looks for the traceback.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# About 2 x CPU cores + 1; set GUNICORN_WORKERS where the machine runs other things too.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# No request is allowed to hold a worker this long (the portal answers in well under a
# second); a stuck one is killed and logged with its stack (WORKER TIMEOUT).
timeout = 60
graceful_timeout = 30
# Recycle workers now and then so a slow leak never grows into an outage.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
capture_output = True
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The client address comes from the portal's TRUSTED_PROXY_COUNT, not from gunicorn;
# nginx on the same machine is the only peer gunicorn trusts for X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
