"""What the SLA engine tells customers and staff: acknowledgement, resolution, reopening, welcome."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.cases.models import Case, CaseStatus, TimelineEntry
from apps.cases.services import case_transition
from apps.feedback.models import CsatSource
from apps.feedback.services import csat_submit
from apps.message_templates.models import TemplateVersion
from apps.notifications.outbox.models import Notification
from apps.portal.services.cases import Via, portal_resolution_answer
from apps.sla.models import SlaTimer, StaffNotice, TimerState
from apps.sla.sweeper import sla_sweep
from tests.cases.factories import TeamFactory, add_to_team
from tests.customers.factories import CustomerFactory
from tests.sla.factories import live_timers, open_case, sla_ready, timer_of

LONDON = ZoneInfo("Europe/London")
FRIDAY_1630 = datetime(2025, 5, 2, 16, 30, tzinfo=LONDON)


@pytest.fixture
def tenant(actors):
    return sla_ready(actors.tenant_a)


def reload(case):
    return Case.objects.for_tenant(case.tenant_id).get(pk=case.pk)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sla_sweep()


def test_the_acknowledgement_carries_the_reference_the_assessment_and_the_expected_resolution(tenant, actors):
    team = add_to_team(TeamFactory(tenant=tenant, name="Billing"), actors.agent_a)
    case = open_case(tenant, FRIDAY_1630, kind="complaint", source_channel="email", team=team)

    sweep_at(FRIDAY_1630 + timedelta(seconds=3))

    sent = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.acknowledged")
    assert sent.event_key == f"case.acknowledged:{case.pk}"
    variables = sent.context["case"]
    assert variables["reference"] == case.reference
    assert (
        variables["initial_assessment"]
        == "we have logged your complaint and our Billing team is looking into it"
    )
    # The resolve target (normal priority, 5 business days) as the customer reads it.
    assert "12 May 2025" in str(variables["expected_resolution"])
    assert case.reference in sent.text and "our Billing team is looking into it" in sent.text
    case = reload(case)
    assert case.status == CaseStatus.ACKNOWLEDGED
    assert timer_of(case, "acknowledge").state == TimerState.MET
    entry = TimelineEntry.objects.for_tenant(tenant).get(case=case, data__event="sla.acknowledgement_sent")
    assert "expected resolution Mon 12 May, 16:30" in entry.body
    status = TimelineEntry.objects.for_tenant(tenant).get(case=case, kind="status_change")
    assert (status.author_kind, status.data["to_status"]) == ("system", "acknowledged")


def test_an_agent_who_acknowledges_first_still_has_the_customer_told(tenant, actors):
    case = open_case(tenant, FRIDAY_1630, source_channel="email")

    case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.ACKNOWLEDGED)

    assert Notification.objects.for_tenant(tenant).filter(case=case, trigger="case.acknowledged").count() == 1
    sweep_at(FRIDAY_1630 + timedelta(seconds=3))
    assert Notification.objects.for_tenant(tenant).filter(case=case, trigger="case.acknowledged").count() == 1


def test_without_an_approved_acknowledgement_template_the_clock_runs_on_and_breaches(tenant, actors):
    TemplateVersion.objects.for_tenant(tenant).filter(template__key="case.acknowledged").update(
        status="retired"
    )
    case = open_case(tenant, FRIDAY_1630, source_channel="email")

    sweep_at(FRIDAY_1630 + timedelta(seconds=3))

    assert reload(case).status == CaseStatus.NEW
    timer = timer_of(case, "acknowledge")
    assert timer.state == TimerState.RUNNING and timer.automatic_attempted_at is not None
    assert timer.next_action_at.astimezone(LONDON) == datetime(
        2025, 5, 6, 11, 30, tzinfo=LONDON
    )  # 75% of 4 h
    entry = TimelineEntry.objects.for_tenant(tenant).get(
        case=case, data__event="sla.acknowledgement_not_sent"
    )
    assert "Acknowledge the customer yourself" in entry.body
    sweep_at(datetime(2025, 5, 6, 12, 30, tzinfo=LONDON))
    assert timer_of(case, "acknowledge").state == TimerState.BREACHED
    assert reload(case).escalation_level == 1


def test_resolving_sends_the_confirmation_with_signed_yes_no_and_rating_links(tenant, actors):
    case = open_case(tenant, FRIDAY_1630)
    case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED, reason="We refunded £20")

    sent = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.resolved")
    links = sent.context["links"]
    assert "/portal/" in links["confirm_solved"] and links["confirm_solved"].endswith("?answer=yes")
    assert links["not_solved"].endswith("?answer=no")
    assert "/portal/" in links["csat"]
    assert sent.context["case"]["resolution_summary"] == "We refunded £20"
    assert Notification.objects.for_tenant(tenant).filter(case=case, trigger="case.resolved").count() == 1


def test_no_solved_from_the_customer_reopens_the_case_restarts_the_sla_and_tells_the_assignee(tenant, actors):
    case = open_case(tenant, FRIDAY_1630, assignee=actors.agent_a)
    case = case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)
    reopened_at = datetime(2025, 5, 7, 10, tzinfo=LONDON)

    with time_machine.travel(reopened_at, tick=False):
        portal_resolution_answer(
            customer=case.customer, case=reload(case), solved=False, reason="It still rattles.", via=Via.LINK
        )

    case = reload(case)
    assert case.status == CaseStatus.REOPENED
    timers = live_timers(case)
    assert set(timers) == {"update", "resolve"}
    assert timers["resolve"].started_at == reopened_at
    assert timer_of(case, "auto_close").state == TimerState.CANCELLED
    notice = StaffNotice.objects.for_tenant(tenant).get(user=actors.agent_a, kind="reopened")
    assert notice.text == f"The customer reopened {case.reference}: “It still rattles.”"


def test_yes_solved_closes_the_case_and_confirms_the_closure(tenant, actors):
    case = open_case(tenant, FRIDAY_1630)
    case = case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)

    portal_resolution_answer(customer=case.customer, case=reload(case), solved=True, via=Via.LINK)

    assert reload(case).status == CaseStatus.CLOSED
    closed = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.closed")
    assert closed.context["case"]["closed_because"] == "confirmed"
    assert live_timers(case) == {}


def test_a_rating_of_a_resolved_case_closes_it(tenant, actors):
    case = open_case(tenant, FRIDAY_1630)
    case = case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)

    csat_submit(actor=case.customer, case=reload(case), rating=5, source=CsatSource.PORTAL)

    assert reload(case).status == CaseStatus.CLOSED
    assert timer_of(case, "auto_close").state == TimerState.CANCELLED


def test_a_new_customer_is_welcomed_at_once_outside_their_quiet_hours(tenant):
    with time_machine.travel(datetime(2025, 6, 10, 14, tzinfo=LONDON), tick=False):
        customer = CustomerFactory(tenant=tenant, quiet_hours_start=time(21), quiet_hours_end=time(8))
        sla_sweep()

    welcome = Notification.objects.for_tenant(tenant).get(customer=customer, trigger="customer.welcome")
    assert welcome.event_key == f"customer.welcome:{customer.pk}"
    timer = SlaTimer.objects.for_tenant(tenant).get(customer=customer, kind="welcome")
    assert timer.state == TimerState.MET


def test_a_customer_created_in_their_quiet_hours_is_welcomed_when_they_end(tenant, settings):
    # Only the SLA engine's handler: the outbox's own handler sends the welcome at once.
    settings.DOMAIN_EVENT_HANDLERS = ["apps.sla.handlers.on_domain_event"]
    created = datetime(2025, 6, 10, 23, tzinfo=LONDON)
    with time_machine.travel(created, tick=False):
        customer = CustomerFactory(tenant=tenant, quiet_hours_start=time(21), quiet_hours_end=time(8))

    timer = SlaTimer.objects.for_tenant(tenant).get(customer=customer, kind="welcome")
    assert timer.next_action_at == datetime(2025, 6, 11, 8, tzinfo=LONDON)
    assert timer.due_at == created + timedelta(hours=24)
    sweep_at(datetime(2025, 6, 11, 7, 59, tzinfo=LONDON))
    assert not Notification.objects.for_tenant(tenant).filter(customer=customer, trigger="customer.welcome")

    sweep_at(datetime(2025, 6, 11, 8, tzinfo=LONDON))

    assert (
        Notification.objects.for_tenant(tenant).filter(customer=customer, trigger="customer.welcome").count()
        == 1
    )


def test_a_welcome_due_inside_newly_set_quiet_hours_moves_to_their_end(tenant, settings):
    settings.DOMAIN_EVENT_HANDLERS = ["apps.sla.handlers.on_domain_event"]
    with time_machine.travel(datetime(2025, 6, 10, 20, 59, tzinfo=LONDON), tick=False):
        customer = CustomerFactory(tenant=tenant)
    type(customer).objects.for_tenant(tenant).filter(pk=customer.pk).update(
        quiet_hours_start=time(21), quiet_hours_end=time(7)
    )

    result = sweep_at(datetime(2025, 6, 10, 21, 30, tzinfo=LONDON))

    assert result.outcomes["moved past quiet hours"] == 1
    timer = SlaTimer.objects.for_tenant(tenant).get(customer=customer, kind="welcome")
    assert timer.next_action_at == datetime(2025, 6, 11, 7, tzinfo=LONDON)
