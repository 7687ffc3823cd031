"""Nudging the workers after commit, without one Celery task per message.

`dispatch_soon(tenant_id, channel)` runs after the creating transaction commits. It enqueues a
dispatch task for the (tenant, channel) only when none is pending: a short-lived Redis flag
(`SET NX EX`) says "a task is on its way". The task clears the flag *before* it claims rows, so a
row committed after the flag was cleared sets it again and gets a task of its own; a row committed
while the flag stood is committed before the waiting task's claim and is claimed by it. Under load
one task therefore carries hundreds of messages (Postmark takes 500 per call), which is what lets
throughput exceed one Celery task per message.

The flag and the task are only hints. The database is the outbox: when Redis is down or restarts,
or a worker dies with its prefetched tasks, the rows stay `queued` and the beat sweep re-enqueues
them (`sweep.py`). Nothing here raises into the request that created the rows.
"""

import logging
from functools import cache

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# Long enough to cover a busy queue; short enough that a lost task costs only this much delay
# before the next commit enqueues again (the sweep covers quiet periods).
PENDING_FLAG_SECONDS = 20


@cache
def _flags(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def _flag_key(*parts: object) -> str:
    # The database name keeps a test database's flags apart from a development one's on a shared Redis.
    return ":".join(["tidings:outbox", connection.settings_dict["NAME"], *map(str, parts)])


def _nudge(task_name: str, kwargs: dict, flag: str, *, force: bool) -> bool:
    from apps.notifications import tasks  # the tasks import the modules that import this one

    try:
        if not _flags(settings.REDIS_URL).set(flag, 1, nx=True, ex=PENDING_FLAG_SECONDS) and not force:
            return False
        getattr(tasks, task_name).apply_async(kwargs=kwargs, retry=False)
    except Exception:  # Redis down or restarting: the rows wait in the database for the sweep.
        logger.warning("Could not enqueue %s %s; the sweep will.", task_name, kwargs)
        return False
    return True


def _clear(flag: str) -> None:
    try:
        _flags(settings.REDIS_URL).delete(flag)
    except redis.RedisError:
        logger.warning("Could not clear the pending flag %s.", flag)


def dispatch_soon(tenant_id: int, channel: str, *, force: bool = False) -> bool:
    """Make sure a dispatch task for the tenant's `channel` rows is pending; True if one was sent.

    `force` sends one even if the flag says one is pending (the sweep, for rows that waited too long).
    """
    kwargs = {"tenant_id": tenant_id, "channel": channel}
    return _nudge("dispatch_notifications", kwargs, _flag_key("dispatch", tenant_id, channel), force=force)


def dispatch_flag_clear(tenant_id: int, channel: str) -> None:
    """Called by the dispatch task before it claims: later commits must enqueue a task again."""
    _clear(_flag_key("dispatch", tenant_id, channel))


def records_soon(tenant_id: int, *, force: bool = False) -> bool:
    """After a webhook stored a receipt or an inbound message: apply it right away."""
    return _nudge("process_records", {"tenant_id": tenant_id}, _flag_key("records", tenant_id), force=force)


def records_flag_clear(tenant_id: int) -> None:
    _clear(_flag_key("records", tenant_id))
