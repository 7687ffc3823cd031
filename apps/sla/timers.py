"""Timer arithmetic and the timer lifecycle of a case: start, pause, resume, recompute, meet, cancel.

How a clock counts. A timer has a `duration` (business or calendar time) and runs in stretches:
`consumed` is the time used in earlier stretches, `started_at` the start of the current one. The
clock passes a *threshold* (a share of the duration) at `add_time(started_at, threshold - consumed)`.
Pausing adds the stretch to `consumed`; resuming starts a new stretch at that moment. So a case that
waited two days for the customer keeps exactly the time it had left, and a recompute (a new
priority, a changed policy, a new team with other hours) only swaps `duration` and the calendar: the
time already used stays used, counted in the old calendar; the rest is counted in the new one.

The thresholds, in the order the sweeper meets them:

    target timers  warn at duration x warn_share → breach at duration → one level more every further
                   duration (2 x, 3 x …) until the top of the escalation matrix; after a
                   de-escalation the next level comes one duration later (`escalate_from`)
    update timer   remind the assignee at duration → at duration + grace send the update (tenant
                   setting) or breach, then escalate like the others
    auto_close     close at duration (calendar time)
    welcome        send at `next_action_at` (outside the customer's quiet hours), due within 24 h

The functions that change timers run inside the case service's transaction (called by
`apps.sla.handlers`) or the sweeper's, and write their timeline entry and audit event there.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.cases.models import Case, CaseStatus
from apps.customers.models import UpdateCadence
from apps.sla.business_time import add_time, time_between
from apps.sla.durations import BUSINESS_DAY, describe_duration
from apps.sla.journal import sla_journal
from apps.sla.models import SlaTimer, TimerKind, TimerState
from apps.sla.policies import EffectivePolicy
from apps.sla.selectors import calendar_snapshot, policy_for
from apps.sla.tenant_settings import sla_settings_for
from apps.sla.timer_models import LIVE_STATES, SWEPT_STATES, TARGET_KINDS
from apps.tenants.models import Tenant

ZERO = timedelta(0)
# A customer's chosen cadence, as business time between updates ("events": the policy decides).
CADENCE_PERIODS = {
    UpdateCadence.DAILY: BUSINESS_DAY,
    UpdateCadence.WEEKLY: 5 * BUSINESS_DAY,
    UpdateCadence.BIWEEKLY: 10 * BUSINESS_DAY,
}
CASE_TIMER_KINDS = (TimerKind.ACKNOWLEDGE, TimerKind.FIRST_RESPONSE, TimerKind.UPDATE, TimerKind.RESOLVE)


# --- arithmetic -----------------------------------------------------------------------------------


def breach_point(timer: SlaTimer, grace: timedelta) -> timedelta:
    """Clock time at which the timer breaches: its duration, plus the grace for an update."""
    return timer.duration + (grace if timer.kind == TimerKind.UPDATE else ZERO)


def raise_point(timer: SlaTimer, grace: timedelta, n: int) -> timedelta:
    """Clock time of the timer's `n`th raise: one period apart, counted from `escalate_from`
    (moved by a de-escalation), else from the breach point."""
    start = breach_point(timer, grace) if timer.escalate_from is None else timer.escalate_from
    return start + timer.duration * (n - 1)


def next_threshold(timer: SlaTimer, grace: timedelta) -> timedelta | None:
    """Clock time at which the sweeper must act next, given the timer's state; None: nothing due."""
    if timer.state not in SWEPT_STATES:
        return None
    if timer.kind not in TARGET_KINDS:
        return timer.duration
    if timer.kind == TimerKind.ACKNOWLEDGE and timer.automatic_attempted_at is None:
        return ZERO  # the automatic acknowledgement goes out at once
    if timer.state == TimerState.BREACHED:
        return raise_point(timer, grace, timer.escalations + 1)
    if timer.state == TimerState.RUNNING:
        if timer.kind == TimerKind.UPDATE:
            return timer.duration  # the reminder
        if timer.warn_share is not None:
            return timer.duration * float(timer.warn_share)
    return breach_point(timer, grace)


def clock_at(timer: SlaTimer, threshold: timedelta) -> datetime:
    """The instant the running clock reaches `threshold` (now-ish if it already has)."""
    calendar = calendar_snapshot(tenant=timer.tenant, calendar_id=timer.calendar_id)
    return add_time(
        calendar, timer.started_at, max(threshold - timer.consumed, ZERO), business=timer.business
    )


def consumed_until(timer: SlaTimer, at: datetime) -> timedelta:
    """Clock time used by `at`: earlier stretches plus the current one (if running)."""
    if timer.state == TimerState.PAUSED:
        return timer.consumed
    calendar = calendar_snapshot(tenant=timer.tenant, calendar_id=timer.calendar_id)
    return timer.consumed + max(time_between(calendar, timer.started_at, at, business=timer.business), ZERO)


def timer_schedule(timer: SlaTimer, *, grace: timedelta) -> SlaTimer:
    """Set `due_at`, `warn_at` and `next_action_at` from the clock (not saved).

    `due_at` is when the target falls due (for an update: when the customer expects it; the grace
    comes after). A breached timer keeps its `due_at`: when the target was missed is history.
    """
    if timer.kind == TimerKind.WELCOME:
        return timer  # scheduled by quiet hours, see apps.sla.welcome
    if timer.state in SWEPT_STATES or timer.state == TimerState.PAUSED:
        if timer.state != TimerState.BREACHED:
            timer.due_at = clock_at(timer, timer.duration)
        timer.warn_at = None
        if timer.kind in TARGET_KINDS and timer.warn_share is not None and timer.kind != TimerKind.UPDATE:
            timer.warn_at = clock_at(timer, timer.duration * float(timer.warn_share))
    threshold = next_threshold(timer, grace)
    timer.next_action_at = None if threshold is None else clock_at(timer, threshold)
    return timer


# --- building timers from the policy --------------------------------------------------------------


def _update_target(case: Case, policy: EffectivePolicy) -> tuple[timedelta, bool]:
    cadence = CADENCE_PERIODS.get(case.customer.update_cadence)
    if policy.update_follows_customer_cadence and cadence is not None:
        return cadence, True
    return policy.update.duration, policy.update.business


def effective_policy(case: Case) -> EffectivePolicy:
    """The case's targets, and its calendar: the policy's, else its team's, else the default."""
    return policy_for(
        tenant=case.tenant,
        kind=case.kind,
        priority=case.priority,
        channel=case.source_channel,
        tags=case.customer.tags,
        team_id=case.team_id,
    )


def _target_of(case: Case, policy: EffectivePolicy, kind: str) -> tuple[timedelta, bool]:
    """(duration, business) of the case's `kind` timer under `policy`."""
    if kind == TimerKind.UPDATE:
        return _update_target(case, policy)
    target = policy.target(kind)
    return target.duration, target.business


def _new_timer(case: Case, policy: EffectivePolicy, kind: str, at: datetime, grace: timedelta) -> SlaTimer:
    duration, business = _target_of(case, policy, kind)
    timer = SlaTimer(
        tenant=case.tenant,
        case=case,
        kind=kind,
        duration=duration,
        business=business,
        calendar_id=policy.calendar_id,
        warn_share=policy.warn_share,
        policy_ids=list(policy.policy_ids),
        started_at=at,
        due_at=at,
        created_at=at,
        updated_at=at,
    )
    return timer_schedule(timer, grace=grace)


def _local(tenant: Tenant, moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo(tenant.time_zone)).strftime("%a %-d %b, %H:%M")


def _live(case: Case, kinds: Iterable[str] | None = None) -> list[SlaTimer]:
    timers = SlaTimer.objects.for_tenant(case.tenant_id).filter(case=case, state__in=LIVE_STATES)
    if kinds is not None:
        timers = timers.filter(kind__in=list(kinds))
    timers = list(timers.select_for_update().order_by("id"))
    for timer in timers:
        timer.tenant = case.tenant
    return timers


def _save(timers: Iterable[SlaTimer], at: datetime, *fields: str) -> None:
    for timer in timers:
        timer.updated_at = at
        timer.save(update_fields=[*fields, "updated_at"])


SCHEDULE_FIELDS = ("due_at", "warn_at", "next_action_at")


# --- lifecycle (called by the domain-event handler) ------------------------------------------------


def timers_start(*, case: Case, at: datetime, kinds: Iterable[str] = CASE_TIMER_KINDS) -> list[SlaTimer]:
    """Start the case's clocks from the policy it matches now (new case, or reopened)."""
    policy = effective_policy(case)
    grace = sla_settings_for(case.tenant).status_update_grace
    timers = [_new_timer(case, policy, kind, at, grace) for kind in kinds]
    SlaTimer.objects.bulk_create(timers)
    parts = [f"{TimerKind(t.kind).label.lower()} by {_local(case.tenant, t.due_at)}" for t in timers]
    sla_journal(
        case=case,
        action="sla.timers_started",
        body=f"SLA clocks started: {', '.join(parts)}.",
        data={"kinds": [t.kind for t in timers], "policy_ids": list(policy.policy_ids)},
    )
    return timers


def timers_restart_update(*, case: Case, at: datetime) -> SlaTimer:
    """The customer heard from us: the next update is due one period from now.

    The old update clock is met and a fresh one starts (paused while the case waits for the
    customer). Quiet on the timeline: the reply or update that caused it is the entry.
    """
    timers_end(case=case, kinds=[TimerKind.UPDATE], at=at, state=TimerState.MET)
    grace = sla_settings_for(case.tenant).status_update_grace
    timer = _new_timer(case, effective_policy(case), TimerKind.UPDATE, at, grace)
    if case.status == CaseStatus.PENDING_CUSTOMER:
        timer.state = TimerState.PAUSED
        timer_schedule(timer, grace=grace)
    timer.save()
    return timer


def timers_pause(*, case: Case, at: datetime) -> list[SlaTimer]:
    """Stop the clocks while the case waits for the customer; each keeps the time it has left."""
    timers = [t for t in _live(case, CASE_TIMER_KINDS) if t.state != TimerState.PAUSED]
    grace = sla_settings_for(case.tenant).status_update_grace
    for timer in timers:
        timer.consumed = consumed_until(timer, at)
        timer.state = TimerState.PAUSED
        timer.started_at = at
        timer_schedule(timer, grace=grace)
    _save(timers, at, "consumed", "state", "started_at", *SCHEDULE_FIELDS)
    if timers:
        sla_journal(
            case=case,
            action="sla.timers_paused",
            body="SLA clocks paused while we wait for the customer.",
            data={"timer_ids": [t.pk for t in timers]},
        )
    return timers


def _state_before_pause(timer: SlaTimer) -> str:
    if timer.escalations or timer.breached_at:
        return TimerState.BREACHED
    return TimerState.WARNED if timer.warned_at else TimerState.RUNNING


def timers_resume(*, case: Case, at: datetime) -> list[SlaTimer]:
    """Start the paused clocks again from where they stopped."""
    timers = [t for t in _live(case, CASE_TIMER_KINDS) if t.state == TimerState.PAUSED]
    grace = sla_settings_for(case.tenant).status_update_grace
    for timer in timers:
        timer.state = _state_before_pause(timer)
        timer.started_at = at
        timer_schedule(timer, grace=grace)
    _save(timers, at, "state", "started_at", *SCHEDULE_FIELDS)
    if timers:
        due = min((t for t in timers if t.kind == TimerKind.RESOLVE), key=lambda t: t.due_at, default=None)
        sla_journal(
            case=case,
            action="sla.timers_resumed",
            body="SLA clocks running again"
            + (f"; resolve by {_local(case.tenant, due.due_at)}." if due else "."),
            data={"timer_ids": [t.pk for t in timers]},
        )
    return timers


def timers_recompute(*, case: Case, at: datetime, cause: str) -> list[SlaTimer]:
    """Apply the targets and calendar the case gets now (new priority, kind or team, a changed policy).

    Time already used stays used; a breached timer keeps its breach and its escalations.
    """
    policy = effective_policy(case)
    grace = sla_settings_for(case.tenant).status_update_grace
    changed = []
    for timer in _live(case, CASE_TIMER_KINDS):
        duration, business = _target_of(case, policy, timer.kind)
        if (duration, business, policy.calendar_id) == (timer.duration, timer.business, timer.calendar_id):
            continue
        if timer.state != TimerState.PAUSED:
            timer.consumed = consumed_until(timer, at)
            timer.started_at = at
        timer.duration, timer.business, timer.calendar_id = duration, business, policy.calendar_id
        timer.warn_share, timer.policy_ids = policy.warn_share, list(policy.policy_ids)
        timer_schedule(timer, grace=grace)
        changed.append(timer)
    _save(
        changed,
        at,
        "consumed",
        "started_at",
        "duration",
        "business",
        "calendar_id",
        "warn_share",
        "policy_ids",
        *SCHEDULE_FIELDS,
    )
    if changed:
        parts = [
            f"{TimerKind(t.kind).label.lower()} {describe_duration(t.duration, business=t.business)}, "
            f"due {_local(case.tenant, t.due_at)}"
            for t in changed
        ]
        sla_journal(
            case=case,
            action="sla.timers_recomputed",
            body=f"SLA targets recomputed ({cause}): {'; '.join(parts)}.",
            data={"cause": cause, "timer_ids": [t.pk for t in changed]},
        )
    return changed


def timers_end(*, case: Case, kinds: Iterable[str], at: datetime, state: str) -> list[SlaTimer]:
    """Mark the case's live timers of `kinds` met or cancelled. Quiet: the cause has its own entry."""
    timers = _live(case, kinds)
    for timer in timers:
        timer.state = state
        timer.ended_at = at
        timer.next_action_at = None
    _save(timers, at, "state", "ended_at", "next_action_at")
    return timers


def timer_start_auto_close(*, case: Case, at: datetime) -> SlaTimer:
    """After resolution: close the case if the customer does not answer within the tenant's period."""
    period = sla_settings_for(case.tenant).auto_close_after
    timer = SlaTimer(
        tenant=case.tenant,
        case=case,
        kind=TimerKind.AUTO_CLOSE,
        duration=period,
        business=False,
        started_at=at,
        due_at=at + period,
        next_action_at=at + period,
        created_at=at,
        updated_at=at,
    )
    timer.save()
    return timer
