"""Notifications are created with the change that causes them, once per event, with frozen content."""

from datetime import date

import pytest
from django.db import transaction

from apps.cases.models import Case, TimelineEntry
from apps.cases.services import case_change_team, case_reply
from apps.common.domain_events import DomainEvent
from apps.customers.services import order_transition
from apps.message_templates.models import TemplateVersion, VersionStatus
from apps.notifications.handlers import on_domain_event
from apps.notifications.outbox.models import Notification, NotificationStatus, TriggerRule
from apps.notifications.outbox.services import notification_request
from tests.cases.factories import CaseFactory, TeamFactory
from tests.customers.factories import OrderFactory
from tests.notifications.outbox_fixtures import make_customer, notifications_of

pytestmark = pytest.mark.django_db

SHIPMENT = {
    "carrier": "DHL",
    "tracking_number": "JD014600003828",
    "tracking_url": "https://track.example/JD01",
}


def shipped_order(tenant, customer=None):
    order = OrderFactory(customer=customer or make_customer(tenant), tenant=tenant)
    return order_transition(actor=None, order=order, to_status="shipped", **SHIPMENT)


def test_a_shipment_creates_one_queued_notification_with_the_approved_template(shop):
    order = shipped_order(shop)

    [shipped] = notifications_of(shop, trigger="order.shipped")
    assert (shipped.status, shipped.channel, shipped.to_address) == ("queued", "email", "ada@example.test")
    assert shipped.template_version.status == VersionStatus.APPROVED
    assert "JD014600003828" in shipped.text and "JD014600003828" in shipped.html
    assert order.order_number in shipped.subject
    assert f"http://alpha.localhost/portal/orders/{order.pk}/" in shipped.text
    assert shipped.idempotency_key == f"{shipped.event_key}:{shipped.customer_id}:email"


def test_a_replayed_event_creates_no_second_notification(shop):
    order = shipped_order(shop)
    event = DomainEvent(
        name="order.shipped", tenant_id=shop.pk, customer_id=order.customer_id, order_id=order.pk
    )

    on_domain_event(event)
    on_domain_event(event)

    assert len(notifications_of(shop, trigger="order.shipped")) == 2  # the transition's own, and this event's
    assert (
        len(notifications_of(shop, event_key=f"order.shipped:{order.pk}:{event.occurred_at.timestamp():.6f}"))
        == 1
    )


def test_a_replay_that_would_now_choose_another_channel_still_finds_the_first_notification(shop):
    customer = make_customer(shop)
    first = notification_request(
        tenant=shop, trigger="customer.welcome", customer=customer, event_key="welcome:1"
    )
    customer.consents.filter(channel="email").delete()  # email no longer possible: SMS would be chosen now

    again = notification_request(
        tenant=shop, trigger="customer.welcome", customer=customer, event_key="welcome:1"
    )

    assert again.pk == first.pk
    assert len(notifications_of(shop, event_key="welcome:1")) == 1


def test_order_placed_and_confirmed_send_one_confirmation(shop):
    order = OrderFactory(customer=make_customer(shop), tenant=shop)
    order_transition(actor=None, order=order, to_status="confirmed")

    assert len(notifications_of(shop, trigger="order.confirmed")) == 1


def test_a_further_delay_is_a_new_notification(shop):
    order = OrderFactory(customer=make_customer(shop), tenant=shop)
    order = order_transition(
        actor=None, order=order, to_status="delayed", reason="a strike", expected_delivery=date(2030, 5, 2)
    )
    order_transition(
        actor=None,
        order=order,
        to_status="delayed",
        reason="the strike goes on",
        expected_delivery=date(2030, 5, 9),
    )

    delays = notifications_of(shop, trigger="order.delayed")
    assert len(delays) == 2
    assert "the strike goes on" in delays[1].text


def test_notifications_roll_back_with_the_change_that_caused_them(shop):
    order = OrderFactory(customer=make_customer(shop), tenant=shop)
    with pytest.raises(RuntimeError), transaction.atomic():
        order_transition(actor=None, order=order, to_status="shipped", **SHIPMENT)
        raise RuntimeError("the request failed after the shipment was recorded")

    assert notifications_of(shop, trigger="order.shipped") == []


def test_dispatch_is_asked_for_after_commit_only(shop, nudges, django_capture_on_commit_callbacks):
    order = OrderFactory(customer=make_customer(shop), tenant=shop)
    with django_capture_on_commit_callbacks() as callbacks:
        order_transition(actor=None, order=order, to_status="shipped", **SHIPMENT)
        assert nudges.dispatch == []
    for callback in callbacks:
        callback()

    assert nudges.channels() == ["email"]


def test_content_is_frozen_when_the_notification_is_created(shop, actors):
    order = shipped_order(shop)
    [shipped] = notifications_of(shop, trigger="order.shipped")
    original = (shipped.subject, shipped.text, shipped.html, shipped.template_version_id)
    TemplateVersion.objects.for_tenant(shop).filter(pk=shipped.template_version_id).update(
        status=VersionStatus.RETIRED
    )
    order.tracking_number = "CHANGED-LATER"
    order.save()

    shipped.refresh_from_db()
    assert (shipped.subject, shipped.text, shipped.html, shipped.template_version_id) == original
    assert "CHANGED-LATER" not in shipped.text


def test_a_switched_off_rule_sends_nothing(shop):
    TriggerRule.objects.for_tenant(shop).filter(trigger="order.shipped").update(enabled=False)

    shipped_order(shop)

    assert notifications_of(shop, trigger="order.shipped") == []


def test_without_an_approved_template_the_notification_is_recorded_as_not_sent(shop):
    TemplateVersion.objects.for_tenant(shop).filter(template__key="order.shipped").update(
        status=VersionStatus.RETIRED
    )

    shipped_order(shop)

    [skipped] = notifications_of(shop, trigger="order.shipped")
    assert (skipped.status, skipped.last_error_code) == (NotificationStatus.SKIPPED, "no_template")


def test_a_customer_with_no_usable_channel_gets_a_skipped_notification_saying_why(shop):
    customer = make_customer(shop, consents={}, preferred_channels=["email", "sms"])

    shipped_order(shop, customer)

    [skipped] = notifications_of(shop, trigger="order.shipped")
    assert (skipped.status, skipped.last_error_code) == (NotificationStatus.SKIPPED, "no_channel")


def test_an_sla_request_adds_its_variables_and_sends_once_per_event_key(shop):
    customer = make_customer(shop)
    case = CaseFactory(tenant=shop, customer=customer, subject="Refund for a returned jacket")
    context = {"case": {"initial_assessment": "we are checking the refund", "expected_resolution": None}}

    first = notification_request(
        tenant=shop, trigger="case.acknowledged", customer=customer, case=case, context=context,
        event_key=f"case.acknowledged:{case.pk}",
    )  # fmt: skip
    second = notification_request(
        tenant=shop, trigger="case.acknowledged", customer=customer, case=case, context=context,
        event_key=f"case.acknowledged:{case.pk}",
    )  # fmt: skip

    assert first.pk == second.pk and first.status == NotificationStatus.QUEUED
    assert case.reference in first.text and "we are checking the refund" in first.text


def test_an_agent_reply_is_sent_as_written_and_its_entry_linked(shop, actors):
    case = CaseFactory(tenant=shop, customer=make_customer(shop), subject="Lamp arrived broken")

    entry = case_reply(
        actor=actors.agent_a, case=case, body="We are sending a new lamp today.", channel="sms"
    )

    entry = TimelineEntry.objects.for_tenant(shop).get(pk=entry.pk)
    notification = Notification.objects.for_tenant(shop).get(pk=entry.notification_id)
    assert entry.pending_delivery is False
    assert (notification.trigger, notification.channel, notification.text) == (
        "reply", "sms", "We are sending a new lamp today.",
    )  # fmt: skip
    assert notification.template_version is None and notification.timeline_entry_id == entry.pk


def test_an_emailed_reply_carries_the_case_reference_and_a_reply_token(shop, actors):
    case = CaseFactory(tenant=shop, customer=make_customer(shop), subject="Lamp arrived broken")

    entry = case_reply(actor=actors.agent_a, case=case, body="Sorry about that.", channel="email")

    notification = Notification.objects.for_tenant(shop).get(timeline_entry_id=entry.pk)
    assert notification.subject == f"Re: Lamp arrived broken [{case.reference}]"
    assert len(notification.reply_token) == 20


def test_a_hand_over_uses_the_approved_handoff_template(shop, actors):
    case = CaseFactory(tenant=shop, customer=make_customer(shop))
    team = TeamFactory(tenant=shop, name="Billing")

    case_change_team(actor=actors.agent_a, case=case, team=team)

    notification = Notification.objects.for_tenant(shop).get(trigger="case.handoff")
    entry = TimelineEntry.objects.for_tenant(shop).get(pk=notification.timeline_entry_id)
    assert notification.template_version.template.key == "case.handoff"
    assert "Billing" in notification.text
    assert (entry.notification_id, entry.pending_delivery) == (notification.pk, False)
    assert Case.objects.for_tenant(shop).get(pk=case.pk).team_id == team.pk
