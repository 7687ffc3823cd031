from datetime import time

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.customers.models import ConsentEvent, ContactKind, Customer
from apps.customers.selectors import (
    customer_by_contact,
    customer_consent_history,
    customer_detail,
    customer_list,
    customer_reachable_channels,
)
from apps.customers.services import (
    consent_set,
    contact_point_mark_verified,
    customer_create,
    customer_set_contact_points,
    customer_update,
)
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_customer_is_created_with_normalised_contacts_and_tenant_defaults(actors):
    customer = customer_create(
        tenant=actors.tenant_a,
        actor=actors.agent_a,
        name="  Ada Lovelace ",
        emails=["Ada@Example.COM", "ada.l@example.com"],
        phones=["+44 20 7946 0958"],
        consents={"email": True, "sms": True},
        tags=["VIP"],
        external_id="C-1",
    )
    assert customer.name == "Ada Lovelace"
    assert (customer.locale, customer.time_zone) == ("en", "Europe/London")
    points = list(customer.contact_points.values_list("kind", "value", "is_primary"))
    assert points == [
        ("email", "ada@example.com", True),
        ("email", "ada.l@example.com", False),
        ("phone", "+442079460958", True),
    ]
    assert customer.tags == ["vip"]
    assert ConsentEvent.objects.for_tenant(actors.tenant_a).filter(customer=customer).count() == 2
    event = AuditEvent.objects.for_tenant(actors.tenant_a).get(action="customer.created")
    assert "ada" not in str(event.changes).lower() + str(event.metadata).lower(), (
        "no personal data in the audit"
    )


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("emails", {"emails": ["not-an-address"]}, "not a valid email"),
        ("phones", {"phones": ["020 7946 0958"]}, "international form"),
        ("phones", {"phones": ["+44 20 12"]}, "not a valid phone"),
        ("name", {"name": " "}, "name"),
        ("time_zone", {"time_zone": "Mars/Olympus"}, "time zone"),
        ("locale", {"locale": "English"}, "language code"),
        ("preferred_channels", {"preferred_channels": ["email", "email"]}, "once"),
        ("preferred_channels", {"preferred_channels": ["pigeon"]}, "not a valid choice"),
        ("quiet_hours_end", {"quiet_hours_start": time(22)}, "both"),
        ("update_cadence", {"update_cadence": "hourly"}, "not a valid choice"),
    ],
)
def test_bad_customer_input_is_refused_field_by_field(actors, field, kwargs, message):
    data = {"name": "Ada", **kwargs}
    with pytest.raises(ValidationError) as refused:
        customer_create(tenant=actors.tenant_a, actor=None, **data)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert not Customer.objects.for_tenant(actors.tenant_a).exists()


def test_an_address_belongs_to_one_customer_per_tenant(actors):
    CustomerFactory(tenant=actors.tenant_a, emails=["shared@example.test"])
    with pytest.raises(ValidationError, match="already belongs to another customer"):
        CustomerFactory(tenant=actors.tenant_a, emails=["SHARED@example.test"])
    CustomerFactory(tenant=actors.tenant_b, emails=["shared@example.test"])


def test_external_id_is_unique_per_tenant(actors):
    CustomerFactory(tenant=actors.tenant_a, external_id="X-1")
    with pytest.raises(ValidationError):
        CustomerFactory(tenant=actors.tenant_a, external_id="X-1")
    CustomerFactory(tenant=actors.tenant_b, external_id="X-1")
    CustomerFactory(tenant=actors.tenant_a, external_id="")
    CustomerFactory(tenant=actors.tenant_a, external_id="")


def test_update_changes_only_allowed_fields(actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    customer = customer_update(
        actor=None,
        customer=customer,
        changes={"update_cadence": "weekly", "quiet_hours_start": time(21), "quiet_hours_end": time(8)},
    )
    customer.refresh_from_db()
    assert customer.update_cadence == "weekly" and customer.quiet_hours_end == time(8)
    with pytest.raises(ValidationError):
        customer_update(actor=None, customer=customer, changes={"tenant_id": 99})
    event = AuditEvent.objects.for_tenant(actors.tenant_a).get(action="customer.updated")
    assert sorted(event.changes["fields"]) == ["quiet_hours_end", "quiet_hours_start", "update_cadence"]


def test_replacing_contact_points_keeps_the_verification_of_those_that_stay(actors):
    customer = CustomerFactory(tenant=actors.tenant_a, emails=["a@example.test", "b@example.test"])
    contact_point_mark_verified(actor=None, contact_point=customer.contact_points.get(value="b@example.test"))
    customer_set_contact_points(
        actor=None, customer=customer, emails=["b@example.test", "c@example.test"], phones=[]
    )
    points = {p.value: (p.is_primary, p.is_verified) for p in customer.contact_points.all()}
    assert points == {"b@example.test": (True, True), "c@example.test": (False, False)}


def test_consent_changes_are_logged_with_who_and_how(actors):
    customer = CustomerFactory(tenant=actors.tenant_a, consents={})
    consent_set(
        actor=actors.agent_a,
        customer=customer,
        channel="sms",
        granted=True,
        source="agent",
        note="On the phone",
    )
    assert consent_set(actor=None, customer=customer, channel="sms", granted=True, source="api") is None
    consent_set(actor=customer, customer=customer, channel="sms", granted=False, source="sms_keyword")
    history = list(customer_consent_history(customer=customer))
    assert [(e.state, e.source, e.actor_type) for e in history] == [
        ("withdrawn", "sms_keyword", "customer"),
        ("granted", "agent", "user"),
    ]
    assert history[1].recorded_by == actors.agent_a and history[1].note == "On the phone"
    assert customer.consents.get(channel="sms").state == "withdrawn"
    with pytest.raises(ValidationError):
        consent_set(actor=None, customer=customer, channel="fax", granted=True, source="agent")
    with pytest.raises(ValidationError):
        consent_set(actor=None, customer=customer, channel="sms", granted=True, source="rumour")


def test_reachable_channels_follow_preference_consent_and_addresses(actors):
    customer = CustomerFactory(
        tenant=actors.tenant_a,
        emails=["x@example.test"],
        phones=[],
        preferred_channels=["voice", "sms", "email", "portal"],
        consents={"voice": True, "sms": True, "email": True},
    )
    assert customer_reachable_channels(customer=customer) == ["email", "portal"], "no phone number"
    customer_set_contact_points(actor=None, customer=customer, emails=[], phones=["+12025550143"])
    customer = customer_detail(tenant=actors.tenant_a, customer_id=customer.pk)
    assert customer_reachable_channels(customer=customer) == ["voice", "sms", "portal"]


def test_customers_are_found_by_contact_and_search(actors):
    customer = CustomerFactory(tenant=actors.tenant_a, name="Grace Hopper", phones=["+12025550143"])
    assert (
        customer_by_contact(tenant=actors.tenant_a, kind=ContactKind.PHONE, value="+1 202-555-0143")
        == customer
    )
    assert customer_by_contact(tenant=actors.tenant_b, kind=ContactKind.PHONE, value="+12025550143") is None
    assert customer_by_contact(tenant=actors.tenant_a, kind=ContactKind.EMAIL, value="nonsense") is None
    assert list(customer_list(tenant=actors.tenant_a, query="hopp")) == [customer]
    assert list(customer_list(tenant=actors.tenant_a, phone="+1 (202) 555-0143")) == [customer]
    assert list(customer_list(tenant=actors.tenant_a, phone="garbage")) == []
    assert list(customer_list(tenant=actors.tenant_b, query="hopper")) == []
