"""How case changes move a case's SLA clocks (the domain-event handler), with worked examples.

Calendar: the defaults (Monday-Friday 09:00-17:00, Europe/London, holidays of England); policies:
the defaults (acknowledge email 4 business hours, portal 1, anything else 24 hours; first response
1 business day; resolve normal 5 business days, urgent 1; warn at 75%).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.audit.models import AuditEvent
from apps.cases.models import CaseStatus, EntryKind, TimelineEntry
from apps.cases.services import case_reply, case_set_priority, case_transition, case_update_details
from apps.sla.models import TimerKind, TimerState
from tests.sla.factories import live_timers, open_case, sla_ready, timer_of

LONDON = ZoneInfo("Europe/London")


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def tenant(actors):
    return sla_ready(actors.tenant_a)


def due(case, kind):
    return timer_of(case, kind).due_at.astimezone(LONDON)


def test_an_emailed_complaint_at_1630_on_friday_before_a_bank_holiday_is_to_be_acknowledged_by_tuesday_1230(
    tenant,
):
    case = open_case(tenant, local(2025, 5, 2, 16, 30), kind="complaint", source_channel="email")

    assert set(live_timers(case)) == {"acknowledge", "first_response", "update", "resolve"}
    assert due(case, "acknowledge") == local(2025, 5, 6, 12, 30)
    # 1 business day: 30 minutes on Friday, 7½ hours on Tuesday.
    assert due(case, "first_response") == local(2025, 5, 6, 16, 30)
    # 5 business days (normal priority): Fri ½ h, Tue-Fri 32 h, Mon 12 May 7½ h.
    assert due(case, "resolve") == local(2025, 5, 12, 16, 30)
    assert timer_of(case, "resolve").warn_at.astimezone(LONDON) == local(2025, 5, 9, 14, 30)  # 75%: 30 h


def test_a_portal_inquiry_late_on_wednesday_is_to_be_acknowledged_early_on_thursday(tenant):
    case = open_case(tenant, local(2025, 6, 11, 16, 30), source_channel="portal")

    assert due(case, "acknowledge") == local(2025, 6, 12, 9, 30)


def test_a_phoned_request_on_saturday_is_acknowledged_within_24_calendar_hours(tenant):
    case = open_case(tenant, local(2025, 6, 14, 10), source_channel="phone")

    assert due(case, "acknowledge") == local(2025, 6, 15, 10)


def test_an_urgent_case_before_easter_is_resolved_by_the_tuesday_after_easter_monday(tenant):
    case = open_case(tenant, local(2025, 4, 17, 16, 30), priority="urgent", source_channel="email")

    assert due(case, "resolve") == local(2025, 4, 22, 16, 30)
    assert timer_of(case, "update").duration == timedelta(hours=8)  # urgent: an update every business day


def test_opening_records_the_started_clocks_on_the_timeline_and_in_the_audit_log(tenant):
    case = open_case(tenant, local(2025, 6, 9, 9))

    entry = TimelineEntry.objects.for_tenant(tenant).get(case=case, data__event="sla.timers_started")
    assert entry.kind == EntryKind.SYSTEM and entry.is_internal
    assert "resolve by Fri 13 Jun, 17:00" in entry.body
    assert AuditEvent.objects.filter(
        tenant=tenant, action="sla.timers_started", target_id=str(case.pk)
    ).exists()


def test_sla_entries_do_not_make_an_open_form_stale(tenant):
    case = open_case(tenant, local(2025, 6, 9, 9))
    version = case.version

    with time_machine.travel(local(2025, 6, 9, 10), tick=False):
        case = case_transition(actor=None, case=case, to_status="pending_customer", expected_version=version)
        case_transition(actor=None, case=case, to_status="in_progress", expected_version=case.version)


def test_waiting_for_the_customer_pauses_the_clocks_and_their_reply_resumes_them_with_the_time_left(
    tenant, actors
):
    case = open_case(tenant, local(2025, 6, 9, 9), source_channel="email")  # resolve: 40 business hours
    with time_machine.travel(local(2025, 6, 9, 13), tick=False):  # 4 hours used
        case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.PENDING_CUSTOMER)

    paused = timer_of(case, "resolve")
    assert paused.state == TimerState.PAUSED
    assert paused.consumed == timedelta(hours=4)
    assert paused.next_action_at is None

    with time_machine.travel(local(2025, 6, 11, 10), tick=False):  # two days later the customer answers
        from apps.cases.services import case_customer_message

        case_customer_message(case=case, body="Here is the photo you asked for.", channel="email")

    resumed = timer_of(case, "resolve")
    assert resumed.state == TimerState.RUNNING
    # 36 hours left from Wed 10:00: Wed 7, Thu 8, Fri 8, Mon 8, Tue 5 → Tue 17 Jun 14:00.
    assert resumed.due_at.astimezone(LONDON) == local(2025, 6, 17, 14)
    bodies = list(TimelineEntry.objects.for_tenant(tenant).filter(case=case).values_list("body", flat=True))
    assert "SLA clocks paused while we wait for the customer." in bodies
    assert any(body.startswith("SLA clocks running again; resolve by Tue 17 Jun, 14:00") for body in bodies)


def test_a_warned_clock_stays_warned_after_a_pause(tenant, actors):
    from apps.sla.sweeper import sla_sweep

    case = open_case(tenant, local(2025, 6, 9, 9), source_channel="email")
    with time_machine.travel(local(2025, 6, 9, 15), tick=False):  # first response: 75% of 8 h
        sla_sweep()
        case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.PENDING_CUSTOMER)
    with time_machine.travel(local(2025, 6, 10, 9), tick=False):
        case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.IN_PROGRESS)

    first = timer_of(case, "first_response")
    assert first.state == TimerState.WARNED
    assert first.next_action_at.astimezone(LONDON) == local(2025, 6, 10, 11)  # 2 h were left


def test_raising_the_priority_recomputes_the_targets_keeping_the_time_already_used(tenant, actors):
    case = open_case(tenant, local(2025, 6, 9, 9), source_channel="email")
    assert due(case, "resolve") == local(2025, 6, 13, 17)

    with time_machine.travel(local(2025, 6, 9, 11), tick=False):
        case_set_priority(actor=actors.agent_a, case=case, priority="urgent")

    resolve = timer_of(case, "resolve")
    assert resolve.duration == timedelta(hours=8)
    assert resolve.consumed == timedelta(hours=2)
    assert resolve.due_at.astimezone(LONDON) == local(2025, 6, 9, 17)
    assert timer_of(case, "update").duration == timedelta(hours=8)
    entry = TimelineEntry.objects.for_tenant(tenant).get(case=case, data__event="sla.timers_recomputed")
    assert "priority normal → urgent" in entry.body


def test_changing_the_kind_recomputes_only_when_a_target_changes(tenant, actors):
    case = open_case(tenant, local(2025, 6, 9, 9), source_channel="email")

    with time_machine.travel(local(2025, 6, 9, 11), tick=False):
        case_update_details(actor=actors.agent_a, case=case, changes={"kind": "complaint"})

    assert not TimelineEntry.objects.for_tenant(tenant).filter(case=case, data__event="sla.timers_recomputed")


def test_a_reply_meets_acknowledgement_and_first_response_and_restarts_the_update_clock(tenant, actors):
    case = open_case(tenant, local(2025, 6, 9, 9), source_channel="email")
    old_update = timer_of(case, "update")

    with time_machine.travel(local(2025, 6, 10, 10), tick=False):
        case_reply(actor=actors.agent_a, case=case, body="We are on it.", channel="email")

    assert timer_of(case, "first_response").state == TimerState.MET
    old_update.refresh_from_db()
    assert old_update.state == TimerState.MET
    new_update = timer_of(case, "update")
    assert new_update.state == TimerState.RUNNING
    assert new_update.started_at.astimezone(LONDON) == local(2025, 6, 10, 10)


def test_resolving_meets_the_clocks_and_starts_the_auto_close_clock(tenant, actors):
    case = open_case(tenant, local(2025, 6, 9, 9))

    with time_machine.travel(local(2025, 6, 10, 10), tick=False):
        case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED, reason="Refunded.")

    assert timer_of(case, "resolve").state == TimerState.MET
    assert timer_of(case, "update").state == TimerState.CANCELLED
    auto_close = timer_of(case, "auto_close")
    assert auto_close.state == TimerState.RUNNING
    assert auto_close.due_at.astimezone(LONDON) == local(2025, 6, 17, 10)  # 7 days, calendar time


def test_closing_cancels_every_clock(tenant, actors):
    case = open_case(tenant, local(2025, 6, 9, 9))
    case = case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)
    case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.CLOSED)

    assert live_timers(case) == {}


def test_reopening_restarts_the_resolve_and_update_clocks_from_the_moment_of_reopening(tenant, actors):
    case = open_case(tenant, local(2025, 6, 9, 9))
    with time_machine.travel(local(2025, 6, 10, 10), tick=False):
        case = case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)
    with time_machine.travel(local(2025, 6, 11, 10), tick=False):
        case_transition(
            actor=actors.agent_a, case=case, to_status=CaseStatus.REOPENED, reason="Still broken."
        )

    timers = live_timers(case)
    assert set(timers) == {"update", "resolve"}
    assert timers["resolve"].started_at.astimezone(LONDON) == local(2025, 6, 11, 10)
    assert timers["resolve"].due_at.astimezone(LONDON) == local(2025, 6, 18, 10)
    assert timer_of(case, "auto_close").state == TimerState.CANCELLED


def test_timers_are_not_created_for_another_tenants_case(tenant, actors):
    other = sla_ready(actors.tenant_b)
    case = open_case(other, local(2025, 6, 9, 9))

    assert {timer.tenant_id for timer in live_timers(case).values()} == {other.pk}
    assert timer_of(case, TimerKind.RESOLVE).case_id == case.pk


def test_a_changed_policy_moves_the_clocks_of_open_cases(tenant, actors):
    from apps.sla.models import SlaPolicy
    from apps.sla.recompute import timers_recompute_for_tenant
    from apps.sla.services import policy_update

    case = open_case(tenant, local(2025, 6, 9, 9), source_channel="email")  # normal: 5 business days
    normal = SlaPolicy.objects.for_tenant(tenant).get(name="Normal priority")
    policy_update(tenant=tenant, actor=actors.admin_a, policy=normal, resolve_within=timedelta(hours=16))

    changed = timers_recompute_for_tenant(tenant=tenant, at=local(2025, 6, 9, 10))

    assert changed == 1
    resolve = timer_of(case, "resolve")
    assert (resolve.duration, resolve.consumed) == (timedelta(hours=16), timedelta(hours=1))
    assert resolve.due_at.astimezone(LONDON) == local(2025, 6, 10, 17)
