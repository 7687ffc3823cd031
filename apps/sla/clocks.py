"""SLA clocks for the queue and the case page: per case, its most urgent live target, as a countdown.

`sla_clocks_for_cases` answers for a whole page of cases with one query (timers only; calendars
come from the snapshot cache). A clock counts down in the timer's own time: business time stands
still while the office is closed, so the page says whether it is ticking now and until when
(`static/js/sla.js` ticks it each second without a reload).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When

from apps.common.clock import now
from apps.sla.business_time import CalendarError, is_open, open_until
from apps.sla.durations import BUSINESS_DAY
from apps.sla.models import SlaTimer, TimerKind, TimerState
from apps.sla.selectors import calendar_snapshot
from apps.sla.timer_models import LIVE_STATES, TARGET_KINDS
from apps.sla.timers import consumed_until
from apps.tenants.models import Tenant

OK, WARNING, BREACHED, PAUSED = "ok", "warning", "breached", "paused"
CALENDAR_DAY = timedelta(days=1)
SHORT_LABELS = {
    TimerKind.ACKNOWLEDGE: "Ack",
    TimerKind.FIRST_RESPONSE: "Reply",
    TimerKind.UPDATE: "Update",
    TimerKind.RESOLVE: "Resolve",
}


def format_remaining(seconds: int, *, day_seconds: int) -> str:
    """ "2d 3h", "3h 20m", "42m" (a day is 8 hours in business time); sla.js writes the same."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, day_seconds)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"


@dataclass(frozen=True)
class SlaClock:
    case_id: int
    kind: str
    state: str  # ok / warning / breached / paused
    due_at: datetime
    remaining: timedelta  # negative once overdue
    warn_below: timedelta | None  # the clock turns to warning when `remaining` drops to this
    business: bool
    ticking_until: datetime | None  # None: not ticking now (paused, or the office is closed)
    at: datetime  # the moment `remaining` was computed for

    @property
    def kind_label(self) -> str:
        return str(TimerKind(self.kind).label)

    @property
    def short_label(self) -> str:
        return SHORT_LABELS.get(self.kind, self.kind_label)

    @property
    def ticking_seconds(self) -> int | None:
        """How long after `at` the countdown keeps ticking (None: it stands still)."""
        if self.ticking_until is None:
            return None
        return max(int((self.ticking_until - self.at).total_seconds()), 0)

    @property
    def day_seconds(self) -> int:
        return int((BUSINESS_DAY if self.business else CALENDAR_DAY).total_seconds())

    @property
    def remaining_seconds(self) -> int:
        return math.floor(self.remaining.total_seconds())  # half a second overdue is overdue

    @property
    def warn_below_seconds(self) -> int | None:
        return None if self.warn_below is None else int(self.warn_below.total_seconds())

    @property
    def text(self) -> str:
        amount = format_remaining(self.remaining_seconds, day_seconds=self.day_seconds)
        if self.state == PAUSED:
            return f"Paused · {amount} left"
        return f"{amount} overdue" if self.remaining_seconds < 0 else f"{amount} left"

    @property
    def badge(self) -> str:
        return self.state


def _warn_below(timer: SlaTimer) -> timedelta | None:
    if timer.kind == TimerKind.UPDATE:
        return timedelta(0)
    if timer.warn_share is None:
        return None
    return timer.duration * (1 - float(timer.warn_share))


def _state(timer: SlaTimer, remaining: timedelta, warn_below: timedelta | None) -> str:
    if timer.state == TimerState.PAUSED:
        return PAUSED
    if timer.state == TimerState.BREACHED or remaining < timedelta(0):
        return BREACHED
    if timer.state == TimerState.WARNED or (warn_below is not None and remaining <= warn_below):
        return WARNING
    return OK


def clock_of(timer: SlaTimer, *, at: datetime) -> SlaClock:
    remaining = timer.duration - consumed_until(timer, at)
    warn_below = _warn_below(timer)
    ticking_until = None
    if timer.state != TimerState.PAUSED:
        if not timer.business:
            ticking_until = at + timedelta(days=365)
        else:
            calendar = calendar_snapshot(tenant=timer.tenant, calendar_id=timer.calendar_id)
            try:
                if is_open(calendar, at):
                    ticking_until = open_until(calendar, at) or at + timedelta(days=7)
            except CalendarError:
                ticking_until = None
    return SlaClock(
        case_id=timer.case_id,
        kind=timer.kind,
        state=_state(timer, remaining, warn_below),
        due_at=timer.due_at,
        remaining=remaining,
        warn_below=warn_below,
        business=timer.business,
        ticking_until=ticking_until,
        at=at,
    )


def sla_clocks_for_cases(
    *, tenant: Tenant, case_ids: Iterable[int], at: datetime | None = None
) -> dict[int, SlaClock]:
    """The clock of each case (by id) that has a live target timer; one query.

    A case's clock is its running (or warned, or breached) timer due first; a case whose clocks are
    all paused shows its paused timer with the least time left.
    """
    ids = list(case_ids)
    if not ids:
        return {}
    at = at or now()
    timers = (
        SlaTimer.objects.for_tenant(tenant)
        .filter(case_id__in=ids, kind__in=TARGET_KINDS, state__in=LIVE_STATES)
        .annotate(
            paused=SqlCase(
                When(state=TimerState.PAUSED, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("case_id", "paused", "due_at")
        .distinct("case_id")
    )
    clocks = {}
    for timer in timers:
        timer.tenant = tenant
        clocks[timer.case_id] = clock_of(timer, at=at)
    return clocks
