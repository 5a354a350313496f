"""The cache backend: Redis, and when Redis is unreachable, a miss with a warning in the log.

The cache only ever speeds things up or counts (throttles): nothing the portal stores in it
is the only copy. So an outage must not take the token endpoint, the certificate lookup
or the public verification down with it (they answered 500): every operation that fails
on the connection logs a warning (at most one a minute per process) and acts as a miss.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Short timeouts: a dead Redis costs a request milliseconds, not the client's default wait.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
WARN_EVERY_SECONDS = 60


class FailSafeRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server, params):
        params = dict(params)
        params["OPTIONS"] = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        super().__init__(server, params)

    def _failed(self, operation: str, exc: Exception, default=None):
        now = time.monotonic()
        if now - FailSafeRedisCache._last_warning > WARN_EVERY_SECONDS:
            FailSafeRedisCache._last_warning = now
            log.warning("cache unavailable, %s acts as a miss: %s", operation, exc)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError) as exc:
            return self._failed("get", exc, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except (RedisError, OSError) as exc:
            return self._failed("get_many", exc, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except (RedisError, OSError) as exc:
            return self._failed("has_key", exc, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except (RedisError, OSError) as exc:
            return self._failed("set", exc)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except (RedisError, OSError) as exc:
            return self._failed("add", exc, False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except (RedisError, OSError) as exc:
            return self._failed("set_many", exc, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except (RedisError, OSError) as exc:
            return self._failed("touch", exc, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except (RedisError, OSError) as exc:
            return self._failed("delete", exc, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except (RedisError, OSError) as exc:
            return self._failed("delete_many", exc)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as exc:
            # Django's contract for a missing key.
            self._failed("incr", exc)
            raise ValueError(f"Key {key!r} not found (cache unavailable)") from exc

    def clear(self):
        try:
            return super().clear()
        except (RedisError, OSError) as exc:
            return self._failed("clear", exc, False)


class WorkerLRU:
    """A worker's own copies of what the shared cache holds (the inbox's first pages, the
    wide figures): the ``size`` most recently used, safe across a worker's threads. Each is
    filed under versions the readers check first, so a copy is never stale, only evicted."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __iter__(self):
        with self._lock:
            return iter(list(self._items))
