"""What the settings pages show about a calendar or policy: readable hours and "due at" previews."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays
from holidays.registry import COUNTRIES

from apps.sla.business_time import (
    CalendarError,
    CalendarSnapshot,
    is_open,
    next_open,
    open_until,
    public_holidays,
)
from apps.sla.models import CalendarClosure, TargetKind
from apps.sla.policies import EffectivePolicy, Target

WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def hours_summary(calendar: CalendarSnapshot) -> str:
    """ "Mon-Fri 09:00-17:00 · Sat 10:00-14:00", grouping neighbouring days with the same hours."""
    groups: list[tuple[int, int, tuple]] = []
    for day, periods in enumerate(calendar.weekly_hours):
        if groups and groups[-1][2] == periods and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, periods)
        else:
            groups.append((day, day, periods))
    parts = []
    for first, last, periods in groups:
        if not periods:
            continue
        days = (
            WEEKDAY_SHORT[first]
            if first == last
            else f"{WEEKDAY_SHORT[first]}\N{EN DASH}{WEEKDAY_SHORT[last]}"
        )
        spans = ", ".join(f"{_clock(start)}\N{EN DASH}{_clock(end)}" for start, end in periods)
        parts.append(f"{days} {spans}")
    return " · ".join(parts) or "No opening hours"


@dataclass(frozen=True)
class CalendarStatus:
    is_open: bool
    next_opening: datetime | None  # when closed
    closes_at: datetime | None  # when open; None if open round the clock
    error: str = ""


def calendar_status(calendar: CalendarSnapshot, at: datetime) -> CalendarStatus:
    try:
        if is_open(calendar, at):
            return CalendarStatus(True, None, open_until(calendar, at))
        return CalendarStatus(False, next_open(calendar, at), None)
    except CalendarError as error:
        return CalendarStatus(False, None, None, str(error))


def country_name(code: str) -> str:
    """ "GB" → "United Kingdom", from the holidays package's registry of countries."""
    for module, entry in COUNTRIES.items():
        if entry[1] == code:
            return module.replace("_", " ").title().replace(" And ", " and ").replace(" Of ", " of ")
    return code


def subdivision_name(country: str, code: str) -> str:
    """ "GB", "ENG" → "England"; the code itself when the package has no name for it."""
    if not country or not code:
        return code
    names = holidays.country_holidays(country).get_subdivision_aliases().get(code)
    return names[0] if names else code


def region_label(country: str, subdivision: str) -> str:
    """ "United Kingdom, England"; "" without a country."""
    if not country:
        return ""
    return country_name(country) + (f", {subdivision_name(country, subdivision)}" if subdivision else "")


@dataclass(frozen=True)
class ClosedDay:
    day: date
    name: str
    source: str  # "public" or "custom"


def upcoming_closed_days(
    calendar: CalendarSnapshot, closures: list[CalendarClosure], today: date, *, days: int = 365
) -> list[ClosedDay]:
    """Public holidays and custom closures from `today` for `days` days, in date order."""
    until = today + timedelta(days=days)
    found = [
        ClosedDay(day, name, "public")
        for year in range(today.year, until.year + 1)
        for day, name in public_holidays(calendar.country, calendar.subdivision, year)
        if today <= day <= until
    ]
    found += [
        ClosedDay(closure.start_date, closure.name, "custom")
        for closure in closures
        if closure.end_date >= today and closure.start_date <= until
    ]
    return sorted(found, key=lambda closed: closed.day)


@dataclass(frozen=True)
class TargetPreview:
    kind: str
    kind_label: str
    duration_label: str  # "" when the target comes from another policy
    source: str
    due_at: datetime | None
    warn_at: datetime | None


@dataclass(frozen=True)
class Preview:
    opened_at: datetime
    calendar: CalendarSnapshot
    rows: list[TargetPreview]
    error: str = ""


def preview_targets(
    targets: dict[str, tuple[timedelta | None, str]],
    *,
    calendar: CalendarSnapshot,
    opened_at: datetime,
    warn_share: float | None,
) -> Preview:
    """Due (and warning) times of a policy's own targets for a case opened at `opened_at`."""
    rows = []
    try:
        for kind in TargetKind:
            duration, basis = targets.get(kind, (None, ""))
            if duration is None:
                rows.append(TargetPreview(kind, kind.label, "", "From the next matching policy", None, None))
                continue
            target = Target(kind, duration, basis, None, "")
            warn = target.warn_at(calendar, opened_at, warn_share) if warn_share else None
            rows.append(
                TargetPreview(
                    kind,
                    kind.label,
                    target.label,
                    "",
                    target.due_at(calendar, opened_at),
                    warn,
                )
            )
    except CalendarError as error:
        return Preview(opened_at, calendar, [], str(error))
    return Preview(opened_at, calendar, rows)


def preview_effective(
    effective: EffectivePolicy, *, calendar: CalendarSnapshot, opened_at: datetime
) -> Preview:
    """Due times of every target a case gets, naming the policy each comes from."""
    try:
        rows = [
            TargetPreview(
                target.kind,
                TargetKind(target.kind).label,
                target.label,
                target.policy_name,
                target.due_at(calendar, opened_at),
                target.warn_at(calendar, opened_at, effective.warn_share),
            )
            for target in effective.targets
        ]
    except CalendarError as error:
        return Preview(opened_at, calendar, [], str(error))
    return Preview(opened_at, calendar, rows)
