"""Django's Redis cache, keeping one Redis client per connection pool.

Django's `RedisCacheClient` makes a new `redis.Redis` object for every cache call, and each
builds its table of response callbacks (about 170 entries): a tenth of a millisecond a call,
several per page. A `redis.Redis` holds nothing but its pool and is safe to share between
threads, so one per pool is kept.
"""

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
