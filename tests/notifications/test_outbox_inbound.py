"""Inbound messages stored by the webhooks are threaded into cases; SMS keywords change consent."""

import pytest

from apps.cases.models import Case, CaseStatus, EntryKind, TimelineEntry
from apps.cases.services import case_transition
from apps.customers.models import ChannelConsent, ConsentEvent, ContactPoint
from apps.notifications.models import InboundMessageRecord
from apps.notifications.outbox.inbound import inbound_apply
from apps.notifications.outbox.models import Notification, NotificationStatus, Suppression
from tests.cases.factories import CaseFactory
from tests.notifications.outbox_fixtures import make_customer, notifications_of, queued_notifications
from tests.notifications.webhook_calls import twilio_post

pytestmark = pytest.mark.django_db


def inbound(tenant, channel="email", **fields):
    defaults = {
        "email": {"provider": "postmark", "from_address": "ada@example.test", "to_address": "reply@x.test"},
        "sms": {"provider": "twilio", "from_address": "+447911123456", "to_address": "+15005550006"},
    }[channel]
    return InboundMessageRecord.objects.create(
        tenant=tenant, channel=channel, **{**defaults, "text": "Any news?", **fields}
    )


def messages_in(case):
    return list(
        TimelineEntry.objects.for_tenant(case.tenant_id)
        .filter(case=case, kind=EntryKind.MESSAGE_IN)
        .values_list("body", flat=True)
    )


def cases_of(customer):
    return list(Case.objects.for_tenant(customer.tenant_id).filter(customer=customer).order_by("id"))


def test_a_reply_with_our_reply_token_lands_on_its_case(shop):
    customer = make_customer(shop)
    case = CaseFactory(tenant=shop, customer=customer)
    [sent] = queued_notifications(shop, customer, 1, case=case)
    record = inbound(shop, reply_token=sent.reply_token, from_address="someone-else@example.test")

    assert inbound_apply(tenant=shop) == 1

    assert messages_in(case) == ["Any news?"]
    record.refresh_from_db()
    assert record.processed_at is not None


def test_a_case_reference_in_the_subject_threads_only_for_the_cases_own_customer(shop):
    customer = make_customer(shop)
    case = CaseFactory(tenant=shop, customer=customer)
    stranger = make_customer(shop, name="Eve", emails=["eve@example.test"], phones=[])
    inbound(shop, subject=f"Re: your request [{case.reference}]", text="From Ada")
    inbound(shop, subject=f"Re: [{case.reference}]", text="From Eve", from_address="eve@example.test")

    inbound_apply(tenant=shop)

    assert messages_in(case) == ["From Ada"]
    [eves_case] = cases_of(stranger)
    assert messages_in(eves_case) == ["From Eve"]


def test_a_known_sender_without_token_or_reference_gets_a_new_case(shop):
    customer = make_customer(shop)
    inbound(shop, subject="Where is my parcel?", text="It has been a week.")

    inbound_apply(tenant=shop)

    [case] = cases_of(customer)
    assert (case.subject, case.source_channel) == ("Where is my parcel?", "email")
    assert messages_in(case) == ["It has been a week."]


def test_an_unknown_sender_becomes_a_customer_we_may_answer_by_email(shop):
    inbound(shop, from_address="new.person@example.test", subject="Hello", text="Do you ship to Norway?")

    inbound_apply(tenant=shop)

    point = ContactPoint.objects.for_tenant(shop).get(value="new.person@example.test")
    [case] = cases_of(point.customer)
    assert messages_in(case) == ["Do you ship to Norway?"]
    assert ChannelConsent.objects.for_tenant(shop).get(customer=point.customer).channel == "email"


def test_a_reply_to_a_closed_case_opens_a_follow_up(shop):
    customer = make_customer(shop)
    case = CaseFactory(tenant=shop, customer=customer)
    case_transition(actor=None, case=case, to_status=CaseStatus.RESOLVED)
    case_transition(actor=None, case=case, to_status=CaseStatus.CLOSED)
    inbound(shop, subject=f"Re: [{case.reference}]", text="It broke again.")

    inbound_apply(tenant=shop)

    old, follow_up = cases_of(customer)
    assert messages_in(old) == []
    assert messages_in(follow_up) == ["It broke again."]
    assert case.reference in follow_up.description


def test_an_sms_reply_threads_into_the_open_case_last_texted_to_that_number(shop):
    customer = make_customer(shop)
    case = CaseFactory(tenant=shop, customer=customer)
    queued_notifications(shop, customer, 1, channel="sms", case=case)
    inbound(shop, "sms", text="Thanks, received.")

    inbound_apply(tenant=shop)

    assert messages_in(case) == ["Thanks, received."]


def test_stop_withdraws_sms_consent_suppresses_the_number_and_cancels_waiting_sms(shop):
    customer = make_customer(shop)
    [waiting] = queued_notifications(shop, customer, 1, channel="sms")
    inbound(shop, "sms", text="STOP", keyword="stop")

    inbound_apply(tenant=shop)

    assert not ChannelConsent.objects.for_tenant(shop).get(customer=customer, channel="sms").granted
    event = ConsentEvent.objects.for_tenant(shop).filter(customer=customer, channel="sms").first()
    assert (event.state, event.source) == ("withdrawn", "sms_keyword")
    assert Suppression.objects.for_tenant(shop).get(channel="sms").reason == "unsubscribed"
    assert Notification.objects.for_tenant(shop).get(pk=waiting.pk).status == NotificationStatus.CANCELLED
    assert notifications_of(shop, fallback_of=waiting)[0].channel == "email"
    assert cases_of(customer) == []  # a keyword is not a conversation


def test_start_grants_sms_consent_again_and_lifts_the_stop(shop):
    customer = make_customer(shop)
    inbound(shop, "sms", text="STOP", keyword="stop", provider_message_id="SM1")
    inbound_apply(tenant=shop)
    inbound(shop, "sms", text="START", keyword="start", provider_message_id="SM2")

    inbound_apply(tenant=shop)

    assert ChannelConsent.objects.for_tenant(shop).get(customer=customer, channel="sms").granted
    assert not Suppression.objects.for_tenant(shop).exists()


def test_help_changes_nothing(shop):
    customer = make_customer(shop)
    inbound(shop, "sms", text="HELP", keyword="help")

    inbound_apply(tenant=shop)

    assert ChannelConsent.objects.for_tenant(shop).get(customer=customer, channel="sms").granted
    assert cases_of(customer) == []


def test_the_sms_webhook_records_stop_and_asks_for_it_to_be_applied(
    shop, nudges, webhook_secrets, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = twilio_post(
            shop,
            "/webhooks/twilio/sms/",
            {"MessageSid": "SM42", "From": "+447911123456", "To": "+15005550006", "Body": "Stop"},
        )

    assert response.status_code == 200 and b"unsubscribed" in response.content
    assert nudges.records == [{"tenant_id": shop.pk}]
