"""The one clock. Every timing decision (SLA, schedules, expiry) reads `now()` from here, so tests
move time with `time_machine` and a simulation can run a week in seconds; never call sleep."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
