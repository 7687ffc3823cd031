"""After a de-escalation, a still-breached clock escalates again exactly one period of its target
later (in its own time), then one level per further period.

Default calendar 09:00-17:00, England; the three-level matrix (assignee, supervisor, manager); real
sweeps at the moments that matter, one minute early and on the dot.

- The Billing team's emailed case of Monday 9 June 2025 misses its first response (8 business
  hours) at 17:00 and climbs the matrix on the next two evenings (other clocks run two weeks).
- A key account's case ("vip" policy) must be resolved within 4 business hours — or, on the
  round-the-clock policy, 6 calendar hours; its first response is due only in two weeks.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.audit.models import AuditEvent
from apps.cases.models import Case, CaseStatus, TimelineEntry
from apps.cases.services import case_customer_message, case_deescalate, case_transition
from apps.sla.durations import BUSINESS_DAY
from apps.sla.escalations import escalation_deescalate
from apps.sla.models import Escalation, EscalationStatus, TimerState
from apps.sla.services import policy_create
from apps.sla.sweeper import sla_sweep
from tests.cases.factories import TeamFactory, add_to_team
from tests.sla.factories import open_case, sla_ready, timer_of

LONDON = ZoneInfo("Europe/London")


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def june(day, hour, minute=0):
    return local(2025, 6, day, hour, minute)


@pytest.fixture
def team(actors):
    sla_ready(actors.tenant_a)
    return add_to_team(
        TeamFactory(tenant=actors.tenant_a, name="Billing"), actors.agent_a, actors.supervisor_a
    )


def _open(team, actors, **fields):
    # Low priority and fortnightly updates: resolve and update fall due only after two weeks.
    fields = {"priority": "low", "customer__update_cadence": "biweekly", **fields}
    return open_case(
        team.tenant, june(9, 9), source_channel="email", team=team, assignee=actors.agent_a, **fields
    )


@pytest.fixture
def case(team, actors):
    return _open(team, actors)


def _vip_case(team, actors, **targets):
    policy_create(
        tenant=team.tenant,
        actor=actors.admin_a,
        name="Key accounts",
        position=5,
        match_customer_tag="vip",
        first_response_within=10 * BUSINESS_DAY,
        **targets,
    )
    return _open(team, actors, customer__tags=["vip"])


@pytest.fixture
def vip_case(team, actors):
    return _vip_case(team, actors, resolve_within=timedelta(hours=4))


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sla_sweep()


def reload(case):
    return Case.objects.for_tenant(case.tenant_id).get(pk=case.pk)


def level(case):
    return reload(case).escalation_level


def rows(case):
    return list(Escalation.objects.for_tenant(case.tenant_id).filter(case=case).order_by("id"))


def deescalate(case, actor, moment):
    (current,) = Escalation.objects.for_tenant(case.tenant_id).filter(case=case, status=EscalationStatus.OPEN)
    with time_machine.travel(moment, tick=False):
        escalation_deescalate(actor=actor, escalation=current, reason="Supervisor has it in hand.")


def next_raise(case, kind):
    return timer_of(case, kind).next_action_at.astimezone(LONDON)


def raises_exactly_at(case, moment, to_level):
    """The next raise comes at `moment`: not a minute earlier, and then one level up."""
    before = level(case)
    sweep_at(moment - timedelta(minutes=1))
    assert level(case) == before
    sweep_at(moment)
    assert level(case) == to_level


def test_a_4_business_hour_target_escalates_again_exactly_4_business_hours_after_a_deescalation(
    vip_case, actors
):
    for moment in (june(9, 13), june(9, 17), june(10, 13)):  # hours 4, 8, 12 of the clock
        sweep_at(moment)
    assert level(vip_case) == 3
    assert timer_of(vip_case, "resolve").next_action_at is None

    deescalate(vip_case, actors.supervisor_a, june(10, 15, 30))  # business hour 14.5

    assert level(vip_case) == 2
    # 1.5 hours on Tuesday, 2.5 on Wednesday; not at the old period boundary (Tuesday 17:00).
    assert next_raise(vip_case, "resolve") == june(11, 11, 30)
    sweep_at(june(10, 17))
    raises_exactly_at(vip_case, june(11, 11, 30), to_level=3)
    sweep_at(june(11, 11, 30))  # a second sweeper finds nothing new
    sweep_at(june(11, 13, 30))  # top again: nothing higher
    assert (level(vip_case), timer_of(vip_case, "resolve").next_action_at) == (3, None)

    # Two de-escalations (the queue's, then one from the case page): the later one counts.
    deescalate(vip_case, actors.supervisor_a, june(11, 14))
    with time_machine.travel(june(11, 16), tick=False):  # level 1, next raise Thursday 12:00
        case_deescalate(actor=actors.supervisor_a, case=reload(vip_case), reason="Still in hand.")
    assert next_raise(vip_case, "resolve") == june(12, 12)
    raises_exactly_at(vip_case, june(12, 12), to_level=2)
    raises_exactly_at(vip_case, june(12, 16), to_level=3)

    # One row per raise of the clock: `sla_escalation_once_per_timer_level` never had to refuse one.
    assert [(row.level, row.timer_level) for row in rows(vip_case)] == [
        (1, 1),
        (2, 2),
        (3, 3),
        (3, 4),
        (2, 5),
        (3, 6),
    ]
    assert [row.outcome for row in rows(vip_case)] == [
        "superseded",
        "superseded",
        "deescalated",
        "deescalated",
        "superseded",
        "",
    ]


def test_a_calendar_time_target_counts_its_period_in_calendar_hours(team, actors):
    case = _vip_case(team, actors, resolve_within=timedelta(hours=6), resolve_basis="calendar")
    for moment in (june(9, 15), june(9, 21), june(10, 3)):
        sweep_at(moment)
    assert level(case) == 3

    deescalate(case, actors.supervisor_a, june(10, 8))  # before the office opens

    assert next_raise(case, "resolve") == june(10, 14)
    raises_exactly_at(case, june(10, 14), to_level=3)


def test_a_deescalation_while_the_clock_is_paused_counts_the_period_from_when_it_runs_again(vip_case, actors):
    for moment in (june(9, 13), june(9, 17), june(10, 13)):
        sweep_at(moment)
    with time_machine.travel(june(10, 14), tick=False):  # business hour 13
        case_transition(actor=actors.agent_a, case=reload(vip_case), to_status=CaseStatus.PENDING_CUSTOMER)

    deescalate(vip_case, actors.supervisor_a, june(10, 15))

    resolve = timer_of(vip_case, "resolve")
    assert (resolve.state, resolve.next_action_at) == (TimerState.PAUSED, None)
    entry = TimelineEntry.objects.for_tenant(vip_case.tenant_id).get(
        case=vip_case, data__event="sla.escalation_rescheduled"
    )
    assert "resolve once the clock runs again" in entry.body
    sweep_at(june(11, 17))
    assert level(vip_case) == 2

    with time_machine.travel(june(12, 10), tick=False):  # the customer answers
        case_customer_message(case=reload(vip_case), body="Here is the photo.", channel="email")

    assert timer_of(vip_case, "resolve").state == TimerState.BREACHED
    assert next_raise(vip_case, "resolve") == june(12, 14)
    raises_exactly_at(vip_case, june(12, 14), to_level=3)


def test_a_clock_stopped_at_the_top_escalates_again_one_period_after_a_deescalation(case, actors):
    for day in (9, 10, 11, 12):
        sweep_at(june(day, 17))
    assert level(case) == 3
    assert timer_of(case, "first_response").next_action_at is None

    deescalate(case, actors.supervisor_a, june(13, 10))  # business hour 33

    assert level(case) == 2
    # Hour 41: Friday 10:00-17:00 and Monday 09:00-10:00.
    assert next_raise(case, "first_response") == june(16, 10)
    entry = TimelineEntry.objects.for_tenant(case.tenant_id).get(
        case=case, data__event="sla.escalation_rescheduled"
    )
    assert "first response from Mon 16 Jun, 10:00" in entry.body
    assert AuditEvent.objects.filter(tenant_id=case.tenant_id, action="sla.escalation_rescheduled").exists()

    sweep_at(june(13, 17))
    raises_exactly_at(case, june(16, 10), to_level=3)
    sweep_at(june(16, 10))  # a second sweeper finds nothing new
    sweep_at(june(17, 17))  # top again: nothing higher

    assert level(case) == 3
    assert [(row.level, row.timer_level) for row in rows(case)] == [(1, 1), (2, 2), (3, 3), (3, 4)]
    first_response = timer_of(case, "first_response")
    assert (first_response.state, first_response.next_action_at) == (TimerState.BREACHED, None)


def test_a_deescalation_below_the_top_moves_the_next_raise_to_one_period_later(case, actors):
    sweep_at(june(9, 17))  # level 1
    deescalate(case, actors.supervisor_a, june(10, 10))  # hour 9: back to level 0

    assert level(case) == 0
    # Without the de-escalation level 2 would have come at hour 16 (Tuesday 17:00); now hour 17.
    assert next_raise(case, "first_response") == june(11, 10)
    sweep_at(june(10, 17))
    raises_exactly_at(case, june(11, 10), to_level=1)
    raises_exactly_at(case, june(12, 10), to_level=2)

    assert [(row.level, row.timer_level) for row in rows(case)] == [(1, 1), (1, 2), (2, 3)]


def test_a_deescalation_after_hours_counts_from_the_next_opening(case, actors):
    for day in (9, 10, 11):
        sweep_at(june(day, 17))
    deescalate(case, actors.supervisor_a, june(11, 18, 30))  # after hours: still hour 24

    assert next_raise(case, "first_response") == june(12, 17)  # hour 32
    raises_exactly_at(case, june(12, 17), to_level=3)
