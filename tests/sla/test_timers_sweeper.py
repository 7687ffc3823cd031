"""The sweeper: warnings, breaches that escalate once per level, automatic updates, auto-close."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.cases.models import Case, CaseStatus, TimelineEntry
from apps.cases.services import case_transition
from apps.notifications.outbox.models import Notification
from apps.sla.models import Escalation, EscalationReason, EscalationStatus, SlaTimer, StaffNotice, TimerState
from apps.sla.sweeper import sla_sweep, timers_claim
from apps.sla.tenant_settings import sla_settings_update
from tests.cases.factories import TeamFactory, add_to_team
from tests.sla.factories import open_case, sla_ready, timer_of

LONDON = ZoneInfo("Europe/London")


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


MONDAY_9 = local(2025, 6, 9, 9)


@pytest.fixture
def tenant(actors):
    return sla_ready(actors.tenant_a)


@pytest.fixture
def team_case(tenant, actors):
    """A normal emailed case of the Billing team, assigned to the agent; the supervisor is in the team."""
    team = add_to_team(TeamFactory(tenant=tenant, name="Billing"), actors.agent_a, actors.supervisor_a)
    return open_case(tenant, MONDAY_9, source_channel="email", team=team, assignee=actors.agent_a)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sla_sweep()


def reload(case):
    return Case.objects.for_tenant(case.tenant_id).get(pk=case.pk)


def test_the_first_sweep_acknowledges_a_new_case(team_case):
    result = sweep_at(MONDAY_9 + timedelta(seconds=5))

    assert result.outcomes["acknowledged"] == 1
    assert reload(team_case).status == CaseStatus.ACKNOWLEDGED
    assert timer_of(team_case, "acknowledge").state == TimerState.MET


def test_the_assignee_is_warned_at_75_percent_of_the_first_response_target(team_case, actors):
    sweep_at(local(2025, 6, 9, 14, 59))
    assert timer_of(team_case, "first_response").state == TimerState.RUNNING

    sweep_at(local(2025, 6, 9, 15))

    assert timer_of(team_case, "first_response").state == TimerState.WARNED
    notice = StaffNotice.objects.for_tenant(team_case.tenant_id).get(user=actors.agent_a, kind="warning")
    assert notice.case_id == team_case.pk
    assert "first response due Mon 9 Jun, 17:00" in notice.text
    assert (
        TimelineEntry.objects.for_tenant(team_case.tenant_id)
        .filter(case=team_case, data__event="sla.warned")
        .exists()
    )
    assert AuditEvent.objects.filter(tenant_id=team_case.tenant_id, action="sla.warned").count() == 1


def test_a_breach_escalates_one_level_per_overdue_period_and_exactly_once_per_level(team_case, actors):
    sweep_at(local(2025, 6, 9, 17))  # first response (8 business hours) missed
    sweep_at(local(2025, 6, 9, 17, 1))  # a second sweep finds nothing new

    case = reload(team_case)
    assert case.escalation_level == 1
    first = Escalation.objects.for_tenant(case.tenant_id).get(case=case)
    assert (first.level, first.level_name, first.reason) == (1, "Assignee", EscalationReason.BREACH)
    assert first.raised_for_id == actors.agent_a.pk
    assert (
        StaffNotice.objects.for_tenant(case.tenant_id).filter(user=actors.agent_a, kind="breach").count() == 1
    )

    sweep_at(local(2025, 6, 10, 17))  # one more period (8 business hours) overdue
    sweep_at(local(2025, 6, 10, 17))
    sweep_at(local(2025, 6, 11, 17))
    sweep_at(local(2025, 6, 12, 17))  # the matrix has three levels: nothing higher

    case = reload(case)
    assert case.escalation_level == 3
    rows = list(Escalation.objects.for_tenant(case.tenant_id).filter(case=case).order_by("level"))
    assert [(row.level, row.timer_level) for row in rows] == [(1, 1), (2, 2), (3, 3)]
    assert [row.status for row in rows] == [EscalationStatus.RESOLVED] * 2 + [EscalationStatus.OPEN]
    assert rows[1].level_name == "Team supervisor"
    assert (
        StaffNotice.objects.for_tenant(case.tenant_id)
        .filter(user=actors.supervisor_a, kind="escalation")
        .count()
        == 1
    )
    assert (
        StaffNotice.objects.for_tenant(case.tenant_id).filter(user=actors.admin_a, kind="escalation").exists()
    )
    first_response = timer_of(case, "first_response")
    assert (first_response.state, first_response.escalations, first_response.next_action_at) == (
        TimerState.BREACHED,
        3,
        None,
    )
    escalation_entries = TimelineEntry.objects.for_tenant(case.tenant_id).filter(case=case, kind="escalation")
    assert [entry.data["trigger"] for entry in escalation_entries] == ["breach"] * 3


def test_a_paused_breached_case_does_not_escalate_until_it_resumes(team_case, actors):
    sweep_at(local(2025, 6, 9, 17))
    with time_machine.travel(local(2025, 6, 10, 9), tick=False):
        case_transition(actor=actors.agent_a, case=team_case, to_status=CaseStatus.PENDING_CUSTOMER)
    sweep_at(local(2025, 6, 12, 17))
    assert reload(team_case).escalation_level == 1

    with time_machine.travel(local(2025, 6, 13, 9), tick=False):
        case_transition(actor=actors.agent_a, case=reload(team_case), to_status=CaseStatus.IN_PROGRESS)
    assert timer_of(team_case, "first_response").state == TimerState.BREACHED
    sweep_at(local(2025, 6, 13, 16, 59))
    assert reload(team_case).escalation_level == 1
    sweep_at(local(2025, 6, 13, 17))  # 8 business hours of work since the breach
    assert reload(team_case).escalation_level == 2


def test_the_update_clock_reminds_then_sends_the_approved_update_after_the_grace_when_the_tenant_wants(
    tenant, team_case, actors
):
    sla_settings_update(
        tenant=tenant,
        actor=actors.admin_a,
        changes={"send_status_updates": True, "status_update_grace": timedelta(hours=2)},
    )
    sweep_at(MONDAY_9)  # the acknowledgement
    with time_machine.travel(local(2025, 6, 9, 10), tick=False):
        from apps.cases.services import case_reply

        case_reply(actor=actors.agent_a, case=reload(team_case), body="Looking into it.", channel="email")
    # The next update is due 5 business days after the reply (the customer chose no cadence).
    sweep_at(local(2025, 6, 16, 10))
    update = timer_of(team_case, "update")
    assert update.state == TimerState.WARNED
    assert StaffNotice.objects.for_tenant(tenant).filter(user=actors.agent_a, kind="update_due").exists()

    sweep_at(local(2025, 6, 16, 12))

    sent = Notification.objects.for_tenant(tenant).get(case=team_case, trigger="case.status_update")
    assert sent.context["case"]["update"] == "your case is acknowledged and our Billing team is working on it"
    update.refresh_from_db()
    assert update.state == TimerState.MET
    assert timer_of(team_case, "update").state == TimerState.RUNNING  # the next period started
    assert not Escalation.objects.for_tenant(tenant).filter(timer__kind="update").exists()


def test_an_overdue_update_breaches_when_the_tenant_does_not_send_updates_itself(tenant, team_case, actors):
    sweep_at(local(2025, 6, 16, 9))  # reminder (5 business days after opening)
    sweep_at(local(2025, 6, 16, 11))  # plus the default 2 hours' grace

    assert timer_of(team_case, "update").state == TimerState.BREACHED
    assert not Notification.objects.for_tenant(tenant).filter(trigger="case.status_update").exists()


def test_a_resolved_case_closes_by_itself_when_the_customer_does_not_answer(tenant, team_case, actors):
    with time_machine.travel(local(2025, 6, 10, 10), tick=False):
        case_transition(actor=actors.agent_a, case=team_case, to_status=CaseStatus.RESOLVED, reason="Fixed.")

    sweep_at(local(2025, 6, 17, 9, 59))
    assert reload(team_case).status == CaseStatus.RESOLVED
    sweep_at(local(2025, 6, 17, 10))

    case = reload(team_case)
    assert case.status == CaseStatus.CLOSED
    assert timer_of(case, "auto_close").state == TimerState.MET
    closed = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.closed")
    assert closed.context["case"]["closed_because"] == "no_response"
    entry = TimelineEntry.objects.for_tenant(tenant).filter(case=case, kind="status_change").last()
    assert entry.body.startswith("Closed automatically: no answer within 7 days")


def test_the_tenants_non_response_period_is_used_and_promised(tenant, team_case, actors):
    sla_settings_update(tenant=tenant, actor=actors.admin_a, changes={"auto_close_after": timedelta(days=3)})
    with time_machine.travel(local(2025, 6, 10, 10), tick=False):
        case_transition(actor=actors.agent_a, case=team_case, to_status=CaseStatus.RESOLVED)

    assert timer_of(team_case, "auto_close").due_at.astimezone(LONDON) == local(2025, 6, 13, 10)
    resolved = Notification.objects.for_tenant(tenant).get(case=team_case, trigger="case.resolved")
    assert resolved.context["case"]["auto_close_days"] == 3


def test_the_claim_reads_only_due_timers_through_the_sweep_index(team_case):
    with CaptureQueriesContext(connection) as queries:
        timers_claim(at=local(2025, 6, 9, 15), limit=100)
    claim = next(q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"])

    with connection.cursor() as cursor:
        # A tiny table: forbid the plans that only win on tiny tables, so the planner shows whether
        # the sweep index can serve the claim in order (the benchmark checks the real plan at scale).
        for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + claim)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "sla_timer_sweep" in plan
    assert "SKIP LOCKED" in claim


def test_a_claimed_timer_is_leased_so_a_second_claim_does_not_take_it(team_case):
    moment = local(2025, 6, 9, 15)
    first = timers_claim(at=moment, limit=100)
    second = timers_claim(at=moment, limit=100)

    assert {timer_id for _, timer_id in first} >= {timer_of(team_case, "acknowledge").pk}
    assert second == []
    assert SlaTimer.objects.for_tenant(team_case.tenant_id).filter(
        next_action_at=moment + timedelta(seconds=60)
    )


def test_staff_get_their_notices_by_email_after_commit(tenant, team_case, actors, mailoutbox):
    from apps.sla.tasks import send_staff_notice_email

    sweep_at(local(2025, 6, 9, 15))
    notice = StaffNotice.objects.for_tenant(tenant).get(user=actors.agent_a, kind="warning")

    assert send_staff_notice_email.run(tenant_id=tenant.pk, notice_id=notice.pk) is True
    (mail,) = mailoutbox
    assert mail.to == [actors.agent_a.email]
    assert mail.subject == f"[{tenant.public_name}] SLA warning: {team_case.reference}"
    assert f"/app/cases/{team_case.reference}/" in mail.body


def test_an_unassigned_case_warns_the_supervisors_of_its_team(tenant, actors):
    team = add_to_team(TeamFactory(tenant=tenant, name="Returns"), actors.agent_a, actors.supervisor_a)
    case = open_case(tenant, MONDAY_9, source_channel="email", team=team)

    sweep_at(local(2025, 6, 9, 15))

    warned = StaffNotice.objects.for_tenant(tenant).filter(case=case, kind="warning")
    assert list(warned.values_list("user_id", flat=True)) == [actors.supervisor_a.pk]
