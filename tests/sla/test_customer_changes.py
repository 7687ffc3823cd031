"""A customer's new tags or update cadence move the clocks of their open cases (`customer.updated`).

Calendar and policies: the defaults (Monday-Friday 09:00-17:00, Europe/London); a normal emailed
case is to be resolved within 5 business days, its update clock follows the customer's cadence.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.audit.models import AuditEvent
from apps.cases.models import CaseStatus, TimelineEntry
from apps.cases.services import case_transition
from apps.common.domain_events import DomainEvent
from apps.customers.services import customer_update
from apps.notifications.handlers import on_domain_event as notifications_on_domain_event
from apps.notifications.outbox.models import Notification
from apps.portal.services.account import portal_preferences_save
from apps.sla import customer_changes
from apps.sla.services import policy_create
from tests.customers.factories import CustomerFactory
from tests.sla.factories import open_case, sla_ready, timer_of

LONDON = ZoneInfo("Europe/London")


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


MONDAY_9 = local(2025, 6, 9, 9)


@pytest.fixture
def tenant(actors):
    tenant = sla_ready(actors.tenant_a)
    policy_create(
        tenant=tenant,
        actor=actors.admin_a,
        name="Key accounts",
        position=5,
        match_customer_tag="vip",
        resolve_within=timedelta(hours=16),
    )
    return tenant


@pytest.fixture
def customer(tenant):
    with time_machine.travel(MONDAY_9 - timedelta(days=7), tick=False):
        return CustomerFactory(tenant=tenant)


def recomputed_entries(case):
    return TimelineEntry.objects.for_tenant(case.tenant_id).filter(
        case=case, data__event="sla.timers_recomputed"
    )


def test_a_new_tag_moves_the_open_cases_onto_the_matching_policy_keeping_the_time_used(
    tenant, customer, actors
):
    case = open_case(tenant, MONDAY_9, customer=customer, source_channel="email")
    assert timer_of(case, "resolve").due_at == local(2025, 6, 13, 17)

    with time_machine.travel(local(2025, 6, 9, 11), tick=False):
        customer_update(actor=actors.agent_a, customer=customer, changes={"tags": ["VIP"]})

    resolve = timer_of(case, "resolve")
    assert (resolve.duration, resolve.consumed) == (timedelta(hours=16), timedelta(hours=2))
    assert resolve.due_at == local(2025, 6, 10, 17)
    (entry,) = recomputed_entries(case)
    assert "the customer's tags changed" in entry.body
    assert AuditEvent.objects.filter(tenant_id=tenant.pk, action="sla.timers_recomputed").count() == 1

    with time_machine.travel(local(2025, 6, 9, 12), tick=False):
        customer_update(actor=actors.agent_a, customer=customer, changes={"tags": []})

    resolve = timer_of(case, "resolve")
    assert (resolve.duration, resolve.consumed) == (timedelta(hours=40), timedelta(hours=3))
    assert resolve.due_at == local(2025, 6, 13, 17)


def test_the_update_clock_follows_a_cadence_the_customer_chooses_in_the_portal(tenant, customer):
    case = open_case(tenant, MONDAY_9, customer=customer, source_channel="email")
    assert timer_of(case, "update").duration == timedelta(hours=40)  # "events": the policy's 5 days

    with time_machine.travel(local(2025, 6, 9, 13), tick=False):
        portal_preferences_save(customer=customer, changes={"update_cadence": "daily"}, consents={})

    update = timer_of(case, "update")
    assert (update.duration, update.consumed) == (timedelta(hours=8), timedelta(hours=4))
    assert update.due_at == local(2025, 6, 9, 17)  # 4 of its 8 hours were used
    (entry,) = recomputed_entries(case)
    assert "update cadence changed" in entry.body


def test_only_the_customers_open_cases_move_and_other_changes_move_nothing(tenant, customer, actors):
    open_one = open_case(tenant, MONDAY_9, customer=customer, source_channel="email")
    resolved = open_case(tenant, MONDAY_9, customer=customer, source_channel="email")
    with time_machine.travel(MONDAY_9, tick=False):
        case_transition(actor=actors.agent_a, case=resolved, to_status=CaseStatus.RESOLVED)
    somebody_else = open_case(tenant, MONDAY_9, source_channel="email")

    with time_machine.travel(local(2025, 6, 9, 10), tick=False):
        customer_update(actor=actors.agent_a, customer=customer, changes={"name": "Ada Lovelace"})
    assert not recomputed_entries(open_one).exists()

    with time_machine.travel(local(2025, 6, 9, 10), tick=False):
        customer_update(actor=actors.agent_a, customer=customer, changes={"tags": ["vip"]})

    assert recomputed_entries(open_one).count() == 1
    assert not recomputed_entries(resolved).exists()
    assert not recomputed_entries(somebody_else).exists()
    assert timer_of(somebody_else, "resolve").duration == timedelta(hours=40)


def test_the_notification_pipeline_ignores_customer_updated(tenant, customer):
    before = Notification.objects.for_tenant(tenant).count()

    notifications_on_domain_event(
        DomainEvent(
            name="customer.updated", tenant_id=tenant.pk, customer_id=customer.pk, data={"fields": ["tags"]}
        )
    )

    assert Notification.objects.for_tenant(tenant).count() == before


def test_a_customer_with_many_open_cases_is_recomputed_by_a_task_after_commit(
    tenant, customer, actors, monkeypatch, django_capture_on_commit_callbacks, eager_tasks
):
    monkeypatch.setattr(customer_changes, "INLINE_CASES", 1)  # a business account with many cases
    cases = [open_case(tenant, MONDAY_9, customer=customer, source_channel="email") for _ in range(2)]

    with time_machine.travel(local(2025, 6, 9, 11), tick=False):
        with django_capture_on_commit_callbacks() as after_commit:
            customer_update(actor=actors.agent_a, customer=customer, changes={"tags": ["VIP"]})
        # Nothing moved inside the customer's transaction: the clocks wait for the task.
        assert [timer_of(case, "resolve").duration for case in cases] == [timedelta(hours=40)] * 2
        for callback in after_commit:
            callback()

    for case in cases:
        resolve = timer_of(case, "resolve")
        assert (resolve.duration, resolve.consumed) == (timedelta(hours=16), timedelta(hours=2))
        assert "the customer's tags changed" in recomputed_entries(case).get().body
