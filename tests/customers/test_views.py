"""Staff customer pages: list and search, the profile (contact, preferences, consent and its
history, orders with history, cases and communications the viewer may see), create/edit forms with
clear errors, recording consent, and tenant isolation."""

import pytest

from apps.cases.services import (
    case_add_note,
    case_assign,
    case_change_team,
    case_customer_message,
    case_reply,
)
from apps.customers.models import ConsentEvent, Customer
from apps.customers.services import order_transition
from apps.tenants.models import Role
from tests.cases.factories import CaseFactory, TeamFactory, add_to_team
from tests.conftest import client_for
from tests.customers.factories import CustomerFactory, OrderFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LIST = "/app/customers/"


@pytest.fixture
def agent(actors):
    return client_for(actors.tenant_a, actors.agent_a)


def profile(customer) -> str:
    return f"/app/customers/{customer.pk}/"


def customer_form(**fields):
    return {
        "name": "Ada Lovelace",
        "emails": "ada@example.com",
        "phones": "",
        "channel_1": "email",
        "channel_2": "portal",
        "update_cadence": "events",
        "locale": "en",
        "time_zone": "Europe/London",
    } | fields


def test_list_searches_by_name_email_and_phone(actors, agent):
    CustomerFactory(tenant=actors.tenant_a, name="Grace Hopper", phones=["+442079460958"])
    CustomerFactory(tenant=actors.tenant_a, name="Alan Turing")
    CustomerFactory(tenant=actors.tenant_b, name="Grace Elsewhere")
    for query in ("grace", "020 7946 0958", "+44 20 7946 0958"):
        html = agent.get(LIST, {"q": query}).content.decode()
        assert "Grace Hopper" in html and "Alan Turing" not in html and "Elsewhere" not in html, query
    assert "+44 20 7946 0958" in agent.get(LIST).content.decode()  # shown grouped, stored E.164


def test_profile_shows_contact_preferences_consent_orders_cases_and_messages(actors, agent):
    customer = CustomerFactory(
        tenant=actors.tenant_a,
        name="Jane Doe",
        phones=["+442079460958"],
        consents={"email": True, "sms": False},
        preferred_channels=["sms", "email", "portal"],
    )
    order = OrderFactory(customer=customer, order_number="W-100")
    order_transition(actor=None, order=order, to_status="confirmed")
    case = CaseFactory(customer=customer, subject="Where is W-100?")
    case_reply(actor=actors.agent_a, case=case, body="It ships tomorrow.", channel="email")
    case_customer_message(case=case, body="Thanks!", channel="email")
    case_add_note(actor=actors.agent_a, case=case, body="Secret staff remark")
    html = agent.get(profile(customer)).content.decode()
    for text in (
        "@example.test",  # the email address
        "+44 20 7946 0958",
        "Consent",
        "Withdrawn",
        "W-100",
        "Confirmed",
        "Status history (2)",
        case.reference,
        "It ships tomorrow.",
        "Thanks!",
    ):
        assert text in html, text
    assert "Secret staff remark" not in html  # notes are not communications with the customer


def test_profile_lists_only_cases_the_agent_may_see(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a)
    colleague = MembershipFactory(tenant=actors.tenant_a, role=Role.AGENT).user
    team = add_to_team(TeamFactory(tenant=actors.tenant_a), colleague)
    hidden = case_assign(
        actor=None,
        case=case_change_team(
            actor=None, case=CaseFactory(customer=customer, subject="Hidden one"), team=team
        ),
        assignee=colleague,
    )
    case_reply(actor=colleague, case=hidden, body="Private thread", channel="portal")
    visible = CaseFactory(customer=customer, subject="Visible one")
    html = agent.get(profile(customer)).content.decode()
    assert visible.reference in html and hidden.reference not in html and "Private thread" not in html
    supervisor = client_for(actors.tenant_a, actors.supervisor_a).get(profile(customer)).content.decode()
    assert hidden.reference in supervisor


def test_customer_of_another_tenant_is_404(actors, agent):
    stranger = CustomerFactory(tenant=actors.tenant_b)
    assert agent.get(profile(stranger)).status_code == 404
    assert agent.get(profile(stranger) + "edit/").status_code == 404
    assert (
        agent.post(profile(stranger) + "consent/", {"channel": "email", "state": "granted"}).status_code
        == 404
    )


def test_creating_a_customer_records_contacts_preferences_and_consent(actors, agent):
    response = agent.post(
        LIST + "new/",
        customer_form(
            phones="+44 20 7946 0958",
            channel_1="sms",
            channel_2="email",
            quiet_hours_start="21:00",
            quiet_hours_end="07:30",
            update_cadence="weekly",
            tags="vip, b2b",
            consents=["sms"],
        ),
    )
    customer = Customer.objects.for_tenant(actors.tenant_a).get(name="Ada Lovelace")
    assert response.status_code == 302 and response["Location"] == profile(customer)
    assert customer.preferred_channels == ["sms", "email", "portal"][:2]
    assert customer.update_cadence == "weekly" and customer.tags == ["vip", "b2b"]
    event = ConsentEvent.objects.for_tenant(actors.tenant_a).get(customer=customer)
    assert event.channel == "sms" and event.source == "agent" and event.recorded_by_id == actors.agent_a.pk


def test_bad_phone_number_is_shown_on_its_field_and_nothing_is_lost(actors, agent):
    response = agent.post(LIST + "new/", customer_form(phones="0151 1234"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "is not a phone number in international form" in html
    assert 'value="Ada Lovelace"' in html and "0151 1234</textarea>" in html
    assert not Customer.objects.for_tenant(actors.tenant_a).exists()


def test_an_address_of_another_customer_is_refused(actors, agent):
    CustomerFactory(tenant=actors.tenant_a, emails=["taken@example.com"])
    response = agent.post(LIST + "new/", customer_form(emails="taken@example.com"))
    assert response.status_code == 422
    assert "taken@example.com already belongs to another customer." in response.content.decode()


def test_the_same_channel_twice_is_explained(agent):
    response = agent.post(LIST + "new/", customer_form(channel_1="email", channel_2="email"))
    assert response.status_code == 422
    assert "List each channel once" in response.content.decode()


def test_editing_changes_profile_and_contact_points_together(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a, name="Old Name", emails=["old@example.com"])
    form = agent.get(profile(customer) + "edit/").content.decode()
    assert 'value="Old Name"' in form and "old@example.com</textarea>" in form
    response = agent.post(
        profile(customer) + "edit/",
        customer_form(name="New Name", emails="new@example.com\nold@example.com", phones="+14155550100"),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "New Name"
    points = {(point.value, point.is_primary) for point in customer.contact_points.all()}
    assert points == {("new@example.com", True), ("old@example.com", False), ("+14155550100", True)}


def test_a_failed_edit_changes_nothing(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a, name="Keep Me", emails=["keep@example.com"])
    response = agent.post(profile(customer) + "edit/", customer_form(name="Changed", phones="not a phone"))
    assert response.status_code == 422
    customer.refresh_from_db()
    assert customer.name == "Keep Me"
    assert [point.value for point in customer.contact_points.all()] == ["keep@example.com"]


def test_recording_consent_logs_who_and_why(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a, phones=["+442079460958"], consents={})
    response = agent.post(
        profile(customer) + "consent/", {"channel": "sms", "state": "granted", "note": "Asked on the phone"}
    )
    assert response.status_code == 302
    html = agent.get(profile(customer)).content.decode()
    assert "consent for sms: granted." in html.lower()
    assert "Asked on the phone" in html and "Recorded by an agent" in html


def test_profile_query_count_does_not_grow_with_cases_and_orders(
    actors, agent, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = CustomerFactory(tenant=actors.tenant_a)
    CaseFactory(customer=small)
    OrderFactory(customer=small)
    big = CustomerFactory(tenant=actors.tenant_a)
    for index in range(6):
        case = CaseFactory(customer=big, subject=f"Case {index}")
        case_reply(actor=actors.agent_a, case=case, body=f"Reply {index}", channel="portal")
        OrderFactory(customer=big)
    agent.get(profile(small))
    with CaptureQueriesContext(connection) as baseline:
        agent.get(profile(small))
    with django_assert_max_num_queries(len(baseline)):
        assert agent.get(profile(big)).status_code == 200
