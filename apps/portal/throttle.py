"""Counters in the Redis cache over fixed windows, against guessing codes and order details.

A `Limit` names what is counted and how many hits a window allows; the subject (an address digest,
a client IP, an order number) is hashed into the key, so the cache holds no personal data.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    setting: str  # the settings name holding the allowed hits per window

    @property
    def allowed(self) -> int:
        return int(getattr(settings, self.setting))


CODE_REQUESTS_PER_ADDRESS = Limit("code-address", "PORTAL_CODE_REQUESTS_PER_ADDRESS")
CODE_REQUESTS_PER_IP = Limit("code-ip", "PORTAL_CODE_REQUESTS_PER_IP")
SIGN_IN_FAILURES_PER_ADDRESS = Limit("fail-address", "PORTAL_SIGN_IN_FAILURES_PER_ADDRESS")
SIGN_IN_FAILURES_PER_IP = Limit("fail-ip", "PORTAL_SIGN_IN_FAILURES_PER_IP")
ORDER_LOOKUP_FAILURES_PER_IP = Limit("order-ip", "PORTAL_ORDER_LOOKUP_FAILURES_PER_IP")

Check = tuple[Limit, str]  # (limit, subject)


def _key(limit: Limit, subject: str) -> str:
    return f"portal-throttle:{limit.name}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


def window_seconds() -> int:
    return settings.PORTAL_THROTTLE_WINDOW_SECONDS


def is_throttled(checks: Iterable[Check]) -> bool:
    """True when any counter has reached its limit in the current window."""
    checks = list(checks)
    counts = cache.get_many([_key(limit, subject) for limit, subject in checks])
    return any(counts.get(_key(limit, subject), 0) >= limit.allowed for limit, subject in checks)


def hit(checks: Iterable[Check]) -> None:
    """Count one hit against every counter."""
    window = window_seconds()
    for limit, subject in checks:
        key = _key(limit, subject)
        # add() starts a window only if none is running; incr() is atomic in Redis.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)


def reset(checks: Iterable[Check]) -> None:
    cache.delete_many([_key(limit, subject) for limit, subject in checks])
