"""Order status without signing in: number plus email or postcode, status and tracking only."""

from datetime import timedelta

import pytest

from apps.audit.models import AuditEvent
from apps.common.clock import now
from apps.customers.models import OrderStatus
from apps.customers.services import order_transition
from tests.conftest import client_for
from tests.customers.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(world):
    order = OrderFactory(
        customer=world.customer,
        order_number="A-5001",
        items_summary="1 x Ergonomic office chair",
        total="349.00",
        shipping_postcode="SW1A 1AA",
    )
    return order_transition(
        actor=None,
        order=order,
        to_status=OrderStatus.SHIPPED,
        carrier="DHL",
        tracking_number="JD0146",
        tracking_url="https://track.example/JD0146",
        expected_delivery=(now() + timedelta(days=2)).date(),
    )


def look_up(world, number: str, proof: str, client=None):
    return (client or client_for(world.tenant_a)).post(
        "/portal/track/", {"order_number": number, "proof": proof}
    )


@pytest.mark.parametrize("proof", ["emma@example.test", "EMMA@example.test", "sw1a1aa", "SW1A 1AA"])
def test_the_order_number_with_the_email_or_postcode_shows_status_and_tracking(world, order, proof):
    response = look_up(world, "A-5001", proof)

    page = response.content.decode()
    assert response.status_code == 200
    assert "On its way" in page and "DHL" in page and "JD0146" in page
    assert 'href="https://track.example/JD0146"' in page
    assert AuditEvent.objects.for_tenant(world.tenant_a).filter(action="portal.order_looked_up").exists()


def test_the_lookup_reveals_nothing_personal(world, order):
    page = look_up(world, "A-5001", "sw1a 1aa").content.decode()

    for personal in ("Emma", "Clarke", "emma@example.test", "SW1A", "+447400123456", "office chair", "349"):
        assert personal not in page


@pytest.mark.parametrize(
    ("number", "proof"),
    [("A-5001", "noah@example.test"), ("A-5001", "E1 6AN"), ("A-9999", "emma@example.test"), ("A-5001", "")],
)
def test_a_wrong_number_or_proof_gets_one_and_the_same_answer(world, order, number, proof):
    response = look_up(world, number, proof)

    page = response.content.decode()
    assert response.status_code == 400
    assert "On its way" not in page and "JD0146" not in page
    if proof:
        assert "We could not find an order with that number and email address or postcode." in page


def test_an_order_of_tenant_a_is_not_found_on_tenant_b(world, order):
    response = look_up(world, "A-5001", "emma@example.test", client_for(world.tenant_b))

    assert response.status_code == 400 and "JD0146" not in response.content.decode()


def test_failed_lookups_are_throttled_per_ip(world, order, settings):
    settings.PORTAL_ORDER_LOOKUP_FAILURES_PER_IP = 3
    client = client_for(world.tenant_a)
    for _ in range(3):
        look_up(world, "A-5001", "guess@example.test", client)

    response = look_up(world, "A-5001", "emma@example.test", client)

    assert response.status_code == 429
    assert "JD0146" not in response.content.decode()
    assert (
        AuditEvent.objects.for_tenant(world.tenant_a).filter(action="portal.order_lookup_failed").count() == 3
    )
