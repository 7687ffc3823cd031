"""SLA clocks per case (one query for a page) and the "breaching soon" selector."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.cases.models import CaseStatus
from apps.cases.selectors import TENANT_WIDE
from apps.cases.services import case_reply, case_transition
from apps.sla.clocks import format_remaining, sla_clocks_for_cases
from apps.sla.queues import cases_breaching_soon
from apps.sla.sweeper import sla_sweep
from tests.sla.factories import open_case, sla_ready

LONDON = ZoneInfo("Europe/London")
OPENED = datetime(2025, 6, 9, 9, tzinfo=LONDON)


def local(day, hour, minute=0):
    return datetime(2025, 6, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def tenant(actors):
    return sla_ready(actors.tenant_a)


def clock(tenant, case, at):
    return sla_clocks_for_cases(tenant=tenant, case_ids=[case.pk], at=at)[case.pk]


def test_remaining_time_reads_in_days_hours_and_minutes():
    assert format_remaining(3 * 3600 + 20 * 60, day_seconds=8 * 3600) == "3h 20m"
    assert format_remaining(2 * 8 * 3600 + 3600, day_seconds=8 * 3600) == "2d 1h"
    assert format_remaining(-42 * 60, day_seconds=86400) == "42m"
    assert format_remaining(86400, day_seconds=86400) == "1d"


def test_a_clock_turns_from_ok_to_warning_to_breached(tenant, actors):
    case = open_case(tenant, OPENED, source_channel="email")
    case_reply(actor=actors.agent_a, case=case, body="Hello", channel="email")  # the resolve clock is left

    ok = clock(tenant, case, local(10, 9))
    assert (ok.kind, ok.state, ok.remaining) == ("resolve", "ok", timedelta(hours=32))
    assert ok.text == "4d left" and ok.ticking_seconds == 8 * 3600
    assert clock(tenant, case, local(12, 15)).state == "warning"  # 30 of 40 hours used
    breached = clock(tenant, case, local(16, 10))
    assert (breached.state, breached.text) == ("breached", "1h overdue")


def test_outside_business_hours_the_clock_stands_still(tenant):
    case = open_case(tenant, OPENED, source_channel="email")

    evening = clock(tenant, case, local(9, 20))

    assert evening.ticking_seconds is None
    assert evening.remaining == clock(tenant, case, local(10, 8)).remaining


def test_a_case_waiting_for_the_customer_shows_its_paused_clock(tenant, actors):
    case = open_case(tenant, OPENED, source_channel="email")
    with time_machine.travel(local(9, 10), tick=False):
        case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.PENDING_CUSTOMER)

    paused = clock(tenant, case, local(11, 10))

    assert paused.state == "paused"
    assert paused.kind == "acknowledge" and paused.remaining == timedelta(hours=3)
    assert paused.text == "Paused · 3h left" and paused.ticking_seconds is None


def test_the_clocks_of_a_page_of_cases_take_one_query(tenant, django_assert_num_queries):
    cases = [open_case(tenant, OPENED) for _ in range(5)]
    sla_clocks_for_cases(tenant=tenant, case_ids=[cases[0].pk], at=local(9, 10))  # warm the calendar cache

    with django_assert_num_queries(1):
        clocks = sla_clocks_for_cases(tenant=tenant, case_ids=[case.pk for case in cases], at=local(9, 10))

    assert set(clocks) == {case.pk for case in cases}


def test_closed_cases_have_no_clock(tenant, actors):
    case = open_case(tenant, OPENED)
    case = case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)
    case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.CLOSED)

    assert sla_clocks_for_cases(tenant=tenant, case_ids=[case.pk]) == {}


def test_breaching_soon_lists_cases_whose_next_target_falls_due_within_the_window(tenant, actors):
    soon = open_case(tenant, local(9, 9), source_channel="portal")  # acknowledge within 1 business hour
    later = open_case(tenant, local(9, 9), source_channel="email")  # within 4
    pending = open_case(tenant, local(9, 9), source_channel="portal")
    with time_machine.travel(local(9, 9, 5), tick=False):
        case_transition(actor=actors.agent_a, case=pending, to_status=CaseStatus.PENDING_CUSTOMER)

    found = cases_breaching_soon(tenant=tenant, membership=TENANT_WIDE, at=local(9, 9, 30))

    assert [case.pk for case in found] == [soon.pk]
    assert found[0].sla_kind == "acknowledge" and found[0].sla_due_at == local(9, 10)
    later_found = cases_breaching_soon(tenant=tenant, membership=TENANT_WIDE, at=local(9, 11, 30))
    assert [case.pk for case in later_found] == [later.pk]


def test_breaching_soon_respects_what_an_agent_may_see(tenant, actors):
    from tests.cases.factories import TeamFactory

    hidden = open_case(
        tenant, local(9, 9), source_channel="portal", team=TeamFactory(tenant=tenant), assignee=actors.admin_a
    )
    membership = actors.agent_a.memberships.get()

    assert hidden.pk not in [
        c.pk for c in cases_breaching_soon(tenant=tenant, membership=membership, at=local(9, 9, 30))
    ]


def test_acknowledged_cases_leave_breaching_soon(tenant):
    case = open_case(tenant, local(9, 9), source_channel="portal")
    with time_machine.travel(local(9, 9, 1), tick=False):
        sla_sweep()

    assert case.pk not in [
        c.pk for c in cases_breaching_soon(tenant=tenant, membership=TENANT_WIDE, at=local(9, 9, 30))
    ]
