"""After a de-escalation, a still-breached clock escalates again, one level per further period.

The Billing team's emailed case of 9 June 2025 (default calendar 09:00-17:00, England) misses its
first response (8 business hours) at 17:00 and climbs the three-level matrix on the next two
evenings; the periods of its clock end at business hour 8, 16, 24, 32, 40, 48 … of the case. (Its
other clocks run two weeks, so only the first-response clock escalates here.)
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.audit.models import AuditEvent
from apps.cases.models import Case, TimelineEntry
from apps.sla.escalations import escalation_deescalate
from apps.sla.models import Escalation, EscalationStatus, TimerState
from apps.sla.sweeper import sla_sweep
from tests.cases.factories import TeamFactory, add_to_team
from tests.sla.factories import open_case, sla_ready, timer_of

LONDON = ZoneInfo("Europe/London")


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def case(actors):
    tenant = sla_ready(actors.tenant_a)
    team = add_to_team(TeamFactory(tenant=tenant, name="Billing"), actors.agent_a, actors.supervisor_a)
    # Low priority and fortnightly updates: resolve and update fall due only after two weeks.
    return open_case(
        tenant,
        local(2025, 6, 9, 9),
        source_channel="email",
        team=team,
        assignee=actors.agent_a,
        priority="low",
        customer__update_cadence="biweekly",
    )


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sla_sweep()


def reload(case):
    return Case.objects.for_tenant(case.tenant_id).get(pk=case.pk)


def rows(case):
    return list(Escalation.objects.for_tenant(case.tenant_id).filter(case=case).order_by("id"))


def deescalate(case, actor, moment):
    (current,) = Escalation.objects.for_tenant(case.tenant_id).filter(case=case, status=EscalationStatus.OPEN)
    with time_machine.travel(moment, tick=False):
        escalation_deescalate(actor=actor, escalation=current, reason="Supervisor has it in hand.")


def test_a_clock_stopped_at_the_top_escalates_again_a_full_period_after_a_deescalation(case, actors):
    for day in (9, 10, 11, 12):
        sweep_at(local(2025, 6, day, 17))
    assert reload(case).escalation_level == 3
    assert timer_of(case, "first_response").next_action_at is None

    deescalate(case, actors.supervisor_a, local(2025, 6, 13, 10))  # business hour 33

    assert reload(case).escalation_level == 2
    first_response = timer_of(case, "first_response")
    # One period from hour 33 is hour 41; the first period boundary from then is hour 48.
    assert first_response.next_action_at == local(2025, 6, 16, 17)
    entry = TimelineEntry.objects.for_tenant(case.tenant_id).get(
        case=case, data__event="sla.escalation_rescheduled"
    )
    assert "first response from Mon 16 Jun, 17:00" in entry.body
    assert AuditEvent.objects.filter(tenant_id=case.tenant_id, action="sla.escalation_rescheduled").exists()

    sweep_at(local(2025, 6, 13, 17))
    sweep_at(local(2025, 6, 16, 16, 59))
    assert reload(case).escalation_level == 2

    sweep_at(local(2025, 6, 16, 17))
    sweep_at(local(2025, 6, 16, 17))  # a second sweeper finds nothing new
    sweep_at(local(2025, 6, 17, 17))  # top again: nothing higher

    assert reload(case).escalation_level == 3
    assert [(row.level, row.timer_level) for row in rows(case)] == [(1, 1), (2, 2), (3, 3), (3, 6)]
    assert [row.outcome for row in rows(case)][2:] == ["deescalated", ""]
    first_response = timer_of(case, "first_response")
    assert (first_response.state, first_response.next_action_at) == (TimerState.BREACHED, None)


def test_a_deescalation_below_the_top_postpones_the_next_raise_by_a_full_period(case, actors):
    sweep_at(local(2025, 6, 9, 17))  # level 1
    deescalate(case, actors.supervisor_a, local(2025, 6, 10, 10))  # hour 9: back to level 0

    assert reload(case).escalation_level == 0
    # Without the de-escalation level 2 would have come at hour 16 (Tuesday 17:00).
    assert timer_of(case, "first_response").next_action_at == local(2025, 6, 11, 17)
    sweep_at(local(2025, 6, 10, 17))
    assert reload(case).escalation_level == 0

    sweep_at(local(2025, 6, 11, 17))

    assert reload(case).escalation_level == 1
    assert [(row.level, row.timer_level) for row in rows(case)] == [(1, 1), (1, 3)]


def test_a_second_deescalation_never_reuses_a_period(case, actors):
    for day in (9, 10, 11):
        sweep_at(local(2025, 6, day, 17))
    deescalate(case, actors.supervisor_a, local(2025, 6, 12, 9))  # hour 24, exactly a boundary
    assert timer_of(case, "first_response").next_action_at == local(2025, 6, 12, 17)  # hour 32
    sweep_at(local(2025, 6, 12, 17))
    deescalate(case, actors.supervisor_a, local(2025, 6, 12, 17, 30))  # after hours: still hour 32

    sweep_at(local(2025, 6, 13, 16, 59))
    assert reload(case).escalation_level == 2
    sweep_at(local(2025, 6, 13, 17))  # hour 40

    assert reload(case).escalation_level == 3
    assert [row.timer_level for row in rows(case)] == [1, 2, 3, 4, 5]
