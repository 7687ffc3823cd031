"""The new-case form: an agent opens a case for an existing customer (picked from a search) or for
a new one typed in; bad input keeps what was typed and creates nothing."""

import pytest

from apps.cases.models import Case
from apps.customers.models import Customer
from tests.conftest import client_for
from tests.customers.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

NEW = "/app/cases/new/"


@pytest.fixture
def agent(actors):
    return client_for(actors.tenant_a, actors.agent_a)


def cases_of(tenant):
    return Case.objects.for_tenant(tenant)


def form(**fields):
    return {
        "kind": "inquiry",
        "source_channel": "phone",
        "priority": "normal",
        "subject": "Called about",
    } | fields


def test_the_form_defaults_to_a_phone_case(agent):
    html = agent.get(NEW).content.decode()
    assert '<option value="phone" selected>' in html


def test_customer_search_offers_matches_and_htmx_updates_only_the_picker(actors, agent):
    CustomerFactory(tenant=actors.tenant_a, name="Margaret Hamilton")
    CustomerFactory(tenant=actors.tenant_a, name="Someone Else")
    CustomerFactory(tenant=actors.tenant_b, name="Margaret Other-Tenant")
    page = agent.get(NEW + "?customer_q=margaret").content.decode()
    assert "Margaret Hamilton" in page and "Someone Else" not in page and "Other-Tenant" not in page
    partial = agent.get(
        NEW + "?customer_q=margaret", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-picker"
    ).content.decode()
    assert partial.startswith('<div id="customer-picker"') and "Margaret Hamilton" in partial
    assert "<form" not in partial


def test_opening_a_case_for_an_existing_customer(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a)
    order = OrderFactory(customer=customer)
    response = agent.post(
        NEW,
        form(
            customer=customer.pk,
            subject="Wants to change the delivery day",
            description="Called at 10:00",
            order_number=order.order_number,
            tags="delivery, phone-in",
            initial_assessment="we can move it to Saturday",
        ),
    )
    case = cases_of(actors.tenant_a).get()
    assert response.status_code == 302 and response["Location"] == f"/app/cases/{case.reference}/"
    assert case.customer_id == customer.pk and case.source_channel == "phone"
    assert case.order_id == order.pk and case.tags == ["delivery", "phone-in"]
    assert case.initial_assessment == "we can move it to Saturday"


def test_preselected_customer_from_the_customer_page(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a, name="Katherine Johnson")
    html = agent.get(NEW + f"?customer={customer.pk}").content.decode()
    assert f'value="{customer.pk}" checked' in html and "Katherine Johnson" in html


def test_opening_a_case_for_a_new_customer_creates_both(actors, agent):
    response = agent.post(
        NEW,
        form(
            new_customer_name="Dorothy Vaughan",
            new_customer_email="dorothy@example.com",
            new_customer_phone="+44 20 7946 0958",
            new_customer_consents=["email", "sms"],
        ),
    )
    assert response.status_code == 302
    customer = Customer.objects.for_tenant(actors.tenant_a).get(name="Dorothy Vaughan")
    assert cases_of(actors.tenant_a).get().customer_id == customer.pk
    assert {point.value for point in customer.contact_points.all()} == {
        "dorothy@example.com",
        "+442079460958",
    }
    assert {consent.channel for consent in customer.consents.all() if consent.granted} == {"email", "sms"}


def test_no_customer_is_a_form_error_and_the_typed_case_stays(agent, actors):
    response = agent.post(NEW, form(subject="Lost my parcel", description="Since Monday"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Pick the customer, or type the name of a new one" in html
    assert 'value="Lost my parcel"' in html and "Since Monday" in html
    assert not cases_of(actors.tenant_a).exists()


def test_bad_phone_of_a_new_customer_is_refused_and_nothing_is_created(agent, actors):
    response = agent.post(NEW, form(new_customer_name="Mary Jackson", new_customer_phone="12345"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "is not a phone number in international form" in html
    assert 'value="Mary Jackson"' in html
    assert not Customer.objects.for_tenant(actors.tenant_a).exists()
    assert not cases_of(actors.tenant_a).exists()


def test_unknown_order_number_is_a_form_error(agent, actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    response = agent.post(NEW, form(customer=customer.pk, order_number="NOPE-1"))
    assert response.status_code == 422 and "There is no order NOPE-1." in response.content.decode()
    assert not cases_of(actors.tenant_a).exists()


def test_customer_of_another_tenant_cannot_be_picked(agent, actors):
    stranger = CustomerFactory(tenant=actors.tenant_b)
    response = agent.post(NEW, form(customer=stranger.pk))
    assert response.status_code == 422
    assert not cases_of(actors.tenant_a).exists() and not cases_of(actors.tenant_b).exists()


def test_a_case_sent_to_a_team_the_agent_cannot_see_lands_on_the_queue(agent, actors):
    from tests.cases.factories import TeamFactory

    team = TeamFactory(tenant=actors.tenant_a, name="Legal")
    customer = CustomerFactory(tenant=actors.tenant_a)
    response = agent.post(NEW, form(customer=customer.pk, team=team.pk, assignee=actors.supervisor_a.pk))
    assert response.status_code == 302 and response["Location"] == "/app/cases/"
