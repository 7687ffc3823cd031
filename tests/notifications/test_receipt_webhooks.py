"""Delivery receipts: Postmark tracking (basic auth) and Twilio status callbacks (X-Twilio-Signature)."""

import pytest
from twilio.request_validator import RequestValidator

from apps.notifications.models import DeliveryReceiptRecord, ReceiptStatus
from tests.conftest import client_for
from tests.notifications.webhook_calls import POSTMARK_CREDENTIALS, TWILIO_TOKEN, postmark_post, twilio_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secrets")]

TRACKING = "/webhooks/email/postmark/tracking/"
STATUS = "/webhooks/twilio/status/"


def post_tracking(tenant, event, credentials: str | None = POSTMARK_CREDENTIALS):
    return postmark_post(tenant, TRACKING, event, credentials)


def receipts(tenant):
    return list(DeliveryReceiptRecord.objects.for_tenant(tenant).order_by("id"))


DELIVERY = {
    "RecordType": "Delivery",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Recipient": "ada@example.test",
    "DeliveredAt": "2026-11-24T10:00:00Z",
    "Details": "Test delivery",
    "Metadata": {"tenant_id": "1"},
}
HARD_BOUNCE = {
    "RecordType": "Bounce",
    "Type": "HardBounce",
    "ID": 4323372036854775807,
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Email": "ada@example.test",
    "BouncedAt": "2026-11-24T10:01:00Z",
}


def test_postmark_delivery_is_recorded_for_the_host_tenant(actors):
    response = post_tracking(actors.tenant_a, DELIVERY)

    assert response.status_code == 200
    [receipt] = receipts(actors.tenant_a)
    assert (receipt.provider, receipt.provider_message_id, receipt.status) == (
        "postmark",
        DELIVERY["MessageID"],
        ReceiptStatus.DELIVERED,
    )
    assert receipt.occurred_at.isoformat() == "2026-11-24T10:00:00+00:00"
    assert receipt.processed_at is None
    assert receipts(actors.tenant_b) == []


def test_postmark_hard_bounce_is_a_bounce_and_soft_bounce_a_failure(actors):
    post_tracking(actors.tenant_a, HARD_BOUNCE)
    post_tracking(actors.tenant_a, {**HARD_BOUNCE, "Type": "SoftBounce", "MessageID": "other"})

    hard, soft = receipts(actors.tenant_a)
    assert (hard.status, hard.error_code) == (ReceiptStatus.BOUNCED, "HardBounce")
    assert (soft.status, soft.error_code) == (ReceiptStatus.FAILED, "SoftBounce")


@pytest.mark.parametrize(
    ("record_type", "bounce_type", "status"),
    [
        ("SpamComplaint", "SpamComplaint", ReceiptStatus.BOUNCED),
        ("Bounce", "BadEmailAddress", ReceiptStatus.BOUNCED),
        ("Bounce", "Blocked", ReceiptStatus.FAILED),
        ("Bounce", "DMARCPolicy", ReceiptStatus.FAILED),
    ],
)
def test_postmark_bounce_suppresses_only_when_the_address_is_to_blame(
    actors, record_type, bounce_type, status
):
    post_tracking(actors.tenant_a, {**HARD_BOUNCE, "RecordType": record_type, "Type": bounce_type})

    [receipt] = receipts(actors.tenant_a)
    assert (receipt.status, receipt.error_code) == (status, bounce_type)


def test_postmark_retry_of_the_same_receipt_is_stored_once(actors):
    post_tracking(actors.tenant_a, DELIVERY)
    response = post_tracking(actors.tenant_a, DELIVERY)

    assert response.status_code == 200
    assert len(receipts(actors.tenant_a)) == 1


def test_postmark_deferral_is_not_an_outcome_yet(actors):
    response = post_tracking(actors.tenant_a, {**HARD_BOUNCE, "Type": "DnsError"})

    assert response.status_code == 200
    assert receipts(actors.tenant_a) == []


def test_postmark_open_event_is_accepted_but_not_a_receipt(actors):
    response = post_tracking(
        actors.tenant_a, {"RecordType": "Open", "MessageID": "x", "Recipient": "ada@example.test"}
    )

    assert response.status_code == 200
    assert receipts(actors.tenant_a) == []


@pytest.mark.parametrize("credentials", [None, "postmark:wrong", "someone:s3cret-hook"])
def test_postmark_webhook_without_the_right_basic_auth_gets_403_and_stores_nothing(actors, credentials):
    response = post_tracking(actors.tenant_a, DELIVERY, credentials=credentials)

    assert response.status_code == 403
    assert receipts(actors.tenant_a) == []


def test_postmark_webhook_refuses_everything_when_no_secret_is_configured(actors, settings):
    settings.ANYMAIL = {key: value for key, value in settings.ANYMAIL.items() if key != "WEBHOOK_SECRET"}

    response = post_tracking(actors.tenant_a, DELIVERY)

    assert response.status_code == 403
    assert receipts(actors.tenant_a) == []


def test_postmark_webhook_with_unreadable_body_is_a_400(actors):
    response = post_tracking(actors.tenant_a, "{not json")

    assert response.status_code == 400


def test_webhooks_answer_only_post(actors):
    assert client_for(actors.tenant_a).get(STATUS).status_code == 405


def test_twilio_delivered_sms_is_recorded(actors):
    response = twilio_post(actors.tenant_a, STATUS, {"MessageSid": "SM123", "MessageStatus": "delivered"})

    assert response.status_code == 204
    [receipt] = receipts(actors.tenant_a)
    assert (receipt.provider, receipt.provider_message_id, receipt.status) == ("twilio", "SM123", "delivered")


@pytest.mark.parametrize(
    ("error_code", "status"),
    [("30005", ReceiptStatus.BOUNCED), ("21610", ReceiptStatus.BOUNCED), ("30003", ReceiptStatus.FAILED)],
)
def test_twilio_undelivered_sms_is_a_bounce_only_when_the_number_is_bad(actors, error_code, status):
    twilio_post(
        actors.tenant_a,
        STATUS,
        {"MessageSid": "SM9", "MessageStatus": "undelivered", "ErrorCode": error_code},
    )

    [receipt] = receipts(actors.tenant_a)
    assert (receipt.status, receipt.error_code) == (status, error_code)


def test_twilio_intermediate_sms_status_is_not_a_receipt(actors):
    response = twilio_post(actors.tenant_a, STATUS, {"MessageSid": "SM1", "MessageStatus": "sent"})

    assert response.status_code == 204
    assert receipts(actors.tenant_a) == []


@pytest.mark.parametrize(("call_status", "status"), [("completed", "delivered"), ("no-answer", "failed")])
def test_twilio_call_outcome_is_recorded_with_its_timestamp(actors, call_status, status):
    twilio_post(
        actors.tenant_a,
        STATUS,
        {"CallSid": "CA1", "CallStatus": call_status, "Timestamp": "Tue, 24 Nov 2026 10:02:03 +0000"},
    )

    [receipt] = receipts(actors.tenant_a)
    assert (receipt.provider_message_id, receipt.status) == ("CA1", status)
    assert receipt.occurred_at.isoformat() == "2026-11-24T10:02:03+00:00"


def test_twilio_callback_without_signature_gets_403_and_stores_nothing(actors):
    response = client_for(actors.tenant_a).post(STATUS, {"MessageSid": "SM1", "MessageStatus": "delivered"})

    assert response.status_code == 403
    assert receipts(actors.tenant_a) == []


def test_twilio_callback_signed_with_another_token_gets_403(actors):
    response = twilio_post(
        actors.tenant_a, STATUS, {"MessageSid": "SM1", "MessageStatus": "delivered"}, token="not-ours"
    )

    assert response.status_code == 403
    assert receipts(actors.tenant_a) == []


def test_twilio_signature_for_another_host_gets_403(actors):
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}

    response = twilio_post(actors.tenant_a, STATUS, params, signed_host="beta.localhost")

    assert response.status_code == 403


def test_tampered_twilio_parameters_get_403(actors):
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(f"http://alpha.localhost{STATUS}", params)

    response = client_for(actors.tenant_a).post(
        STATUS, {**params, "MessageStatus": "undelivered"}, HTTP_X_TWILIO_SIGNATURE=signature
    )

    assert response.status_code == 403
    assert receipts(actors.tenant_a) == []


def test_twilio_callbacks_are_refused_when_no_auth_token_is_configured(actors, settings):
    settings.TWILIO_AUTH_TOKEN = ""

    response = twilio_post(
        actors.tenant_a, STATUS, {"MessageSid": "SM1", "MessageStatus": "delivered"}, token=""
    )

    assert response.status_code == 403
