"""Business-time arithmetic over a calendar snapshot: pure functions, no database, no clock.

A `CalendarSnapshot` says when a business is open: weekly opening periods in wall-clock time of one
time zone, public holidays of a country (and subdivision) from the `holidays` package, and custom
closures. Selectors build snapshots from the models (`apps.sla.selectors.calendar_snapshot`); tests
build them directly.

The rules, which `docs/sla.md` explains with worked examples:

- Opening periods are wall-clock times on a local date ("Monday 09:00-17:00" in Europe/London).
  Each day's periods are turned into absolute instants in that day's UTC offset, so a 09:00-17:00
  day is 8 real hours in winter and in summer, and a 00:00-24:00 day is 23 or 25 hours on the
  days the clocks change. A wall time that does not exist (skipped by spring-forward) is read with
  the offset before the change, and a period that collapses to nothing is dropped.
- A public holiday closes the whole local date; a custom closure closes an absolute time range.
- Business time is real elapsed time inside open periods. `add_business_time(start, d)` counts `d`
  of open time from `start` (counting starts at the next opening if `start` is closed) and returns
  the instant the count completes: a period's end instant counts as reached, so 4 business hours
  from 13:00 on a 9-17 day is 17:00 that day, not 09:00 the next day. A zero duration returns
  `start` itself.
- Open periods are half-open `[start, end)`: `is_open` is true at 09:00 and false at 17:00.
- Every datetime argument must be timezone-aware; every result is an aware UTC datetime.

Long durations cost days, not minutes: the walk goes one local day at a time and skips a whole
week at once when that week has no holiday, no closure and no UTC-offset change.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import holidays

MINUTES_PER_DAY = 24 * 60
ZERO = timedelta(0)
WEEK = 7
# The longest custom closure is a year (see CalendarClosure.clean); a calendar that shows no open
# minute for longer than this can never open again, and the walk stops with a clear error.
MAX_CLOSED_DAYS = 400

Period = tuple[int, int]  # (start minute, end minute) after local midnight; end may be 1440
Interval = tuple[datetime, datetime]  # aware UTC, half-open


class CalendarError(ValueError):
    """The calendar cannot answer: it has no opening hours, or is closed for good."""


@dataclass(frozen=True)
class CalendarSnapshot:
    """Everything the arithmetic needs to know about one business calendar. Immutable and picklable.

    `weekly_hours[0]` holds Monday's periods, `weekly_hours[6]` Sunday's; each is a tuple of
    `(start_minute, end_minute)` pairs, sorted and not overlapping (the constructor normalises them).
    `closures` are absolute `(start, end)` ranges, aware; they are normalised to sorted, merged UTC.
    """

    time_zone: str
    weekly_hours: tuple[tuple[Period, ...], ...]
    country: str = ""
    subdivision: str = ""
    closures: tuple[Interval, ...] = ()
    calendar_id: int | None = None
    name: str = ""
    _closure_starts: tuple[datetime, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.weekly_hours) != WEEK:
            raise ValueError("weekly_hours needs seven entries, Monday first.")
        ZoneInfo(self.time_zone)  # fail now, not on first use
        object.__setattr__(self, "weekly_hours", tuple(_normalise_periods(day) for day in self.weekly_hours))
        closures = _merge([(_as_utc(start), _as_utc(end)) for start, end in self.closures if end > start])
        object.__setattr__(self, "closures", tuple(closures))
        object.__setattr__(self, "_closure_starts", tuple(start for start, _ in closures))

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def week_length(self) -> timedelta:
        """Nominal open time in a plain week (no holiday, closure or clock change)."""
        return timedelta(minutes=sum(end - start for day in self.weekly_hours for start, end in day))

    @property
    def has_opening_hours(self) -> bool:
        return self.week_length > ZERO

    def is_holiday(self, day: date) -> bool:
        return bool(self.country) and day in _public_holidays(self.country, self.subdivision, day.year)


# ---------------------------------------------------------------------------------------------
# Public API


def is_open(calendar: CalendarSnapshot, at: datetime) -> bool:
    """True when `at` falls inside an open period (start included, end excluded)."""
    at = _as_utc(at)
    return any(start <= at < end for start, end in _day_intervals(calendar, _local_date(calendar, at)))


def next_open(calendar: CalendarSnapshot, at: datetime) -> datetime:
    """The earliest instant at or after `at` when the calendar is open (`at` itself if open)."""
    _require_hours(calendar)
    at = _as_utc(at)
    for intervals in _days_from(calendar, _local_date(calendar, at)):
        for start, end in intervals:
            if end > at:
                return max(start, at)
    raise AssertionError("unreachable: _days_from raises before running out")  # pragma: no cover


def open_until(calendar: CalendarSnapshot, at: datetime) -> datetime | None:
    """When the open stretch around `at` ends (periods that touch count as one stretch).

    None when `at` is closed, and when the calendar is still open a week later (round the clock).
    """
    at = _as_utc(at)
    if not is_open(calendar, at):
        return None
    end = at
    day = _local_date(calendar, at)
    for _ in range(WEEK + 1):
        for open_at, close_at in _day_intervals(calendar, day):
            if close_at <= end:
                continue
            if open_at > end:
                return end
            end = close_at
        day += timedelta(days=1)
    return None


def add_business_time(calendar: CalendarSnapshot, start: datetime, duration: timedelta) -> datetime:
    """The instant at which `duration` of open time, counted from `start`, has passed."""
    if duration < ZERO:
        raise ValueError("duration must not be negative.")
    start = _as_utc(start)
    if duration == ZERO:
        return start
    _require_hours(calendar)
    remaining = duration
    day = _local_date(calendar, start)
    closed_run = 0
    while True:
        if (
            remaining > calendar.week_length
            and _midnight(calendar, day) >= start
            and _plain_week(calendar, day)
        ):
            remaining -= calendar.week_length
            day += timedelta(days=WEEK)
            closed_run = 0
            continue
        intervals = _day_intervals(calendar, day)
        for open_at, close_at in intervals:
            if close_at <= start:
                continue
            open_at = max(open_at, start)
            available = close_at - open_at
            if remaining <= available:
                return open_at + remaining
            remaining -= available
        closed_run = 0 if intervals else closed_run + 1
        if closed_run > MAX_CLOSED_DAYS:
            raise _closed_for_good(calendar)
        day += timedelta(days=1)


def business_time_between(calendar: CalendarSnapshot, a: datetime, b: datetime) -> timedelta:
    """Open time between `a` and `b`; negative when `b` is before `a` (so it adds up in any order).

    `business_time_between(c, a, b) + business_time_between(c, b, d) == business_time_between(c, a, d)`.
    """
    a, b = _as_utc(a), _as_utc(b)
    if b < a:
        return -business_time_between(calendar, b, a)
    if a == b:
        return ZERO
    _require_hours(calendar)
    total = ZERO
    day = _local_date(calendar, a)
    last_day = _local_date(calendar, b)
    while day <= last_day:
        week_end = day + timedelta(days=WEEK)
        if (
            (last_day - day).days >= WEEK
            and _midnight(calendar, day) >= a
            and _midnight(calendar, week_end) <= b
            and _plain_week(calendar, day)
        ):
            total += calendar.week_length
            day = week_end
            continue
        for open_at, close_at in _day_intervals(calendar, day):
            overlap = min(close_at, b) - max(open_at, a)
            if overlap > ZERO:
                total += overlap
        day += timedelta(days=1)
    return total


def add_time(calendar: CalendarSnapshot, start: datetime, duration: timedelta, *, business: bool) -> datetime:
    """Deadline for a target: business time through the calendar, or plain (calendar) time."""
    if not business:
        if duration < ZERO:
            raise ValueError("duration must not be negative.")
        return _as_utc(start) + duration
    return add_business_time(calendar, start, duration)


def time_between(calendar: CalendarSnapshot, a: datetime, b: datetime, *, business: bool) -> timedelta:
    """Elapsed time for a target: business time through the calendar, or plain (calendar) time."""
    if not business:
        return _as_utc(b) - _as_utc(a)
    return business_time_between(calendar, a, b)


# ---------------------------------------------------------------------------------------------
# The walk


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("business-time arithmetic needs timezone-aware datetimes.")
    return value.astimezone(UTC)


def _local_date(calendar: CalendarSnapshot, at: datetime) -> date:
    return at.astimezone(calendar.zone).date()


def _midnight(calendar: CalendarSnapshot, day: date) -> datetime:
    """The instant local `day` begins, in UTC."""
    return datetime.combine(day, time.min, tzinfo=calendar.zone).astimezone(UTC)


def _local_instant(calendar: CalendarSnapshot, day: date, minute: int) -> datetime:
    # Wall-clock arithmetic: zoneinfo works out the offset for the resulting local time, so 09:00
    # on a summer day gets summer time. minute 1440 is the next day's 00:00.
    local = datetime.combine(day, time.min, tzinfo=calendar.zone) + timedelta(minutes=minute)
    return local.astimezone(UTC)


def _day_intervals(calendar: CalendarSnapshot, day: date) -> list[Interval]:
    """Open intervals of one local date, in UTC, sorted, closures cut out."""
    periods = calendar.weekly_hours[day.weekday()]
    if not periods or calendar.is_holiday(day):
        return []
    intervals: list[Interval] = []
    for start_minute, end_minute in periods:
        start = _local_instant(calendar, day, start_minute)
        end = _local_instant(calendar, day, end_minute)
        if intervals:  # a wall time in a spring-forward gap can map past the previous period's end
            start = max(start, intervals[-1][1])
        if end > start:
            intervals.append((start, end))
    if calendar.closures and intervals:
        intervals = _cut_closures(calendar, intervals)
    return intervals


def _cut_closures(calendar: CalendarSnapshot, intervals: list[Interval]) -> list[Interval]:
    # Closures are sorted and merged: only those starting before the day's last close can overlap.
    last = bisect.bisect_left(calendar._closure_starts, intervals[-1][1])
    relevant = [closure for closure in calendar.closures[:last] if closure[1] > intervals[0][0]]
    result: list[Interval] = []
    for start, end in intervals:
        for closed_from, closed_until in relevant:
            if closed_until <= start or closed_from >= end:
                continue
            if closed_from > start:
                result.append((start, closed_from))
            start = max(start, closed_until)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


def _days_from(calendar: CalendarSnapshot, day: date) -> Iterator[list[Interval]]:
    """Each day's intervals from `day` on, skipping closed days; raises if the calendar never opens."""
    closed_run = 0
    while closed_run <= MAX_CLOSED_DAYS:
        intervals = _day_intervals(calendar, day)
        if intervals:
            closed_run = 0
            yield intervals
        else:
            closed_run += 1
        day += timedelta(days=1)
    raise _closed_for_good(calendar)


def _plain_week(calendar: CalendarSnapshot, day: date) -> bool:
    """True when the seven days from `day` are open exactly as the weekly hours say.

    That needs: no public holiday, no custom closure touching the week, and the same UTC offset at
    every local midnight of the week (so no clock change stretches or shrinks an open period).
    """
    local_midnights = [
        datetime.combine(day + timedelta(days=offset), time.min, tzinfo=calendar.zone)
        for offset in range(WEEK + 1)
    ]
    if len({midnight.utcoffset() for midnight in local_midnights}) != 1:
        return False
    if any(calendar.is_holiday(day + timedelta(days=offset)) for offset in range(WEEK)):
        return False
    if calendar.closures:
        week_start, week_end = local_midnights[0].astimezone(UTC), local_midnights[-1].astimezone(UTC)
        index = bisect.bisect_left(calendar._closure_starts, week_end)
        if any(end > week_start for _, end in calendar.closures[:index]):
            return False
    return True


def _require_hours(calendar: CalendarSnapshot) -> None:
    if not calendar.has_opening_hours:
        raise CalendarError(
            f"The business calendar “{calendar.name or calendar.time_zone}” has no opening hours; "
            "add at least one opening period."
        )


def _closed_for_good(calendar: CalendarSnapshot) -> CalendarError:
    return CalendarError(
        f"The business calendar “{calendar.name or calendar.time_zone}” shows no open time for more "
        f"than {MAX_CLOSED_DAYS} days; check its closures."
    )


# ---------------------------------------------------------------------------------------------
# Building blocks


def _normalise_periods(periods: tuple[Period, ...] | list[Period]) -> tuple[Period, ...]:
    cleaned = []
    for start, end in periods:
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(
                f"Opening period {start}\N{EN DASH}{end} is not within one day (minutes 0\N{EN DASH}1440)."
            )
        cleaned.append((int(start), int(end)))
    merged: list[Period] = []
    for start, end in sorted(cleaned):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _merge(ranges: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@lru_cache(maxsize=1024)
def _public_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


def public_holidays(country: str, subdivision: str, year: int) -> list[tuple[date, str]]:
    """Named public holidays of one year, for showing on the calendar page."""
    if not country:
        return []
    named = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return sorted(named.items())


def minutes_of(value: time) -> int:
    """Minute of the day for a `time`; used for period starts."""
    return value.hour * 60 + value.minute


def end_minutes_of(value: time) -> int:
    """Minute of the day for a period end, where 00:00 means midnight at the end of the day."""
    return MINUTES_PER_DAY if value == time.min else minutes_of(value)
