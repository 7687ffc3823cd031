import pytest

from apps.customers.models import ConsentEvent, Customer
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.conftest import client_for
from tests.customers.api_helpers import error, key_client
from tests.customers.factories import CustomerFactory, OrderFactory
from tests.factories import bearer, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(actors):
    return key_client(actors.tenant_a)


def test_create_then_read_a_customer(api, actors):
    response = api(
        "post",
        "/api/v1/customers/",
        {
            "name": "Ada Lovelace",
            "emails": ["ada@example.test"],
            "phones": ["+44 20 7946 0958"],
            "preferred_channels": ["sms", "email"],
            "consents": {"email": True, "sms": True},
            "external_id": "CRM-1",
            "update_cadence": "weekly",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["emails"] == [{"value": "ada@example.test", "is_primary": True, "is_verified": False}]
    assert body["phones"][0]["value"] == "+442079460958"
    assert body["reachable_channels"] == ["sms", "email"]
    assert {c["channel"]: c["source"] for c in body["consents"]} == {"email": "api", "sms": "api"}
    detail = api("get", f"/api/v1/customers/{body['id']}/")
    assert detail.status_code == 200 and detail.json()["external_id"] == "CRM-1"


def test_invalid_customer_fields_answer_400_in_the_error_shape(api):
    response = api(
        "post", "/api/v1/customers/", {"name": "", "emails": ["nope"], "preferred_channels": ["fax"]}
    )
    assert response.status_code == 400
    fields = error(response)["fields"]
    assert {"name", "preferred_channels"} <= set(fields)
    response = api("post", "/api/v1/customers/", {"name": "Bob", "phones": ["12345"]})
    assert response.status_code == 400
    assert "international form" in error(response)["fields"]["phones"][0]


def test_update_changes_profile_contacts_and_consent_together(api, actors):
    customer = CustomerFactory(tenant=actors.tenant_a, emails=["old@example.test"], consents={})
    response = api(
        "patch",
        f"/api/v1/customers/{customer.pk}/",
        {"locale": "de", "phones": ["+4915112345678"], "consents": {"sms": True}},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["locale"] == "de"
    assert [e["value"] for e in body["emails"]] == ["old@example.test"]
    assert [p["value"] for p in body["phones"]] == ["+4915112345678"]
    assert ConsentEvent.objects.for_tenant(actors.tenant_a).get(customer=customer).source == "api"


def test_a_failing_part_of_an_update_undoes_the_rest(api, actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    CustomerFactory(tenant=actors.tenant_a, emails=["taken@example.test"])
    response = api(
        "patch", f"/api/v1/customers/{customer.pk}/", {"locale": "fr", "emails": ["taken@example.test"]}
    )
    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.locale == "en"


def test_list_filters_and_searches(api, actors):
    CustomerFactory(tenant=actors.tenant_a, name="Grace Hopper", tags=["vip"])
    CustomerFactory(tenant=actors.tenant_a, name="Alan Turing")
    CustomerFactory(tenant=actors.tenant_b, name="Grace Other")
    response = api("get", "/api/v1/customers/?q=grace")
    assert [c["name"] for c in response.json()["results"]] == ["Grace Hopper"]
    response = api("get", "/api/v1/customers/?tag=vip")
    assert [c["name"] for c in response.json()["results"]] == ["Grace Hopper"]


def test_another_tenants_customer_and_order_are_not_found(api, actors):
    other = CustomerFactory(tenant=actors.tenant_b)
    order = OrderFactory(customer=other, order_number="B-1")
    assert api("get", f"/api/v1/customers/{other.pk}/").status_code == 404
    assert api("patch", f"/api/v1/customers/{other.pk}/", {"name": "x"}).status_code == 404
    assert api("get", f"/api/v1/orders/{order.order_number}/").status_code == 404
    assert api("patch", "/api/v1/orders/B-1/", {"carrier": "x"}).status_code == 404
    response = api("post", "/api/v1/orders/", {"order_number": "A-9", "customer": other.pk})
    assert response.status_code == 400 and "customer" in error(response)["fields"]


def test_orders_are_created_moved_and_read_by_number(api, actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    response = api(
        "post",
        "/api/v1/orders/",
        {
            "order_number": "WEB-1",
            "customer": customer.pk,
            "total": "19.99",
            "currency": "eur",
            "items_summary": "Mug",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "EUR"
    response = api(
        "patch",
        "/api/v1/orders/WEB-1/",
        {"status": "shipped", "carrier": "DPD", "tracking_number": "123", "items_summary": "Mug (blue)"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["carrier"], body["items_summary"]) == ("shipped", "DPD", "Mug (blue)")
    assert [h["to_status"] for h in body["history"]] == ["placed", "shipped"]
    response = api("patch", "/api/v1/orders/WEB-1/", {"status": "placed"})
    assert response.status_code == 400 and "cannot become" in error(response)["fields"]["status"][0]
    assert api("get", "/api/v1/orders/?customer=x").status_code == 400
    assert len(api("get", f"/api/v1/orders/?customer={customer.pk}").json()["results"]) == 1


def test_a_read_only_key_cannot_write(actors):
    _, key = make_api_key(actors.tenant_a, scopes=("read",))
    client = client_for(actors.tenant_a)
    assert client.get("/api/v1/customers/", **bearer(key)).status_code == 200
    response = client.post(
        "/api/v1/customers/", {"name": "x"}, content_type="application/json", **bearer(key)
    )
    assert response.status_code == 403
    assert "write" in error(response)["message"]
    assert not Customer.objects.for_tenant(actors.tenant_a).exists()


def test_anonymous_callers_are_refused(actors):
    assert client_for(actors.tenant_a).get("/api/v1/customers/").status_code in (401, 403)


def test_staff_sessions_may_use_the_api(actors):
    response = client_for(actors.tenant_a, actors.agent_a).post(
        "/api/v1/customers/", {"name": "Walk-in"}, content_type="application/json"
    )
    assert response.status_code == 201
