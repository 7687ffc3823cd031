"""Channel choice: preference, consent, address, suppression, the rule's channels, quiet hours, urgency."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from apps.customers.selectors import customer_detail
from apps.notifications.outbox.models import Suppression, TriggerRule
from apps.notifications.outbox.routing import customer_routes, quiet_hours_end
from apps.notifications.outbox.services import notification_request
from tests.notifications.outbox_fixtures import make_customer

pytestmark = pytest.mark.django_db

EVERY_CHANNEL = ["email", "sms", "voice", "portal"]
NOON = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
NY = ZoneInfo("America/New_York")


def routes(customer, allowed=EVERY_CHANNEL, moment=NOON, **options):
    loaded = customer_detail(tenant=customer.tenant, customer_id=customer.pk)
    return [
        (r.channel, r.address)
        for r in customer_routes(customer=loaded, allowed=allowed, moment=moment, **options)
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, ["email", "sms", "portal"]),
        ({"preferred_channels": ["sms", "email"]}, ["sms", "email"]),
        ({"consents": {"sms": True}}, ["sms", "portal"]),
        ({"emails": []}, ["sms", "portal"]),
        ({"phones": [], "preferred_channels": ["sms", "voice", "email"]}, ["email"]),
        ({"consents": {}, "preferred_channels": ["email", "sms"]}, []),
    ],
    ids=["preference", "preference-sms-first", "no-email-consent", "no-email-address", "no-phone", "nothing"],
)
def test_channels_follow_preference_minus_consent_and_address(actors, fields, expected):
    customer = make_customer(actors.tenant_a, **fields)

    assert [channel for channel, _ in routes(customer)] == expected


def test_a_suppressed_address_is_skipped(actors):
    customer = make_customer(actors.tenant_a)
    Suppression.objects.create(
        tenant=actors.tenant_a, channel="email", address="ada@example.test", reason="bounced"
    )

    assert routes(customer) == [("sms", "+447911123456"), ("portal", str(customer.pk))]


def test_another_unsuppressed_address_of_the_same_kind_is_used(actors):
    customer = make_customer(actors.tenant_a, emails=["ada@example.test", "ada@work.example"])
    Suppression.objects.create(
        tenant=actors.tenant_a, channel="email", address="ada@example.test", reason="bounced"
    )

    assert routes(customer)[0] == ("email", "ada@work.example")


def test_suppression_is_per_channel(actors):
    customer = make_customer(actors.tenant_a, preferred_channels=["sms", "voice"])
    Suppression.objects.create(
        tenant=actors.tenant_a, channel="sms", address="+447911123456", reason="unsubscribed"
    )

    assert routes(customer) == [("voice", "+447911123456")]


def test_only_channels_the_rule_allows_are_used(actors):
    customer = make_customer(actors.tenant_a)

    assert [channel for channel, _ in routes(customer, allowed=["sms", "portal"])] == ["sms", "portal"]


def test_an_agents_explicit_channel_goes_first(actors):
    customer = make_customer(actors.tenant_a)

    assert [channel for channel, _ in routes(customer, first_choice="sms")] == ["sms", "email", "portal"]


def test_channels_already_tried_are_left_out(actors):
    customer = make_customer(actors.tenant_a)

    assert [channel for channel, _ in routes(customer, exclude=["email"])] == ["sms", "portal"]


@pytest.mark.parametrize(
    ("start", "end", "local_now", "expected_end"),
    [
        (time(21), time(8), datetime(2030, 3, 4, 23, 30, tzinfo=NY), datetime(2030, 3, 5, 8, 0, tzinfo=NY)),
        (time(21), time(8), datetime(2030, 3, 5, 6, 0, tzinfo=NY), datetime(2030, 3, 5, 8, 0, tzinfo=NY)),
        (time(21), time(8), datetime(2030, 3, 5, 12, 0, tzinfo=NY), None),
        (time(12), time(14), datetime(2030, 3, 5, 13, 0, tzinfo=NY), datetime(2030, 3, 5, 14, 0, tzinfo=NY)),
        (time(12), time(14), datetime(2030, 3, 5, 14, 0, tzinfo=NY), None),
    ],
)
def test_quiet_hours_end_in_the_customers_time_zone(actors, start, end, local_now, expected_end):
    customer = make_customer(
        actors.tenant_a, time_zone="America/New_York", quiet_hours_start=start, quiet_hours_end=end
    )
    result = quiet_hours_end(customer=customer, moment=local_now.astimezone(UTC))

    assert result == expected_end


def test_sms_in_quiet_hours_is_held_until_they_end_but_email_is_not(actors):
    customer = make_customer(
        actors.tenant_a, time_zone="Europe/Berlin", quiet_hours_start=time(22), quiet_hours_end=time(7)
    )
    loaded = customer_detail(tenant=actors.tenant_a, customer_id=customer.pk)
    night = datetime(2030, 3, 4, 22, 30, tzinfo=UTC)  # 23:30 in Berlin

    held = {
        r.channel: r.not_before for r in customer_routes(customer=loaded, allowed=EVERY_CHANNEL, moment=night)
    }

    assert held["email"] is None and held["portal"] is None
    assert held["sms"] == datetime(2030, 3, 5, 6, 0, tzinfo=UTC)  # 07:00 in Berlin


def test_urgent_sms_is_not_held_back(actors):
    customer = make_customer(actors.tenant_a, quiet_hours_start=time(0), quiet_hours_end=time(23, 59))
    loaded = customer_detail(tenant=actors.tenant_a, customer_id=customer.pk)

    [sms] = customer_routes(customer=loaded, allowed=["sms"], moment=NOON, urgent=True)

    assert sms.not_before is None


def test_a_quiet_hours_notification_waits_and_is_not_dispatched_now(
    shop, nudges, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime(2030, 3, 4, 23, 0, tzinfo=UTC), tick=False)
    customer = make_customer(
        shop, preferred_channels=["sms"], time_zone="UTC", quiet_hours_start=time(22), quiet_hours_end=time(7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        held = notification_request(tenant=shop, trigger="customer.welcome", customer=customer, event_key="w")

    assert (held.channel, held.status) == ("sms", "queued")
    assert held.not_before == held.next_attempt_at == datetime(2030, 3, 5, 7, 0, tzinfo=UTC)
    assert nudges.dispatch == []


def test_an_urgent_rule_sends_sms_during_quiet_hours(shop, time_machine):
    time_machine.move_to(datetime(2030, 3, 4, 23, 0, tzinfo=UTC), tick=False)
    TriggerRule.objects.for_tenant(shop).filter(trigger="customer.welcome").update(urgent=True)
    customer = make_customer(
        shop, preferred_channels=["sms"], time_zone="UTC", quiet_hours_start=time(22), quiet_hours_end=time(7)
    )

    sent = notification_request(tenant=shop, trigger="customer.welcome", customer=customer, event_key="w")

    assert (sent.channel, sent.not_before, sent.urgent) == ("sms", None, True)
