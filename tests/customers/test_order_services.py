from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.customers.models import Order, OrderStatus
from apps.customers.selectors import customer_orders, order_by_number
from apps.customers.services import ORDER_TRANSITIONS, order_create, order_transition, order_update
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.customers.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

S = OrderStatus
EXTRA = {
    S.DELAYED: {"reason": "Carrier strike", "expected_delivery": date(2026, 7, 1)},
    S.SHIPPED: {"carrier": "DHL", "tracking_number": "JD0001", "tracking_url": "https://dhl.example/JD0001"},
    S.PROCESSING: {},
}
PAIRS = [(source, target) for source in S.values for target in S.values]


def _order_in(tenant, status):
    order = OrderFactory(customer__tenant=tenant)
    Order.objects.for_tenant(tenant).filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def _extra(source, target):
    if source == target == S.PROCESSING:
        return {"reason": "Backorder", "expected_delivery": date(2026, 7, 2)}
    return EXTRA.get(target, {})


@pytest.mark.parametrize(("source", "target"), [p for p in PAIRS if p[1] in ORDER_TRANSITIONS[p[0]]])
def test_legal_order_moves_are_recorded(actors, source, target):
    order = _order_in(actors.tenant_a, source)
    moved = order_transition(actor=actors.agent_a, order=order, to_status=target, **_extra(source, target))
    assert moved.status == target
    last = moved.status_events.last()
    assert (last.from_status, last.to_status, last.actor_type) == (source, target, "user")


@pytest.mark.parametrize(("source", "target"), [p for p in PAIRS if p[1] not in ORDER_TRANSITIONS[p[0]]])
def test_illegal_order_moves_are_refused(actors, source, target):
    order = _order_in(actors.tenant_a, source)
    with pytest.raises(ValidationError) as refused:
        order_transition(actor=None, order=order, to_status=target, **_extra(source, target))
    assert "cannot become" in refused.value.message_dict["status"][0]


def test_a_delay_needs_reason_and_new_date(actors):
    order = OrderFactory(customer__tenant=actors.tenant_a)
    with pytest.raises(ValidationError, match="reason"):
        order_transition(actor=None, order=order, to_status=S.DELAYED, expected_delivery=date(2026, 7, 1))
    with pytest.raises(ValidationError, match="reason"):
        order_transition(actor=None, order=order, to_status=S.DELAYED, reason="Strike")
    with pytest.raises(ValidationError, match="expected date"):
        order_transition(actor=None, order=order, to_status=S.PROCESSING, reason="Backorder")


def test_a_shipment_needs_carrier_and_tracking_number(actors):
    order = OrderFactory(customer__tenant=actors.tenant_a)
    with pytest.raises(ValidationError, match="tracking number"):
        order_transition(actor=None, order=order, to_status=S.SHIPPED, carrier="DHL")


def test_history_and_event_names_follow_the_lifecycle(actors, settings):
    settings.DOMAIN_EVENT_HANDLERS = ["tests.customers.test_order_services.collect"]
    collected.clear()
    order = OrderFactory(customer__tenant=actors.tenant_a, order_number="ORD-1")
    order = order_transition(actor=None, order=order, to_status=S.CONFIRMED)
    order = order_transition(
        actor=None,
        order=order,
        to_status=S.PROCESSING,
        reason="Backorder",
        expected_delivery=date(2026, 7, 3),
    )
    order = order_transition(actor=None, order=order, to_status=S.SHIPPED, **EXTRA[S.SHIPPED])
    order = order_transition(actor=None, order=order, to_status=S.DELIVERED)
    seen = [event.name for event in collected if event.name.startswith("order.")]
    assert seen == [
        "order.placed",
        "order.confirmed",
        "order.processing_delayed",
        "order.shipped",
        "order.delivered",
    ]
    assert order.delivered_at is not None and order.delay_reason == ""
    found = order_by_number(tenant=actors.tenant_a, order_number="ORD-1")
    assert [e.to_status for e in found.status_events.all()] == [
        "placed",
        "confirmed",
        "processing",
        "shipped",
        "delivered",
    ]
    assert order_by_number(tenant=actors.tenant_b, order_number="ORD-1") is None
    assert AuditEvent.objects.for_tenant(actors.tenant_a).filter(action="order.status_changed").count() == 4


collected = []


def collect(event):
    collected.append(event)


def test_order_numbers_are_unique_per_tenant(actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    order_create(tenant=actors.tenant_a, actor=None, customer=customer, order_number="A-1")
    with pytest.raises(ValidationError):
        order_create(tenant=actors.tenant_a, actor=None, customer=customer, order_number="A-1")
    order_create(
        tenant=actors.tenant_b,
        actor=None,
        customer=CustomerFactory(tenant=actors.tenant_b),
        order_number="A-1",
    )


def test_a_total_needs_a_currency(actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    with pytest.raises(ValidationError):
        order_create(tenant=actors.tenant_a, actor=None, customer=customer, order_number="A-2", total="10.00")


def test_an_order_of_another_tenants_customer_is_refused(actors):
    with pytest.raises(ValidationError, match="No such customer"):
        order_create(
            tenant=actors.tenant_a,
            actor=None,
            customer=CustomerFactory(tenant=actors.tenant_b),
            order_number="Z",
        )


def test_order_details_update_but_status_does_not(actors):
    order = OrderFactory(customer__tenant=actors.tenant_a)
    order = order_update(
        actor=None, order=order, changes={"carrier": "UPS", "shipping_postcode": " sw1a 1aa"}
    )
    assert (order.carrier, order.shipping_postcode) == ("UPS", "SW1A 1AA")
    with pytest.raises(ValidationError):
        order_update(actor=None, order=order, changes={"status": "delivered"})
    assert list(customer_orders(customer=order.customer)) == [order]
