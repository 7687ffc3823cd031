import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.cases.models import Case, IntakeEvent
from apps.common.domain_events import DomainEvent
from apps.customers.models import Customer, Order, OrderStatusEvent
from tests.cases.factories import TeamFactory
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.conftest import client_for
from tests.customers.api_helpers import error
from tests.customers.factories import CustomerFactory, OrderFactory
from tests.factories import TenantFactory, bearer, make_api_key

pytestmark = pytest.mark.django_db

handed_over: list[DomainEvent] = []


def hand_over(event: DomainEvent) -> None:
    handed_over.append(event)


@pytest.fixture
def post(actors, settings):
    handed_over.clear()
    settings.DOMAIN_EVENT_HANDLERS = ["tests.cases.test_event_intake.hand_over"]
    _, key = make_api_key(actors.tenant_a, scopes=("events",))
    client = client_for(actors.tenant_a)

    def send(body, idempotency_key: str | None = "auto", api_key: str = key):
        headers = bearer(api_key)
        if idempotency_key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = (
                uuid.uuid4().hex if idempotency_key == "auto" else idempotency_key
            )
        return client.post("/api/v1/events/", body, content_type="application/json", **headers)

    return send


CUSTOMER = {
    "external_id": "SHOP-42",
    "name": "Mina Park",
    "email": "mina@example.test",
    "phone": "+4915112345678",
}


def placed(number="WEB-1", **extra):
    return {
        "type": "order.placed",
        "data": {
            "order_number": number,
            "customer": CUSTOMER,
            "items_summary": "1 x Oak shelf",
            "total": "120.00",
            "currency": "EUR",
            "expected_delivery": "2026-06-10",
            **extra,
        },
    }


def test_an_order_goes_through_its_whole_life_by_events(post, actors):
    assert post(placed()).status_code == 201
    steps = [
        ({"type": "order.confirmed", "data": {"order_number": "WEB-1"}}, "confirmed", "order.confirmed"),
        (
            {
                "type": "order.processing_delayed",
                "data": {"order_number": "WEB-1", "reason": "Backorder", "expected_delivery": "2026-06-14"},
            },
            "processing",
            "order.processing_delayed",
        ),
        (
            {
                "type": "order.shipped",
                "data": {
                    "order_number": "WEB-1",
                    "carrier": "DHL",
                    "tracking_number": "JD1",
                    "tracking_url": "https://t.example/JD1",
                },
            },
            "shipped",
            "order.shipped",
        ),
        (
            {
                "type": "order.delayed",
                "data": {"order_number": "WEB-1", "reason": "Storm", "expected_delivery": "2026-06-16"},
            },
            "delayed",
            "order.delayed",
        ),
        ({"type": "order.delivered", "data": {"order_number": "WEB-1"}}, "delivered", "order.delivered"),
    ]
    for body, status, domain_event in steps:
        response = post(body)
        assert response.status_code == 201, response.content
        result = response.json()
        assert result["status"] == "applied" and result["domain_event"] == domain_event
        assert result["result"]["order"]["status"] == status
    order = Order.objects.for_tenant(actors.tenant_a).get(order_number="WEB-1")
    assert (order.carrier, order.tracking_number, str(order.expected_delivery)) == (
        "DHL",
        "JD1",
        "2026-06-16",
    )
    assert [e.source_event for e in order.status_events.all()] == [
        "order.placed",
        "order.confirmed",
        "order.processing_delayed",
        "order.shipped",
        "order.delayed",
        "order.delivered",
    ]
    order_events = [event.name for event in handed_over if event.name.startswith("order.")]
    assert order_events == ["order.placed"] + [step[2] for step in steps]
    assert IntakeEvent.objects.for_tenant(actors.tenant_a).count() == 6


def test_order_placed_creates_the_customer_once(post, actors):
    post(placed("WEB-1"))
    post(placed("WEB-2"))
    customer = Customer.objects.for_tenant(actors.tenant_a).get()
    assert customer.external_id == "SHOP-42"
    assert customer.orders.count() == 2
    assert customer.consents.get().channel == "email"


def test_customer_created_and_case_created_apply(post, actors):
    TeamFactory(tenant=actors.tenant_a, name="Returns")
    response = post(
        {
            "type": "customer.created",
            "data": {
                "name": "Ola Nordmann",
                "emails": ["ola@example.test"],
                "external_id": "C-9",
                "consents": {"email": True},
            },
        }
    )
    assert response.status_code == 201, response.content
    customer_id = response.json()["result"]["customer"]["id"]
    assert any(event.name == "customer.created" and event.customer_id == customer_id for event in handed_over)
    OrderFactory(
        customer=Customer.objects.for_tenant(actors.tenant_a).get(pk=customer_id), order_number="R-1"
    )
    response = post(
        {
            "type": "case.created",
            "data": {
                "customer": {"external_id": "C-9"},
                "subject": "Return label please",
                "kind": "service_request",
                "source_channel": "portal",
                "order_number": "R-1",
                "team": "returns",
            },
        }
    )
    assert response.status_code == 201, response.content
    reference = response.json()["result"]["case"]["reference"]
    case = Case.objects.for_tenant(actors.tenant_a).get(reference=reference)
    assert (case.kind, case.source_channel, case.team.name, case.order.order_number) == (
        "service_request",
        "portal",
        "Returns",
        "R-1",
    )
    response = post({"type": "customer.created", "data": {"name": "Dup", "external_id": "C-9"}})
    assert response.status_code == 422 and error(response)["code"] == "customer_exists"


def test_a_replay_returns_the_first_response_and_applies_nothing_again(post, actors):
    first = post(placed(), idempotency_key="evt-1")
    shipped = {
        "type": "order.shipped",
        "data": {"order_number": "WEB-1", "carrier": "UPS", "tracking_number": "1Z"},
    }
    second = post(shipped, idempotency_key="evt-2")
    again = post(shipped, idempotency_key="evt-2")
    assert again.status_code == second.status_code == 201
    assert again.json() == second.json()
    assert again["Idempotent-Replayed"] == "true"
    reordered = {"data": dict(reversed(list(shipped["data"].items()))), "type": "order.shipped"}
    assert post(reordered, idempotency_key="evt-2").json() == second.json()
    order = Order.objects.for_tenant(actors.tenant_a).get()
    assert OrderStatusEvent.objects.for_tenant(actors.tenant_a).filter(order=order).count() == 2
    assert first.json()["id"] != second.json()["id"]


def test_the_same_key_with_another_body_is_a_409(post, actors):
    post(placed(), idempotency_key="evt-1")
    response = post(placed("WEB-2"), idempotency_key="evt-1")
    assert response.status_code == 409
    assert error(response)["code"] == "idempotency_conflict"
    assert not Order.objects.for_tenant(actors.tenant_a).filter(order_number="WEB-2").exists()


def test_a_missing_key_is_a_400_and_nothing_is_stored(post, actors):
    response = post(placed(), idempotency_key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in error(response)["fields"]
    assert not IntakeEvent.objects.for_tenant(actors.tenant_a).exists()
    assert post(placed(), idempotency_key="x" * 256).status_code == 400


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"type": "order.teleported", "data": {}}, ["type"]),
        ({"type": "order.placed"}, ["data"]),
        ({"type": "order.placed", "data": {"order_number": "W"}}, ["data", "customer"]),
        (
            {"type": "order.shipped", "data": {"order_number": "W", "carrier": "DHL"}},
            ["data", "tracking_number"],
        ),
        (
            {"type": "order.delayed", "data": {"order_number": "W", "reason": "x"}},
            ["data", "expected_delivery"],
        ),
        (
            {
                "type": "order.processing_delayed",
                "data": {"order_number": "W", "expected_delivery": "2026-01-01"},
            },
            ["data", "reason"],
        ),
        (
            {
                "type": "order.shipped",
                "data": {"order_number": "W", "carrier": "D", "tracking_number": "1", "tracking_url": "nope"},
            },
            ["data", "tracking_url"],
        ),
        ({"type": "customer.created", "data": {"emails": ["a@b.test"]}}, ["data", "name"]),
        ({"type": "case.created", "data": {"customer": {"name": "x"}, "subject": "s"}}, ["data", "customer"]),
        (
            {
                "type": "case.created",
                "data": {"customer": {"email": "a@b.test"}, "subject": "s", "priority": "p0"},
            },
            ["data", "priority"],
        ),
    ],
)
def test_each_event_type_is_validated_with_field_errors(post, actors, body, path):
    response = post(body)
    assert response.status_code == 400, response.content
    fields = error(response)["fields"]
    for part in path:
        assert part in fields, fields
        fields = fields[part]
    assert not IntakeEvent.objects.for_tenant(actors.tenant_a).exists()


def test_an_invalid_event_can_be_resent_corrected_with_the_same_key(post, actors):
    assert (
        post({"type": "order.placed", "data": {"order_number": "W"}}, idempotency_key="k").status_code == 400
    )
    assert post(placed("W"), idempotency_key="k").status_code == 201


def test_an_unknown_order_without_customer_is_refused_and_the_refusal_is_stored(post, actors):
    body = {
        "type": "order.shipped",
        "data": {"order_number": "GHOST", "carrier": "DHL", "tracking_number": "1"},
    }
    response = post(body, idempotency_key="ghost")
    assert response.status_code == 422
    assert error(response)["code"] == "unknown_order"
    assert "order.placed first" in error(response)["message"]
    assert post(body, idempotency_key="ghost").status_code == 422
    stored = IntakeEvent.objects.for_tenant(actors.tenant_a).get()
    assert (stored.type, stored.response_status) == ("order.shipped", 422)
    assert not Order.objects.for_tenant(actors.tenant_a).exists()


def test_an_unknown_order_with_customer_is_created_in_the_events_state(post, actors):
    body = {
        "type": "order.shipped",
        "data": {"order_number": "LATE-1", "carrier": "DHL", "tracking_number": "9", "customer": CUSTOMER},
    }
    response = post(body)
    assert response.status_code == 201, response.content
    order = Order.objects.for_tenant(actors.tenant_a).get(order_number="LATE-1")
    assert order.status == "shipped" and order.tracking_number == "9"
    assert [e.from_status for e in order.status_events.all()] == [""]
    assert handed_over[-1].name == "order.shipped"


def test_an_impossible_move_is_a_stored_422(post, actors):
    post(placed())
    response = post({"type": "order.delivered", "data": {"order_number": "WEB-1"}})
    assert response.status_code == 422, "a placed order cannot be delivered before it ships"
    post(
        {"type": "order.shipped", "data": {"order_number": "WEB-1", "carrier": "DHL", "tracking_number": "1"}}
    )
    assert post({"type": "order.delivered", "data": {"order_number": "WEB-1"}}).status_code == 201
    assert post({"type": "order.delivered", "data": {"order_number": "WEB-1"}}).status_code == 422
    response = post({"type": "order.confirmed", "data": {"order_number": "WEB-1"}})
    assert response.status_code == 422 and "cannot become" in error(response)["fields"]["status"][0]
    assert post(placed(), idempotency_key="again").json()["error"]["code"] == "order_exists"


def test_only_keys_with_the_events_scope_may_post(post, actors):
    _, writer = make_api_key(actors.tenant_a, scopes=("read", "write"))
    response = post(placed(), api_key=writer)
    assert response.status_code == 403 and "events" in error(response)["message"]
    _, key_of_b = make_api_key(actors.tenant_b, scopes=("events",))
    assert post(placed(), api_key=key_of_b).status_code == 401


def test_keys_are_per_tenant(post, actors):
    post(placed(), idempotency_key="shared")
    _, key_of_b = make_api_key(actors.tenant_b, scopes=("events",))
    response = client_for(actors.tenant_b).post(
        "/api/v1/events/",
        placed(),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="shared",
        **bearer(key_of_b),
    )
    assert response.status_code == 201
    assert Order.objects.for_tenant(actors.tenant_b).count() == 1


def test_every_received_event_is_audited(post, actors):
    post(placed())
    post({"type": "order.confirmed", "data": {"order_number": "NOPE"}})
    statuses = [
        event.metadata["response_status"]
        for event in AuditEvent.objects.for_tenant(actors.tenant_a)
        .filter(action="intake_event.received")
        .order_by("seq")
    ]
    assert statuses == [201, 422]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_apply_once():
    tenant = TenantFactory(slug="acme")
    _, key = make_api_key(tenant, scopes=("events",))
    CustomerFactory(tenant=tenant, external_id="SHOP-42", emails=["mina@example.test"])

    def send(_):
        try:
            return client_for(tenant).post(
                "/api/v1/events/",
                placed(),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="race",
                **bearer(key),
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(send, range(6)))
    assert sorted(response.status_code for response in responses) == [201] * 6
    assert len({response.json()["id"] for response in responses}) == 1
    assert sum(response.has_header("Idempotent-Replayed") for response in responses) == 5
    assert Order.objects.for_tenant(tenant).count() == 1
    assert IntakeEvent.objects.for_tenant(tenant).count() == 1
