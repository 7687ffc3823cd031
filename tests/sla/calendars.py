"""Calendar snapshots for the arithmetic tests, written the way the procedures speak of hours."""

from datetime import datetime
from zoneinfo import ZoneInfo

from apps.sla.business_time import CalendarSnapshot


def hours(text: str) -> tuple[tuple[int, int], ...]:
    """ "09:00-12:00, 13:00-17:00" → ((540, 720), (780, 1020)); "" → closed; "24:00" is midnight."""
    periods = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        start, end = (_minutes(value) for value in part.split("-"))
        periods.append((start, end))
    return tuple(periods)


def _minutes(value: str) -> int:
    hour, minute = value.split(":")
    return int(hour) * 60 + int(minute)


def weekdays(text: str, *, weekend: str = "") -> tuple[tuple[tuple[int, int], ...], ...]:
    return (hours(text),) * 5 + (hours(weekend),) * 2


def office(
    zone: str = "Europe/London",
    *,
    text: str = "09:00-17:00",
    country: str = "",
    subdivision: str = "",
    **extra,
) -> CalendarSnapshot:
    """Monday to Friday, `text` each day, in `zone`."""
    return CalendarSnapshot(
        zone, weekdays(text), country=country, subdivision=subdivision, name="Office", **extra
    )


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))
