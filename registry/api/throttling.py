"""The API's throttles: keyed on the client address from the trusted proxies, and failing
open when the cache (Redis) is down.

DRF's own throttles key anonymous clients on the whole ``X-Forwarded-For`` header when
``NUM_PROXIES`` is unset, so a new made-up header per request was a new client each time.
And a throttle is a guard, not the service: with Redis unreachable the token endpoint, the
certificate lookup and the public verification answered 500. Now they answer, and the log
says the throttle is off.
"""

from __future__ import annotations

import logging

from rest_framework import throttling

from registry.auth import client_ip

log = logging.getLogger(__name__)


class _PortalThrottle:
    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache's connection errors differ by backend
            log.warning("throttle %s is off: the cache is unavailable (%s)", self.scope, exc)
            return True


class AnonRateThrottle(_PortalThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_PortalThrottle, throttling.UserRateThrottle):
    pass
