"""The SLA engine's receiver of domain events (listed in `settings.DOMAIN_EVENT_HANDLERS`).

It runs inside the transaction of the case or customer service that published the event, so a
timer moves exactly when the case does (or neither does). What each event does:

    case.opened                 start acknowledge, first-response, update and resolve clocks; the
                                acknowledgement goes out right after commit (`sla_fire_timer`)
    case.status_changed
      → acknowledged            send the acknowledgement if not sent yet; acknowledge clock met
      → pending_customer        pause every clock (each keeps its remaining time)
      pending_customer → other  resume them
      → resolved                resolve (and acknowledge, first response) met, update stopped,
                                escalations resolved, `case.resolved` sent, auto-close clock started
      → closed                  every clock cancelled, escalations resolved, `case.closed` sent
      → reopened                auto-close cancelled, resolve and update clocks restart, the
                                assignee is told
    case.replied                acknowledge and first response met; the update clock restarts
    case.delay_announced        the update clock restarts (the delay notice was an update)
    case.priority_changed,      targets recomputed from the policy
    case.updated (kind)
    case.team_changed           clocks recomputed onto the new team's calendar (time used stays used)
    case.escalated (manual)     an escalation row, and the matrix level's people told
    case.deescalated            breached clocks count a full period from now before raising again
    feedback.csat_submitted     a rating of a resolved case closes it (like "yes, solved")
    customer.created            the welcome message is scheduled (apps.sla.welcome)
    customer.updated            tags or update cadence: the customer's open cases are recomputed;
                                a new address, consent, channel or language: a failed welcome is
                                tried again (apps.sla.customer_changes)
"""

from django.db import transaction

from apps.cases.models import Case, CaseStatus, TimelineEntry
from apps.common.domain_events import DomainEvent
from apps.sla.actions import acknowledgement_send, case_closed_tell, case_reopened_tell, case_resolved_tell
from apps.sla.customer_changes import sla_customer_changed
from apps.sla.escalations import (
    escalation_record_manual,
    escalations_resolve_for_case,
    escalations_restart_count,
)
from apps.sla.models import TimerKind, TimerState
from apps.sla.timers import (
    timer_start_auto_close,
    timers_end,
    timers_pause,
    timers_recompute,
    timers_restart_update,
    timers_resume,
    timers_start,
)
from apps.sla.welcome import welcome_schedule

CLOCKS_BEFORE_ANSWER = (TimerKind.ACKNOWLEDGE, TimerKind.FIRST_RESPONSE)


def _case(event: DomainEvent) -> Case | None:
    return (
        Case.objects.for_tenant(event.tenant_id)
        .select_related("tenant", "customer", "team", "assignee", "order")
        .defer("search_vector")
        .filter(pk=event.case_id)
        .first()
    )


def _entry(case: Case, entry_id: int | None) -> TimelineEntry | None:
    if not entry_id:
        return None
    return TimelineEntry.objects.for_tenant(case.tenant_id).filter(pk=entry_id, case=case).first()


def _on_opened(case: Case, event: DomainEvent) -> None:
    timers = timers_start(case=case, at=event.occurred_at)
    acknowledge = next(t for t in timers if t.kind == TimerKind.ACKNOWLEDGE)
    from apps.sla.tasks import sla_fire_timer

    transaction.on_commit(lambda: sla_fire_timer.delay(tenant_id=case.tenant_id, timer_id=acknowledge.pk))


def _on_status_changed(case: Case, event: DomainEvent) -> None:
    from_status, to_status = event.data.get("from_status"), event.data.get("to_status")
    at = event.occurred_at
    if to_status == CaseStatus.ACKNOWLEDGED:
        acknowledgement_send(case=case, at=at)
    elif to_status == CaseStatus.PENDING_CUSTOMER:
        timers_pause(case=case, at=at)
    elif to_status == CaseStatus.RESOLVED:
        timers_end(case=case, kinds=[TimerKind.UPDATE], at=at, state=TimerState.CANCELLED)
        timers_end(case=case, kinds=[*CLOCKS_BEFORE_ANSWER, TimerKind.RESOLVE], at=at, state=TimerState.MET)
        escalations_resolve_for_case(case=case, at=at)
        timer_start_auto_close(case=case, at=at)
        case_resolved_tell(case=case, entry=_entry(case, event.data.get("entry_id")), at=at)
    elif to_status == CaseStatus.CLOSED:
        timers_end(case=case, kinds=TimerKind.values, at=at, state=TimerState.CANCELLED)
        escalations_resolve_for_case(case=case, at=at)
        case_closed_tell(case=case, entry=_entry(case, event.data.get("entry_id")), at=at)
    elif to_status == CaseStatus.REOPENED:
        timers_end(case=case, kinds=[TimerKind.AUTO_CLOSE], at=at, state=TimerState.CANCELLED)
        timers_start(case=case, at=at, kinds=(TimerKind.UPDATE, TimerKind.RESOLVE))
        case_reopened_tell(case=case, entry=_entry(case, event.data.get("entry_id")))
    if from_status == CaseStatus.PENDING_CUSTOMER and to_status != CaseStatus.PENDING_CUSTOMER:
        timers_resume(case=case, at=at)


def _on_replied(case: Case, event: DomainEvent) -> None:
    timers_end(case=case, kinds=CLOCKS_BEFORE_ANSWER, at=event.occurred_at, state=TimerState.MET)
    if case.is_open:
        timers_restart_update(case=case, at=event.occurred_at)


def _on_delay_announced(case: Case, event: DomainEvent) -> None:
    """A delay notice is an update to the customer: the update clock starts again."""
    if case.is_open:
        timers_restart_update(case=case, at=event.occurred_at)


def _on_csat(case: Case, event: DomainEvent) -> None:
    if case.status == CaseStatus.RESOLVED:
        from apps.cases.services import case_transition

        case_transition(
            actor=case.customer, case=case, to_status=CaseStatus.CLOSED, reason="The customer rated the case."
        )


def _on_deescalated(case: Case, event: DomainEvent) -> None:
    escalations_restart_count(case=case, at=event.occurred_at)


def on_domain_event(event: DomainEvent) -> None:
    if event.name == "customer.created":
        welcome_schedule(tenant_id=event.tenant_id, customer_id=event.customer_id, at=event.occurred_at)
        return
    if event.name == "customer.updated":
        fields = event.data.get("fields", ())
        sla_customer_changed(
            tenant_id=event.tenant_id, customer_id=event.customer_id, fields=fields, at=event.occurred_at
        )
        return
    if event.case_id is None:
        return
    name = event.name
    handler = {
        "case.opened": _on_opened,
        "case.status_changed": _on_status_changed,
        "case.replied": _on_replied,
        "case.delay_announced": _on_delay_announced,
        "feedback.csat_submitted": _on_csat,
        "case.deescalated": _on_deescalated,
    }.get(name)
    recompute = name in ("case.priority_changed", "case.team_changed") or (
        name == "case.updated" and "kind" in event.data.get("fields", ())
    )
    manual = name == "case.escalated" and event.data.get("trigger") == "manual"
    if handler is None and not recompute and not manual:
        return
    case = _case(event)
    if case is None:
        return
    if handler is not None:
        handler(case, event)
    elif recompute:
        priority = f"priority {event.data.get('from_priority')} → {event.data.get('to_priority')}"
        cause = {"case.priority_changed": priority, "case.team_changed": "team changed"}.get(
            name, "kind changed"
        )
        timers_recompute(case=case, at=event.occurred_at, cause=cause)
    else:
        escalation_record_manual(case=case, level=event.data["level"], entry_id=event.data.get("entry_id"))
