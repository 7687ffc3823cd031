"""How many SQL statements the sweeper spends on one timer: pinned, so that a regression shows.

Counted around `timer_fire` (the per-timer transaction: tenant scope, timer and case locks, the
action's notices, timeline entry, audit event and escalation, the timer's save). Inside the test's
own transaction `tenant_context` also reads and restores the enclosing RLS settings (two statements
the sweeper's outermost per-timer transactions skip). If a change adds a statement on purpose,
raise the number here and say why in the commit.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.sla.models import TimerState
from apps.sla.sweeper import sla_sweep, timer_fire
from apps.tenants.models import Tenant
from tests.cases.factories import TeamFactory, add_to_team
from tests.sla.factories import open_case, sla_ready, timer_of

LONDON = ZoneInfo("Europe/London")
MONDAY_9 = datetime(2025, 6, 9, 9, tzinfo=LONDON)
WARN_AT = datetime(2025, 6, 9, 15, tzinfo=LONDON)  # 75% of 8 business hours of first response
BREACH_AT = datetime(2025, 6, 9, 17, tzinfo=LONDON)

WARN_QUERIES = 15
BREACH_QUERIES = 21


@pytest.fixture
def team_case(actors):
    """An emailed case of the Billing team, assigned to the agent, already acknowledged by a sweep."""
    tenant = sla_ready(actors.tenant_a)
    team = add_to_team(TeamFactory(tenant=tenant, name="Billing"), actors.agent_a, actors.supervisor_a)
    case = open_case(tenant, MONDAY_9, source_channel="email", team=team, assignee=actors.agent_a)
    with time_machine.travel(MONDAY_9 + timedelta(seconds=5), tick=False):
        sla_sweep()
    return case


def fire_counted(case, at: datetime, tenant: Tenant) -> tuple[str, list[str]]:
    timer = timer_of(case, "first_response")
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as queries:
        outcome = timer_fire(tenant=tenant, timer_id=timer.pk, at=at)
    return outcome, [query["sql"] for query in queries.captured_queries]


def warmed_tenant(case) -> Tenant:
    """A tenant as the sweeper holds it after its first timer: settings and matrix read once."""
    tenant = Tenant.objects.get(pk=case.tenant_id)
    fire_counted(case, MONDAY_9 + timedelta(minutes=1), tenant)  # nothing due: loads what a sweep keeps
    return tenant


def test_warning_one_timer_takes_a_fixed_number_of_queries(team_case):
    outcome, queries = fire_counted(team_case, WARN_AT, warmed_tenant(team_case))

    assert outcome == "warned"
    assert timer_of(team_case, "first_response").state == TimerState.WARNED
    assert len(queries) == WARN_QUERIES, "\n".join(queries)


def test_breaching_one_timer_takes_a_fixed_number_of_queries(team_case):
    tenant = warmed_tenant(team_case)
    fire_counted(team_case, WARN_AT, tenant)

    outcome, queries = fire_counted(team_case, BREACH_AT, tenant)

    assert outcome == "escalated to level 1"
    assert timer_of(team_case, "first_response").state == TimerState.BREACHED
    assert len(queries) == BREACH_QUERIES, "\n".join(queries)
