"""When to try again after a transient error: exponential backoff with jitter.

The ceiling doubles with each attempt (base, 2·base, 4·base … up to the cap); the delay is drawn
from the upper half of it ("equal jitter"), so retries of a batch that failed together (a provider's
5xx or a timeout of a whole Postmark batch) spread out instead of returning as one burst.
"""

import random
from datetime import timedelta

from django.conf import settings


def retry_delay(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`, after `attempts` tries (≥ 1) have failed transiently."""
    ceiling = min(settings.NOTIFY_RETRY_MAX_SECONDS, settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311 (not security)


def attempts_exhausted(attempts: int) -> bool:
    return attempts >= settings.NOTIFY_MAX_ATTEMPTS
