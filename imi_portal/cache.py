"""Django's Redis cache, keeping one Redis client per connection pool; best-effort cache calls.

Django's `RedisCacheClient` makes a new `redis.Redis` object for every cache call, and each
builds its table of response callbacks (about 170 entries): a tenth of a millisecond a call,
several per page. A `redis.Redis` holds nothing but its pool and is safe to share between
threads, so one per pool is kept.
"""

import logging

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _PooledClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _PooledClient


# --- best effort: what is only kept to go faster must not take a page down with Redis ---------

logger = logging.getLogger(__name__)


def cache_get(key: str):
    """The cached value, or None when it isn't there or the cache can't be reached (logged)."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache read failed for %s; working it out afresh", key, exc_info=True)
        return None


def cache_set(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache write failed for %s", key, exc_info=True)


def cache_delete_many(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("cache delete failed for %s", keys, exc_info=True)
