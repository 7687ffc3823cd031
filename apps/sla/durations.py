"""SLA target durations as people write and read them: "4h", "1d 4h", "4 business hours".

In business time a day is `BUSINESS_DAY` (8 business hours, one 9-17 day), so "1d" of business
time is 8 open hours; in calendar time a day is 24 hours.
"""

import re
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

BUSINESS_DAY = timedelta(hours=8)
MAX_TARGET = timedelta(days=366)
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?)\b", re.IGNORECASE)
_WHOLE = re.compile(rf"(?:\s*{_PART.pattern}\s*)+", re.IGNORECASE)


def _day(*, business: bool) -> timedelta:
    return BUSINESS_DAY if business else timedelta(days=1)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def describe_duration(duration: timedelta, *, business: bool) -> str:
    """ "4 business hours", "1 business day", "24 hours", "90 business minutes", "2 days"."""
    minutes = int(duration.total_seconds() // 60)
    prefix = "business " if business else ""
    day_minutes = int(_day(business=business).total_seconds() // 60)
    # Calendar time says "24 hours" rather than "1 day", as the procedures do.
    if minutes and minutes % day_minutes == 0 and (business or minutes >= 2 * day_minutes):
        return _plural(minutes // day_minutes, f"{prefix}day")
    if minutes and minutes % 60 == 0:
        return _plural(minutes // 60, f"{prefix}hour")
    return _plural(minutes, f"{prefix}minute")


def format_duration_input(duration: timedelta | None, *, business: bool) -> str:
    """The short form the policy editor shows and `parse_duration` reads back: "1d 4h", "30m"."""
    if duration is None:
        return ""
    minutes = int(duration.total_seconds() // 60)
    days, rest = divmod(minutes, int(_day(business=business).total_seconds() // 60))
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return " ".join(part for part in parts if part) or "0m"


def parse_duration(text: str, *, business: bool) -> timedelta | None:
    """ "4h" → 4 hours, "1d 4h" → 12 business hours, "90 min", "1.5h"; blank → None (not set)."""
    text = text.strip()
    if not text:
        return None
    if not _WHOLE.fullmatch(text):
        raise ValidationError("Write a time such as 4h, 30m, 1d or 1d 4h.")
    units = {"d": _day(business=business), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
    total = sum(
        (
            units[unit[0].lower()] * float(Decimal(amount.replace(",", ".")))
            for amount, unit in _PART.findall(text)
        ),
        timedelta(0),
    )
    total = timedelta(minutes=round(total.total_seconds() / 60))
    if total <= timedelta(0):
        raise ValidationError("Enter a time longer than zero, or leave it blank.")
    if total > MAX_TARGET:
        raise ValidationError("Keep targets within a year.")
    return total
