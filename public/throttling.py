"""The public forms' rate limits: DRF's throttle counters in the cache, keyed on the client
address the trusted proxies vouch for (``registry.auth.client_ip``, TRUSTED_PROXY_COUNT),
failing open when the cache is down like the API's (registry/api/throttling.py). The rates
are settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: ``complaint``, ``complaint_lookup``)."""

from __future__ import annotations

from rest_framework import throttling

from registry.api.throttling import _PortalThrottle


class _ByAddress(_PortalThrottle, throttling.SimpleRateThrottle):
    """Signed in or not, one counter per address: the forms need no account."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ComplaintThrottle(_ByAddress):
    scope = "complaint"


class ComplaintLookupThrottle(_ByAddress):
    scope = "complaint_lookup"


def wait_minutes(throttle: _ByAddress) -> int:
    """Whole minutes until the client may try again (at least 1)."""
    seconds = throttle.wait() or 60
    return max(1, int(seconds + 59) // 60)
