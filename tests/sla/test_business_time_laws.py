"""Laws of business-time arithmetic, checked by hypothesis over generated calendars.

Calendars get random weekly hours (split days, midnight-to-midnight days, closed days), zones with
clock changes of an hour, half an hour (Lord Howe) or none, public holidays of a country, and
random closures. Times and durations are whole minutes, so "just before" is one microsecond.
"""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from apps.sla.business_time import (
    CalendarSnapshot,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
)

ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "UTC",
    "Pacific/Auckland",
]
REGIONS = [("", ""), ("GB", "ENG"), ("US", ""), ("NZ", "")]
RANGE_START = datetime(2024, 1, 1, tzinfo=UTC)
RANGE_MINUTES = 3 * 365 * 24 * 60
TINY = timedelta(microseconds=1)

laws = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def day_periods(draw) -> tuple[tuple[int, int], ...]:
    boundaries = sorted(draw(st.sets(st.integers(0, 96), min_size=0, max_size=6)))
    if len(boundaries) % 2:
        boundaries = boundaries[:-1]
    return tuple((boundaries[i] * 15, boundaries[i + 1] * 15) for i in range(0, len(boundaries), 2))


instants = st.integers(0, RANGE_MINUTES).map(lambda minutes: RANGE_START + timedelta(minutes=minutes))
durations = st.integers(0, 60 * 24 * 40).map(lambda minutes: timedelta(minutes=minutes))


@st.composite
def calendars(draw) -> CalendarSnapshot:
    weekly = tuple(draw(day_periods()) for _ in range(7))
    assume(any(weekly))
    country, subdivision = draw(st.sampled_from(REGIONS))
    closures = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(instants)
        closures.append((start, start + timedelta(minutes=draw(st.integers(1, 60 * 24 * 10)))))
    return CalendarSnapshot(
        draw(st.sampled_from(ZONES)),
        weekly,
        country=country,
        subdivision=subdivision,
        closures=tuple(closures),
    )


@laws
@given(calendars(), instants, durations)
def test_adding_then_measuring_gives_back_the_duration(calendar, start, duration):
    due = add_business_time(calendar, start, duration)
    assert business_time_between(calendar, start, due) == duration


@laws
@given(calendars(), instants, durations, durations)
def test_adding_in_two_steps_equals_adding_at_once(calendar, start, first, second):
    assume(first > timedelta(0))
    in_steps = add_business_time(calendar, add_business_time(calendar, start, first), second)
    assert in_steps == add_business_time(calendar, start, first + second)


@laws
@given(calendars(), instants, instants, durations)
def test_due_time_is_monotonic_in_the_start(calendar, one, other, duration):
    early, late = sorted((one, other))
    assert add_business_time(calendar, early, duration) <= add_business_time(calendar, late, duration)


@laws
@given(calendars(), instants, durations, durations)
def test_due_time_is_monotonic_in_the_duration(calendar, start, one, other):
    short, long = sorted((one, other))
    assert add_business_time(calendar, start, short) <= add_business_time(calendar, start, long)


@laws
@given(calendars(), instants, durations)
def test_due_time_never_lies_in_a_closed_period(calendar, start, duration):
    due = add_business_time(calendar, start, duration)
    if duration:
        # The count completes while open: the instant before the due time is open time.
        assert is_open(calendar, due - TINY)
        assert due > start
    else:
        assert due == start


@laws
@given(calendars(), instants, instants, instants)
def test_elapsed_is_never_negative_and_adds_up(calendar, one, two, three):
    a, b, c = sorted((one, two, three))
    ab, bc = business_time_between(calendar, a, b), business_time_between(calendar, b, c)
    assert ab >= timedelta(0)
    assert ab <= b - a
    assert ab + bc == business_time_between(calendar, a, c)


@laws
@given(calendars(), instants)
def test_next_open_is_open_and_nothing_before_it_is(calendar, at):
    opening = next_open(calendar, at)
    assert opening >= at
    assert is_open(calendar, opening)
    assert business_time_between(calendar, at, opening) == timedelta(0)


@settings(max_examples=60, deadline=None)
@given(calendars(), instants)
def test_elapsed_over_a_day_matches_counting_minute_by_minute(calendar, start):
    end = start + timedelta(hours=36)
    by_minute = sum(1 for minute in range(36 * 60) if is_open(calendar, start + timedelta(minutes=minute)))
    assert business_time_between(calendar, start, end) == timedelta(minutes=by_minute)
