"""The baseline of bench/notify_throughput.py: Celery tasks that do nothing, and two that stamp the
time (the first and the last of the run) in Redis so the run can be timed without a result backend."""

import time

import redis
from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True, ignore_result=True)
def noop() -> None:
    return None


@shared_task(acks_late=True, ignore_result=True)
def stamp(key: str) -> None:
    redis.Redis.from_url(settings.REDIS_URL).set(key, repr(time.time()))
