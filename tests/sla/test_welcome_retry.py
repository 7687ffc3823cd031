"""A welcome that could not be sent is tried again: when the customer becomes reachable, and with back-off."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.audit.models import AuditEvent
from apps.customers.services import consent_set, customer_edit
from apps.notifications.outbox.models import Notification, NotificationStatus
from apps.notifications.outbox.rules import trigger_rule_for, trigger_rule_update
from apps.sla.models import SlaTimer, TimerState
from apps.sla.sweeper import sla_sweep
from tests.customers.factories import CustomerFactory
from tests.sla.factories import sla_ready

LONDON = ZoneInfo("Europe/London")
CREATED = datetime(2025, 6, 10, 10, tzinfo=LONDON)


@pytest.fixture
def tenant(actors):
    return sla_ready(actors.tenant_a)


@pytest.fixture
def unreachable(tenant):
    """A customer an agent created without an email address (so no way to write to them)."""
    with time_machine.travel(CREATED, tick=False):
        customer = CustomerFactory(tenant=tenant, emails=[], consents={}, preferred_channels=("email",))
        sla_sweep()
    return customer


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sla_sweep()


def welcome_timer(customer):
    return SlaTimer.objects.for_tenant(customer.tenant_id).get(customer=customer, kind="welcome")


def welcomes(customer):
    return list(
        Notification.objects.for_tenant(customer.tenant_id)
        .filter(customer=customer, trigger="customer.welcome")
        .order_by("id")
    )


def audits(tenant, action):
    return list(AuditEvent.objects.filter(tenant_id=tenant.pk, action=action).order_by("id"))


def test_a_failed_welcome_stays_armed_and_records_why(tenant, unreachable):
    (skipped,) = welcomes(unreachable)
    assert skipped.status == NotificationStatus.SKIPPED
    timer = welcome_timer(unreachable)
    assert timer.state == TimerState.RUNNING
    assert timer.next_action_at == CREATED + timedelta(hours=1)
    (audit,) = audits(tenant, "sla.welcome_not_sent")
    assert audit.metadata["reason"] == "no_channel"
    assert datetime.fromisoformat(audit.metadata["retry_at"]) == CREATED + timedelta(hours=1)


def test_an_email_added_an_hour_later_brings_the_welcome(tenant, unreachable, actors):
    with time_machine.travel(CREATED + timedelta(minutes=50), tick=False):
        customer_edit(
            actor=actors.agent_a,
            customer=unreachable,
            changes={},
            emails=["late@example.test"],
            phones=[],
        )
        consent_set(actor=actors.agent_a, customer=unreachable, channel="email", granted=True, source="agent")
    assert welcome_timer(unreachable).next_action_at == CREATED + timedelta(minutes=50)
    assert audits(tenant, "sla.welcome_rearmed")

    result = sweep_at(CREATED + timedelta(minutes=50, seconds=5))

    assert result.outcomes["welcome sent"] == 1
    first, second = welcomes(unreachable)
    assert first.status == NotificationStatus.SKIPPED
    assert second.status == NotificationStatus.QUEUED
    assert second.event_key == f"customer.welcome:{unreachable.pk}:2"
    assert second.to_address == "late@example.test"
    assert welcome_timer(unreachable).state == TimerState.MET
    sweep_at(CREATED + timedelta(hours=30))
    assert len(welcomes(unreachable)) == 2


def test_without_any_change_the_welcome_is_tried_with_back_off_until_the_24_hours_are_over(
    tenant, unreachable
):
    for hours in (1, 4, 12):
        sweep_at(CREATED + timedelta(hours=hours) - timedelta(seconds=1))
        assert len(welcomes(unreachable)) == 1 + [1, 4, 12].index(hours)
        sweep_at(CREATED + timedelta(hours=hours))
    assert welcome_timer(unreachable).next_action_at == CREATED + timedelta(hours=24)

    sweep_at(CREATED + timedelta(hours=24))
    sweep_at(CREATED + timedelta(hours=48))

    assert [n.status for n in welcomes(unreachable)] == [NotificationStatus.SKIPPED] * 5
    timer = welcome_timer(unreachable)
    assert (timer.state, timer.next_action_at) == (TimerState.CANCELLED, None)
    assert audits(tenant, "sla.welcome_not_sent")[-1].metadata["retry_at"] is None


def test_a_change_after_the_24_hours_does_not_revive_the_welcome(tenant, unreachable, actors):
    sweep_at(CREATED + timedelta(hours=24))
    with time_machine.travel(CREATED + timedelta(hours=25), tick=False):
        customer_edit(
            actor=actors.agent_a, customer=unreachable, changes={}, emails=["x@example.test"], phones=[]
        )

    assert not audits(tenant, "sla.welcome_rearmed")
    assert welcome_timer(unreachable).state == TimerState.CANCELLED


def test_a_welcome_the_tenant_switched_off_is_not_retried(tenant, actors):
    rule = trigger_rule_for(tenant=tenant, trigger="customer.welcome")
    trigger_rule_update(
        tenant=tenant, actor=actors.admin_a, rule=rule, enabled=False, channels=rule.channels, urgent=False
    )
    with time_machine.travel(CREATED, tick=False):
        customer = CustomerFactory(tenant=tenant)
        sla_sweep()

    assert welcome_timer(customer).state == TimerState.CANCELLED
    assert audits(tenant, "sla.welcome_not_sent")[-1].metadata["reason"] == "rule_off"
