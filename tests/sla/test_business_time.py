"""Worked examples of business-time arithmetic, in the words of the procedures."""

import time as wallclock
from datetime import UTC, datetime, timedelta

import pytest

from apps.sla.business_time import (
    CalendarError,
    CalendarSnapshot,
    add_business_time,
    add_time,
    business_time_between,
    is_open,
    next_open,
    open_until,
    time_between,
)
from tests.sla.calendars import hours, local, office, weekdays

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
ENGLAND = {"country": "GB", "subdivision": "ENG"}
H = timedelta(hours=1)


def london(*args: int) -> datetime:
    return local(LONDON, *args)


def new_york(*args: int) -> datetime:
    return local(NEW_YORK, *args)


def test_complaint_friday_1630_before_a_bank_holiday_monday_is_acknowledged_by_tuesday_1230():
    calendar = office(LONDON, **ENGLAND)  # Monday 5 May 2025 is the Early May bank holiday
    due = add_business_time(calendar, london(2025, 5, 2, 16, 30), 4 * H)
    assert due == london(2025, 5, 6, 12, 30)


def test_one_business_hour_from_1630_on_a_weekday_is_0930_next_morning():
    due = add_business_time(office(LONDON), london(2025, 6, 11, 16, 30), H)
    assert due == london(2025, 6, 12, 9, 30)


def test_easter_closes_good_friday_and_easter_monday_in_england():
    due = add_business_time(office(LONDON, **ENGLAND), london(2025, 4, 17, 16, 30), 4 * H)
    assert due == london(2025, 4, 22, 12, 30)


def test_easter_monday_is_open_without_the_english_subdivision():
    due = add_business_time(office(LONDON, country="GB"), london(2025, 4, 17, 16, 30), 4 * H)
    assert due == london(2025, 4, 21, 12, 30)


def test_christmas_with_an_observed_boxing_day_pushes_to_the_tuesday():
    # 2026: Christmas Friday, Boxing Day Saturday, observed on Monday 28 December.
    due = add_business_time(office(LONDON, **ENGLAND), london(2026, 12, 24, 16, 30), 4 * H)
    assert due == london(2026, 12, 29, 12, 30)


def test_thanksgiving_in_new_york_skips_to_friday():
    calendar = office(NEW_YORK, country="US")
    due = add_business_time(calendar, new_york(2025, 11, 26, 16, 0), 2 * H)
    assert due == new_york(2025, 11, 28, 10, 0)


def test_target_that_ends_exactly_at_closing_time_is_due_at_closing_time():
    assert add_business_time(office(LONDON), london(2025, 6, 11, 13, 0), 4 * H) == london(2025, 6, 11, 17, 0)


def test_a_full_business_day_from_opening_is_due_at_that_days_close():
    assert add_business_time(office(LONDON), london(2025, 6, 11, 9, 0), 8 * H) == london(2025, 6, 11, 17, 0)


def test_five_business_days_from_monday_noon_end_next_monday_noon():
    assert add_business_time(office(LONDON), london(2025, 6, 9, 12, 0), 40 * H) == london(2025, 6, 16, 12, 0)


class TestOutsideOpeningHours:
    def test_a_case_on_saturday_counts_from_monday_morning(self):
        assert add_business_time(office(LONDON), london(2025, 6, 14, 10, 0), 2 * H) == london(
            2025, 6, 16, 11, 0
        )

    def test_a_case_before_opening_counts_from_opening(self):
        assert add_business_time(office(LONDON), london(2025, 6, 11, 7, 0), H) == london(2025, 6, 11, 10, 0)

    def test_a_case_after_closing_counts_from_next_opening(self):
        assert add_business_time(office(LONDON), london(2025, 6, 11, 18, 0), H) == london(2025, 6, 12, 10, 0)

    def test_no_business_time_passes_over_a_weekend(self):
        assert business_time_between(
            office(LONDON), london(2025, 6, 13, 17, 0), london(2025, 6, 16, 9, 0)
        ) == (timedelta(0))


class TestSplitDays:
    calendar = office(LONDON, text="09:00-12:00, 13:00-17:00")

    def test_lunch_break_does_not_count(self):
        assert add_business_time(self.calendar, london(2025, 6, 11, 11, 0), 2 * H) == london(
            2025, 6, 11, 14, 0
        )

    def test_a_case_opened_at_lunch_counts_from_1300(self):
        assert add_business_time(self.calendar, london(2025, 6, 11, 12, 30), H) == london(2025, 6, 11, 14, 0)

    def test_the_morning_period_ends_at_noon(self):
        assert add_business_time(self.calendar, london(2025, 6, 11, 11, 0), H) == london(2025, 6, 11, 12, 0)

    def test_a_split_day_holds_seven_business_hours(self):
        day = business_time_between(self.calendar, london(2025, 6, 11, 0, 0), london(2025, 6, 12, 0, 0))
        assert day == 7 * H

    def test_is_open_follows_the_break(self):
        assert is_open(self.calendar, london(2025, 6, 11, 11, 59))
        assert not is_open(self.calendar, london(2025, 6, 11, 12, 0))
        assert not is_open(self.calendar, london(2025, 6, 11, 12, 59))
        assert is_open(self.calendar, london(2025, 6, 11, 13, 0))


class TestClockChanges:
    def test_london_spring_forward_weekend_keeps_0930_local_on_monday(self):
        due = add_business_time(office(LONDON), london(2025, 3, 28, 16, 30), H)  # Friday, still GMT
        assert due == london(2025, 3, 31, 9, 30)
        assert due == datetime(2025, 3, 31, 8, 30, tzinfo=UTC)  # BST is UTC+1

    def test_london_fall_back_weekend_keeps_1000_local_on_monday(self):
        due = add_business_time(office(LONDON), london(2025, 10, 24, 16, 0), 2 * H)  # Friday, still BST
        assert due == london(2025, 10, 27, 10, 0)
        assert due == datetime(2025, 10, 27, 10, 0, tzinfo=UTC)

    def test_new_york_spring_forward_weekend(self):
        due = add_business_time(office(NEW_YORK), new_york(2025, 3, 7, 16, 30), H)
        assert due == new_york(2025, 3, 10, 9, 30)
        assert due == datetime(2025, 3, 10, 13, 30, tzinfo=UTC)

    def test_new_york_fall_back_weekend(self):
        due = add_business_time(office(NEW_YORK), new_york(2025, 10, 31, 16, 30), H)
        assert due == new_york(2025, 11, 3, 9, 30)
        assert due == datetime(2025, 11, 3, 14, 30, tzinfo=UTC)

    def test_a_round_the_clock_desk_has_a_23_hour_spring_forward_sunday(self):
        always = CalendarSnapshot(NEW_YORK, (hours("00:00-24:00"),) * 7)
        sunday = business_time_between(always, new_york(2025, 3, 9, 0, 0), new_york(2025, 3, 10, 0, 0))
        assert sunday == 23 * H
        assert add_business_time(always, new_york(2025, 3, 8, 12, 0), 24 * H) == new_york(2025, 3, 9, 13, 0)

    def test_a_round_the_clock_desk_has_a_25_hour_fall_back_sunday(self):
        always = CalendarSnapshot(LONDON, (hours("00:00-24:00"),) * 7)
        sunday = business_time_between(always, london(2025, 10, 26, 0, 0), london(2025, 10, 27, 0, 0))
        assert sunday == 25 * H
        assert add_business_time(always, london(2025, 10, 25, 12, 0), 24 * H) == london(2025, 10, 26, 11, 0)

    def test_a_night_shift_over_the_changed_hour_is_shorter_or_longer(self):
        nights = CalendarSnapshot(NEW_YORK, (hours("00:00-04:00"),) * 7)

        def night(year: int, month: int, day: int) -> timedelta:
            return business_time_between(
                nights, new_york(year, month, day, 0, 0), new_york(year, month, day, 12, 0)
            )

        assert night(2025, 3, 9) == 3 * H  # 02:00-03:00 does not exist
        assert night(2025, 11, 2) == 5 * H  # 01:00-02:00 happens twice
        assert night(2025, 11, 3) == 4 * H

    def test_a_period_inside_the_skipped_hour_does_not_exist_that_day(self):
        odd = CalendarSnapshot(NEW_YORK, (hours("02:00-03:00"),) * 7)
        spring = business_time_between(odd, new_york(2025, 3, 9, 0, 0), new_york(2025, 3, 9, 12, 0))
        assert spring == timedelta(0)
        assert add_business_time(odd, new_york(2025, 3, 8, 2, 30), H) == new_york(2025, 3, 10, 2, 30)

    def test_periods_ending_in_the_skipped_hour_do_not_count_twice(self):
        # 02:30 does not exist on 9 March; read with the winter offset it is 03:30 summer time,
        # which runs into the 03:00 period: the open time is 01:00-02:00 EST and 03:00-04:00 EDT.
        calendar = CalendarSnapshot(NEW_YORK, (hours("01:00-02:30, 03:00-04:00"),) * 7)
        day = business_time_between(calendar, new_york(2025, 3, 9, 0, 0), new_york(2025, 3, 9, 12, 0))
        assert day == 2 * H

    def test_a_week_long_target_over_a_clock_change_still_counts_real_hours(self):
        always = CalendarSnapshot(LONDON, (hours("00:00-24:00"),) * 7)
        start = london(2025, 3, 24, 12, 0)
        due = add_business_time(always, start, timedelta(days=14))
        assert due - start == timedelta(days=14)  # absolute time, whatever the wall clock says
        assert due == london(2025, 4, 7, 13, 0)


class TestCustomClosures:
    def test_a_whole_day_closure_is_skipped(self):
        closed = (london(2025, 6, 11, 0, 0), london(2025, 6, 12, 0, 0))  # Wednesday, staff training
        calendar = office(LONDON, closures=(closed,))
        assert add_business_time(calendar, london(2025, 6, 10, 16, 30), H) == london(2025, 6, 12, 9, 30)

    def test_an_afternoon_closure_on_christmas_eve(self):
        afternoon = (london(2026, 12, 24, 14, 0), london(2026, 12, 24, 17, 0))
        calendar = office(LONDON, closures=(afternoon,), **ENGLAND)
        assert add_business_time(calendar, london(2026, 12, 24, 13, 30), H) == london(2026, 12, 29, 9, 30)
        assert not is_open(calendar, london(2026, 12, 24, 15, 0))
        assert is_open(calendar, london(2026, 12, 24, 13, 59))

    def test_overlapping_closures_merge(self):
        first = (london(2025, 6, 11, 10, 0), london(2025, 6, 11, 13, 0))
        second = (london(2025, 6, 11, 12, 0), london(2025, 6, 11, 15, 0))
        calendar = office(LONDON, closures=(second, first))
        day = business_time_between(calendar, london(2025, 6, 11, 0, 0), london(2025, 6, 12, 0, 0))
        assert day == 3 * H

    def test_a_calendar_closed_for_good_raises_a_clear_error(self):
        forever = (london(2025, 1, 1, 0, 0), london(2027, 6, 1, 0, 0))
        calendar = office(LONDON, closures=(forever,))
        with pytest.raises(CalendarError, match="no open time"):
            add_business_time(calendar, london(2025, 6, 11, 9, 0), H)
        with pytest.raises(CalendarError, match="no open time"):
            next_open(calendar, london(2025, 6, 11, 9, 0))


class TestZeroAndCalendarTime:
    def test_zero_duration_is_due_at_the_start_even_when_closed(self):
        start = london(2025, 6, 14, 10, 0)  # Saturday
        assert add_business_time(office(LONDON), start, timedelta(0)) == start

    def test_calendar_time_ignores_opening_hours(self):
        start = london(2025, 5, 2, 16, 30)
        assert add_time(office(LONDON, **ENGLAND), start, 24 * H, business=False) == london(
            2025, 5, 3, 16, 30
        )
        assert time_between(office(LONDON), start, london(2025, 5, 5, 16, 30), business=False) == 72 * H

    def test_business_variant_of_add_time_uses_the_calendar(self):
        start = london(2025, 5, 2, 16, 30)
        assert add_time(office(LONDON, **ENGLAND), start, 4 * H, business=True) == london(2025, 5, 6, 12, 30)
        assert time_between(
            office(LONDON), start, london(2025, 5, 5, 10, 0), business=True
        ) == 90 * timedelta(minutes=1)


class TestOpenAndNextOpen:
    def test_opening_time_is_open_and_closing_time_is_not(self):
        assert is_open(office(LONDON), london(2025, 6, 11, 9, 0))
        assert not is_open(office(LONDON), london(2025, 6, 11, 17, 0))

    def test_a_public_holiday_is_closed(self):
        assert not is_open(office(LONDON, **ENGLAND), london(2025, 5, 5, 11, 0))

    def test_next_open_of_an_open_instant_is_itself(self):
        at = london(2025, 6, 11, 11, 15)
        assert next_open(office(LONDON), at) == at

    def test_next_open_after_friday_close_over_a_bank_holiday_is_tuesday(self):
        assert next_open(office(LONDON, **ENGLAND), london(2025, 5, 2, 17, 0)) == london(2025, 5, 6, 9, 0)


class TestResultsAndInputs:
    def test_results_are_aware_utc(self):
        due = add_business_time(office(LONDON), london(2025, 6, 11, 16, 30), H)
        assert due.tzinfo is UTC

    def test_measuring_backwards_gives_a_negative_duration(self):
        a, b = london(2025, 6, 11, 10, 0), london(2025, 6, 11, 12, 0)
        assert business_time_between(office(LONDON), b, a) == -2 * H

    def test_naive_datetimes_are_refused(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            add_business_time(office(LONDON), datetime(2025, 6, 11, 9, 0), H)  # noqa: DTZ001

    def test_negative_durations_are_refused(self):
        with pytest.raises(ValueError, match="negative"):
            add_business_time(office(LONDON), london(2025, 6, 11, 9, 0), -H)

    def test_a_calendar_without_opening_hours_raises_a_clear_error(self):
        empty = CalendarSnapshot(LONDON, ((),) * 7, name="Empty")
        with pytest.raises(CalendarError, match="“Empty” has no opening hours"):
            add_business_time(empty, london(2025, 6, 11, 9, 0), H)
        with pytest.raises(CalendarError, match="no opening hours"):
            business_time_between(empty, london(2025, 6, 11, 9, 0), london(2025, 6, 12, 9, 0))
        assert not is_open(empty, london(2025, 6, 11, 9, 0))

    def test_overlapping_periods_are_merged_and_bad_ones_refused(self):
        calendar = CalendarSnapshot(LONDON, weekdays("09:00-13:00, 12:00-17:00"))
        assert calendar.weekly_hours[0] == ((540, 1020),)
        with pytest.raises(ValueError, match="not within one day"):
            CalendarSnapshot(LONDON, weekdays("17:00-09:00"))

    def test_an_unknown_time_zone_is_refused(self):
        with pytest.raises(Exception, match="Mars"):
            CalendarSnapshot("Mars/Olympus", weekdays("09:00-17:00"))


class TestLongDurations:
    def test_ten_years_of_business_time_is_quick_and_exact(self):
        calendar = office(LONDON, **ENGLAND)
        start = london(2025, 1, 6, 9, 0)
        began = wallclock.perf_counter()
        due = add_business_time(calendar, start, 10 * 250 * 8 * H)
        measured = business_time_between(calendar, start, due)
        assert wallclock.perf_counter() - began < 0.5
        assert measured == 10 * 250 * 8 * H

    def test_a_long_target_equals_the_same_target_added_in_daily_steps(self):
        calendar = office(
            NEW_YORK, country="US", closures=((new_york(2025, 8, 4, 12, 0), new_york(2025, 8, 6, 0, 0)),)
        )
        start = new_york(2025, 1, 2, 11, 0)
        stepped = start
        for _ in range(150):
            stepped = add_business_time(calendar, stepped, 8 * H)
        assert add_business_time(calendar, start, 150 * 8 * H) == stepped


class TestOpenUntil:
    def test_an_open_office_closes_at_five(self):
        assert open_until(office(LONDON), london(2025, 6, 11, 11, 0)) == london(2025, 6, 11, 17, 0)

    def test_a_split_day_closes_for_lunch(self):
        calendar = office(LONDON, text="09:00-12:00, 13:00-17:00")
        assert open_until(calendar, london(2025, 6, 11, 11, 0)) == london(2025, 6, 11, 12, 0)

    def test_periods_touching_over_midnight_count_as_one_stretch(self):
        nights = CalendarSnapshot(LONDON, weekdays("18:00-24:00", weekend="00:00-24:00"))
        assert open_until(nights, london(2025, 6, 13, 20, 0)) == london(2025, 6, 16, 0, 0)

    def test_closed_and_round_the_clock_have_no_end(self):
        assert open_until(office(LONDON), london(2025, 6, 11, 18, 0)) is None
        always = CalendarSnapshot(LONDON, (hours("00:00-24:00"),) * 7)
        assert open_until(always, london(2025, 6, 11, 18, 0)) is None
