"""Escalations: raising a case up the tenant's escalation matrix, and what supervisors do about it.

`case.escalation_level` (in the cases app) says how far up the matrix a case is; level N of the case
is rung N of the matrix (default: 1 assignee, 2 team supervisor, 3 manager). Each raise, by a breach
(the sweeper) or by a person (`case_escalate` in the workspace), gets an `Escalation` row here; the
row it replaces is marked superseded, so the queue shows one row per escalated case. Supervisors
acknowledge, reassign or de-escalate from `/app/escalations/`; resolving or closing the case
resolves its escalations.

A breached clock raises one level per overdue period of its target (`timer.escalations` counts its
raises; `Escalation.timer_level` is the number of the raise that made a row). A de-escalation gives
the supervisor a full period: each still-breached clock of the case raises its next level exactly one
period of its target after the de-escalation, in its own time (business or calendar; a paused clock
counts from when it runs again), also when it had stopped at the top of the matrix, and one level per
further period after that. It moves `timer.escalate_from`, where the raises are counted from; the
raise numbers only go up, so a clock raises a row at most once per number
(`sla_escalation_once_per_timer_level`).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.cases.models import Case, CaseStatus, TimelineEntry
from apps.cases.services import case_assign, case_deescalate, case_escalate, case_timeline_record
from apps.common.clock import now
from apps.sla.journal import sla_journal
from apps.sla.models import (
    Escalation,
    EscalationLevel,
    EscalationOutcome,
    EscalationReason,
    EscalationStatus,
    NoticeKind,
    NotifyWhom,
    SlaTimer,
    TimerKind,
)
from apps.sla.notices import owners_of, staff_notify, supervisors_of
from apps.sla.selectors import escalation_matrix
from apps.sla.tenant_settings import sla_settings_for
from apps.sla.timer_models import LIVE_STATES
from apps.sla.timers import breach_point, consumed_until, timer_schedule
from apps.tenants.models import Membership

OPEN_STATUSES = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED)
# A tenant without a matrix (never installed the defaults) still escalates this far.
BUILTIN_LEVELS = 3


def matrix_top(case: Case) -> int:
    return len(escalation_matrix(tenant=case.tenant)) or BUILTIN_LEVELS


def _rung(case: Case, level: int) -> EscalationLevel | None:
    return next((row for row in escalation_matrix(tenant=case.tenant) if row.level == level), None)


def level_recipients(*, case: Case, rung: EscalationLevel | None) -> list[int]:
    """Who a level of the matrix names for this case (user ids); never nobody while anyone supervises."""
    if rung is None or rung.notify == NotifyWhom.TEAM_SUPERVISOR:
        return supervisors_of(case=case)
    if rung.notify == NotifyWhom.ASSIGNEE:
        return owners_of(case=case)
    if rung.notify == NotifyWhom.USER and rung.user_id:
        return [rung.user_id]
    members = Membership.objects.for_tenant(case.tenant_id).filter(is_active=True, role=rung.role)
    return sorted(members.values_list("user_id", flat=True)) or supervisors_of(case=case)


def _supersede(case: Case, at: datetime) -> None:
    Escalation.objects.for_tenant(case.tenant_id).filter(case=case, status__in=OPEN_STATUSES).update(
        status=EscalationStatus.RESOLVED, resolved_at=at, outcome=EscalationOutcome.SUPERSEDED
    )


def _record(
    case: Case,
    escalation: Escalation,
    *,
    at: datetime,
    note: str,
    reason: str,
    timer_level: int | None = None,
) -> Escalation:
    """Save a raise: name its level, supersede the case's earlier row, tell the level's people."""
    rung = _rung(case, escalation.level)
    recipients = level_recipients(case=case, rung=rung)
    _supersede(case, at)
    escalation.level_name = rung.name if rung else f"Level {escalation.level}"
    escalation.raised_for_id = recipients[0] if len(recipients) == 1 else None
    escalation.save()
    what = "SLA breached" if reason == EscalationReason.BREACH else "Escalated"
    staff_notify(
        tenant=case.tenant,
        user_ids=recipients,
        case=case,
        kind=NoticeKind.BREACH if timer_level == 1 else NoticeKind.ESCALATION,
        text=f"{what}: {case.reference} is at escalation level {escalation.level} "
        f"({escalation.level_name}). {note}",
    )
    return escalation


def escalation_raise_for_breach(*, timer: SlaTimer, case: Case, at: datetime) -> Escalation | None:
    """A breach period of `timer` raises the case one level (none once it is at the top)."""
    if case.escalation_level >= matrix_top(case):
        return None
    label = TimerKind(timer.kind).label.lower()
    period = timer.escalations + 1
    overdue = consumed_until(timer, at) - breach_point(
        timer, sla_settings_for(case.tenant).status_update_grace
    )
    periods = overdue // timer.duration if timer.duration else 0
    note = (
        f"The {label} target was missed."
        if periods < 1
        else f"The {label} target is overdue by {periods} more period(s)."
    )
    case = case_escalate(actor=None, case=case, reason=note, trigger="breach")
    escalation = Escalation(
        tenant=case.tenant,
        case=case,
        timer=timer,
        timer_level=period,
        level=case.escalation_level,
        reason=EscalationReason.BREACH,
        note=note,
        raised_at=at,
    )
    return _record(case, escalation, at=at, note=note, timer_level=period, reason=EscalationReason.BREACH)


def escalation_record_manual(*, case: Case, level: int, entry_id: int | None) -> Escalation:
    """Record a person's escalation (`case_escalate`, trigger manual) and tell the level's people."""
    entry = TimelineEntry.objects.for_tenant(case.tenant_id).filter(pk=entry_id).first() if entry_id else None
    at = entry.created_at if entry else now()
    escalation = Escalation(
        tenant=case.tenant,
        case=case,
        level=level,
        reason=EscalationReason.MANUAL,
        note=(entry.body if entry else "")[:500],
        raised_at=at,
        raised_by_id=entry.author_user_id if entry else None,
    )
    return _record(case, escalation, at=at, note=escalation.note, reason=EscalationReason.MANUAL)


def escalations_resolve_for_case(*, case: Case, at: datetime) -> int:
    """The case was resolved or closed: its escalations are done."""
    outcome = (
        EscalationOutcome.CASE_CLOSED if case.status == CaseStatus.CLOSED else EscalationOutcome.CASE_RESOLVED
    )
    return (
        Escalation.objects.for_tenant(case.tenant_id)
        .filter(case=case, status__in=OPEN_STATUSES)
        .update(status=EscalationStatus.RESOLVED, resolved_at=at, outcome=outcome)
    )


def escalations_restart_count(*, case: Case, at: datetime) -> list[SlaTimer]:
    """The case was de-escalated: its breached clocks raise again exactly one period from now."""
    grace = sla_settings_for(case.tenant).status_update_grace
    timers = [
        timer
        for timer in SlaTimer.objects.for_tenant(case.tenant_id)
        .filter(case=case, state__in=LIVE_STATES, breached_at__isnull=False)
        .select_for_update()
        .order_by("id")
        if timer.duration
    ]
    for timer in timers:
        timer.tenant = case.tenant
        # The next raise (number escalations + 1) comes one period from the clock's time now.
        timer.escalate_from = consumed_until(timer, at) + timer.duration * (1 - timer.escalations)
        timer_schedule(timer, grace=grace)
        timer.updated_at = at
        timer.save(update_fields=["escalate_from", "due_at", "warn_at", "next_action_at", "updated_at"])
    if timers:
        parts = [
            f"{TimerKind(t.kind).label.lower()} "
            + (f"from {_local(case, t.next_action_at)}" if t.next_action_at else "once the clock runs again")
            for t in timers
        ]
        sla_journal(
            case=case,
            action="sla.escalation_rescheduled",
            body=f"After the de-escalation, still-missed targets escalate again: {'; '.join(parts)}.",
            data={
                "timer_ids": [t.pk for t in timers],
                "next_raise_at": [t.next_action_at.isoformat() if t.next_action_at else None for t in timers],
            },
        )
    return timers


def _local(case: Case, moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(case.tenant.time_zone)).strftime("%a %-d %b, %H:%M")


# --- supervisor actions (the escalation queue) -----------------------------------------------------


def _locked(escalation: Escalation) -> Escalation:
    locked = (
        Escalation.objects.for_tenant(escalation.tenant_id)
        .select_for_update(of=("self",))
        .select_related("case", "case__tenant", "tenant")
        .get(pk=escalation.pk)
    )
    if locked.status == EscalationStatus.RESOLVED:
        raise ValidationError("This escalation is already resolved.")
    return locked


def _audit(escalation: Escalation, actor: User, action: str, **metadata: object) -> None:
    audit_record(
        tenant=escalation.tenant,
        actor=actor,
        action=action,
        target=escalation,
        metadata={"case_id": escalation.case_id, "level": escalation.level, **metadata},
    )


def _acknowledge(escalation: Escalation, actor: User, at: datetime) -> None:
    if escalation.status == EscalationStatus.OPEN:
        escalation.status = EscalationStatus.ACKNOWLEDGED
        escalation.acknowledged_at = at
        escalation.acknowledged_by = actor
        escalation.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])


@transaction.atomic
def escalation_acknowledge(*, actor: User, escalation: Escalation) -> Escalation:
    """A supervisor has seen the escalation and takes it in hand."""
    escalation = _locked(escalation)
    if escalation.status == EscalationStatus.ACKNOWLEDGED:
        return escalation
    _acknowledge(escalation, actor, now())
    case_timeline_record(
        case=escalation.case,
        body=f"Escalation level {escalation.level} ({escalation.level_name}) acknowledged by {actor}.",
        data={"event": "escalation.acknowledged", "escalation_id": escalation.pk, "user_id": actor.pk},
    )
    _audit(escalation, actor, "escalation.acknowledged")
    return escalation


@transaction.atomic
def escalation_reassign(*, actor: User, escalation: Escalation, assignee: User) -> Escalation:
    """Give the escalated case to `assignee` (acknowledging the escalation) and tell them."""
    escalation = _locked(escalation)
    case = case_assign(actor=actor, case=escalation.case, assignee=assignee)
    _acknowledge(escalation, actor, now())
    staff_notify(
        tenant=case.tenant,
        user_ids=[assignee.pk],
        case=case,
        kind=NoticeKind.REASSIGNED,
        text=f"{actor} gave you the escalated case {case.reference} (level {escalation.level}).",
    )
    _audit(escalation, actor, "escalation.reassigned", assignee_id=assignee.pk)
    return escalation


@transaction.atomic
def escalation_deescalate(*, actor: User, escalation: Escalation, reason: str) -> Escalation:
    """Take the case one level down the matrix and resolve this escalation."""
    escalation = _locked(escalation)
    case = escalation.case
    if case.escalation_level > 0:
        case = case_deescalate(actor=actor, case=case, reason=reason)
    elif not (reason or "").strip():
        raise ValidationError({"reason": "Say why the case is de-escalated."})
    escalation.status = EscalationStatus.RESOLVED
    escalation.resolved_at = now()
    escalation.resolved_by = actor
    escalation.outcome = EscalationOutcome.DEESCALATED
    escalation.save(update_fields=["status", "resolved_at", "resolved_by", "outcome"])
    _audit(escalation, actor, "escalation.deescalated", case_level=case.escalation_level)
    return escalation
