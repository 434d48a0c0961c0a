"""What replicas share through Redis: the Redis client and the rate limits.

:class:`RedisRateLimiter` keeps the token buckets of :class:`kodial.serve.security.RateLimiter`
(same rule: ``burst`` requests at once, refilled at ``per_minute / 60`` per second) in Redis,
one hash per key, updated by one Lua script so that two replicas taking a token at the same
moment cannot both take the last one; the script reads Redis' own clock, so the hosts' clocks
do not matter. A bucket that would be full again expires.

If Redis cannot be reached, requests get 503 (:class:`SharedStateUnavailable`): a limit that
turned itself off whenever Redis is down would be no limit.
"""

from __future__ import annotations

import math
from typing import Any

_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = -1
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], ARGV[3])
return tostring(wait)
"""


class SharedStateUnavailable(Exception):
    """Redis did not answer (the message names the error type only, never the URL)."""


def redis_client(url: str, timeout_s: float = 2.0) -> Any:
    """A Redis client of ``url`` (connections made on first use, each command bounded by
    ``timeout_s``); ``ping`` it to check the server."""
    import redis

    return redis.Redis.from_url(
        url,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        health_check_interval=30,
        decode_responses=True,
    )


class RedisRateLimiter:
    """Token buckets in Redis: the rate limit of :class:`~kodial.serve.security.RateLimiter`,
    counted across every replica that shares the Redis."""

    def __init__(
        self, client: Any, per_minute: float, burst: int, prefix: str = "kodial:rate:"
    ) -> None:
        self.client = client
        self.rate = per_minute / 60.0
        self.burst = burst
        self.prefix = prefix
        self._take = client.register_script(_TAKE)
        # a bucket untouched this long is full again, the same as no bucket
        self.ttl_s = max(1, math.ceil(burst / self.rate) + 1) if self.rate > 0 else 1

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def acquire(self, key: str) -> int | None:
        """Take one token for ``key``: None if allowed, else the seconds to wait."""
        if not self.enabled:
            return None
        try:
            wait = float(
                self._take(keys=[self.prefix + key], args=[self.rate, self.burst, self.ttl_s])
            )
        except Exception as exc:
            raise SharedStateUnavailable(type(exc).__name__) from None
        return None if wait < 0 else max(1, math.ceil(wait))
