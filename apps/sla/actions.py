"""What the SLA engine does when a clock passes a threshold, and what it tells people about cases.

The sweeper (`apps.sla.sweeper.timer_fire`) calls `timer_act` with the timer locked and its case
locked, inside one transaction per timer under the tenant's context; the domain-event handler calls
the `case_*_tell` functions inside the case service's transaction. Each action writes its timeline
entry and audit event (`sla_journal`), and customer messages go through the outbox with an event key
that makes a retry harmless.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from apps.cases.models import AuthorKind, Case, CaseStatus, TimelineEntry
from apps.cases.services import case_transition
from apps.sla import messaging
from apps.sla.durations import describe_duration
from apps.sla.escalations import escalation_raise_for_breach, matrix_top
from apps.sla.journal import sla_journal
from apps.sla.models import NoticeKind, SlaTimer, TimerKind, TimerState
from apps.sla.notices import owners_of, staff_notify
from apps.sla.tenant_settings import sla_settings_for
from apps.sla.timer_models import LIVE_STATES
from apps.sla.timers import timer_schedule, timers_end, timers_restart_update


def _local(case: Case, moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo(case.tenant.time_zone)).strftime("%a %-d %b, %H:%M")


def _live_timer(case: Case, kind: str) -> SlaTimer | None:
    timer = (
        SlaTimer.objects.for_tenant(case.tenant_id)
        .filter(case=case, kind=kind, state__in=LIVE_STATES)
        .select_for_update()
        .first()
    )
    if timer is not None:
        timer.tenant = case.tenant
    return timer


def expected_resolution(case: Case) -> datetime | None:
    """What the customer is told: the time promised in the latest delay notice, else the resolve
    clock's due time."""
    if case.promised_resolution_at is not None:
        return case.promised_resolution_at
    timer = _live_timer(case, TimerKind.RESOLVE)
    return timer.due_at if timer is not None else None


# --- customer messages about the case ----------------------------------------------------------------


def acknowledgement_send(*, case: Case, at: datetime, assessment: str = "") -> bool:
    """Tell the customer we have their request (reference, first assessment, expected resolution).

    Does nothing once the acknowledge clock is met (already acknowledged, or an agent answered).
    Returns whether the message is on its way.
    """
    timer = _live_timer(case, TimerKind.ACKNOWLEDGE)
    if timer is None:
        return False
    due = expected_resolution(case)
    notification = messaging.customer_message(
        trigger=messaging.ACKNOWLEDGED,
        event_key=f"case.acknowledged:{case.pk}",
        customer=case.customer,
        case=case,
        context=messaging.acknowledgement_context(case, expected_resolution=due, assessment=assessment),
    )
    if messaging.was_sent(notification):
        timers_end(case=case, kinds=[TimerKind.ACKNOWLEDGE], at=at, state=TimerState.MET)
        sla_journal(
            case=case,
            action="sla.acknowledgement_sent",
            body=f"Acknowledgement sent to the customer; expected resolution {_local(case, due)}.",
            data={"notification_id": notification.pk, "timer_id": timer.pk},
        )
        return True
    timer.automatic_attempted_at = at
    timer_schedule(timer, grace=sla_settings_for(case.tenant).status_update_grace)
    timer.save(update_fields=["automatic_attempted_at", "next_action_at", "updated_at"])
    sla_journal(
        case=case,
        action="sla.acknowledgement_not_sent",
        body=f"The automatic acknowledgement was not sent: {messaging.why_not_sent(notification)}. "
        "Acknowledge the customer yourself.",
        data={"notification_id": notification.pk if notification else None, "timer_id": timer.pk},
    )
    return False


def case_resolved_tell(*, case: Case, entry: TimelineEntry | None, at: datetime) -> None:
    """Resolution confirmation: what was done, "did this solve it?" yes/no links, the CSAT link."""
    days = max(sla_settings_for(case.tenant).auto_close_after.days, 1)
    notification = messaging.customer_message(
        trigger=messaging.RESOLVED,
        event_key=f"case.resolved:{case.pk}:{entry.pk if entry else 0}",
        customer=case.customer,
        case=case,
        context=messaging.resolution_context(case, summary=entry.body if entry else "", auto_close_days=days),
    )
    _journal_message(
        case, notification, "resolution", f"closes by itself after {days} days without an answer"
    )


def case_closed_tell(*, case: Case, entry: TimelineEntry | None, at: datetime) -> None:
    """Closure notice: confirmed by the customer, closed for no answer, or closed by an agent."""
    author = entry.author_kind if entry else AuthorKind.SYSTEM
    because = {AuthorKind.CUSTOMER: "confirmed", AuthorKind.SYSTEM: "no_response"}.get(author, "agent")
    notification = messaging.customer_message(
        trigger=messaging.CLOSED,
        event_key=f"case.closed:{case.pk}:{entry.pk if entry else 0}",
        customer=case.customer,
        case=case,
        context=messaging.closed_context(closed_because=because),
    )
    _journal_message(case, notification, "closure notice", because.replace("_", " "))


def _journal_message(case: Case, notification, what: str, detail: str) -> None:
    if messaging.was_sent(notification):
        body, action = f"{what.capitalize()} sent to the customer ({detail}).", "sla.message_sent"
    else:
        body = f"The {what} was not sent: {messaging.why_not_sent(notification)}."
        action = "sla.message_not_sent"
    sla_journal(
        case=case,
        action=action,
        body=body,
        data={"message": what, "notification_id": notification.pk if notification else None},
    )


def case_reopened_tell(*, case: Case, entry: TimelineEntry | None) -> None:
    """Tell whoever answers for the case that it is back, with the customer's reason."""
    who = "The customer" if entry and entry.author_kind == AuthorKind.CUSTOMER else "Someone"
    reason = f": “{entry.body[:200]}”" if entry and entry.body else "."
    staff_notify(
        tenant=case.tenant,
        user_ids=owners_of(case=case),
        case=case,
        kind=NoticeKind.REOPENED,
        text=f"{who} reopened {case.reference}{reason}",
    )


# --- the sweeper's actions ----------------------------------------------------------------------------


def _warn(timer: SlaTimer, case: Case, at: datetime) -> str:
    timer.state, timer.warned_at = TimerState.WARNED, at
    label = TimerKind(timer.kind).label.lower()
    share = int((timer.warn_share or 0) * 100)
    due = _local(case, timer.due_at)
    text = f"SLA warning: {case.reference} — {label} due {due} ({share}% of the time used)."
    staff_notify(
        tenant=case.tenant, user_ids=owners_of(case=case), case=case, kind=NoticeKind.WARNING, text=text
    )
    sla_journal(
        case=case,
        action="sla.warned",
        body=f"SLA warning sent: the {label} target is due {_local(case, timer.due_at)}.",
        data={"timer_id": timer.pk, "kind": timer.kind},
    )
    return "warned"


def _remind(timer: SlaTimer, case: Case, at: datetime) -> str:
    timer.state, timer.warned_at = TimerState.WARNED, at
    every = describe_duration(timer.duration, business=timer.business)
    staff_notify(
        tenant=case.tenant,
        user_ids=owners_of(case=case),
        case=case,
        kind=NoticeKind.UPDATE_DUE,
        text=f"Status update due: {case.reference} — the customer is updated every {every}.",
    )
    sla_journal(
        case=case,
        action="sla.update_reminder",
        body=f"Status update due (every {every}); the assignee was reminded.",
        data={"timer_id": timer.pk},
    )
    return "reminded"


def _send_update(timer: SlaTimer, case: Case, at: datetime) -> bool:
    notification = messaging.customer_message(
        trigger=messaging.STATUS_UPDATE,
        event_key=f"case.status_update:timer:{timer.pk}",
        customer=case.customer,
        case=case,
        context=messaging.status_update_context(case, expected_resolution=expected_resolution(case)),
    )
    timer.automatic_attempted_at = at
    if not messaging.was_sent(notification):
        _journal_message(case, notification, "automatic status update", "")
        return False
    sla_journal(
        case=case,
        action="sla.status_update_sent",
        body="No update was sent in time, so Tidings sent the approved status update.",
        data={"timer_id": timer.pk, "notification_id": notification.pk},
    )
    timers_restart_update(case=case, at=at)
    return True


def _breach(timer: SlaTimer, case: Case, at: datetime) -> str:
    first = timer.state != TimerState.BREACHED
    timer.state = TimerState.BREACHED
    timer.breached_at = timer.breached_at or at
    escalation = escalation_raise_for_breach(timer=timer, case=case, at=at)
    if escalation is None:
        if first:
            sla_journal(
                case=case,
                action="sla.breached",
                body=f"SLA breached: the {TimerKind(timer.kind).label.lower()} target was missed "
                "(the case is already at the top of the escalation matrix).",
                data={"timer_id": timer.pk, "kind": timer.kind},
            )
        return "breached"
    timer.escalations += 1
    case.escalation_level = escalation.level  # the caller decides on a next period from it
    return f"escalated to level {escalation.level}"


def _auto_close(timer: SlaTimer, case: Case, at: datetime) -> str:
    if case.status != CaseStatus.RESOLVED:
        return "nothing (case not resolved)"
    case_transition(
        actor=None,
        case=case,
        to_status=CaseStatus.CLOSED,
        reason=f"Closed automatically: no answer within {describe_duration(timer.duration, business=False)} "
        "of the resolution.",
    )
    return "closed"


def timer_act(timer: SlaTimer, case: Case, at: datetime) -> str:
    """Do what `timer` (due, locked, state re-checked by the caller) asks for; return what was done.

    Sets the timer's new state and schedule; the caller saves it.
    """
    grace = sla_settings_for(case.tenant).status_update_grace
    done = "nothing"
    if timer.kind == TimerKind.AUTO_CLOSE:
        done = _auto_close(timer, case, at)
        timer.state, timer.ended_at = TimerState.MET, at
    elif timer.kind == TimerKind.ACKNOWLEDGE and timer.automatic_attempted_at is None:
        sent = acknowledgement_send(case=case, at=at)
        if sent and case.status == CaseStatus.NEW:
            case_transition(
                actor=None,
                case=case,
                to_status=CaseStatus.ACKNOWLEDGED,
                reason="Acknowledged automatically.",
            )
        timer.refresh_from_db()
        done = "acknowledged" if sent else "acknowledgement not sent"
    elif timer.state == TimerState.RUNNING:
        done = _remind(timer, case, at) if timer.kind == TimerKind.UPDATE else _warn(timer, case, at)
    elif (
        timer.kind == TimerKind.UPDATE
        and timer.state == TimerState.WARNED
        and (sla_settings_for(case.tenant).send_status_updates and _send_update(timer, case, at))
    ):
        timer.refresh_from_db()
        return "status update sent"
    else:
        done = _breach(timer, case, at)
    timer_schedule(timer, grace=grace)
    if timer.state == TimerState.BREACHED and case.escalation_level >= matrix_top(case):
        timer.next_action_at = None  # nobody higher to tell
    return done
