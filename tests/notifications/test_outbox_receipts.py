"""Delivery receipts stored by the webhooks move notifications to delivered, bounced or failed."""

from datetime import timedelta

import pytest

from apps.common.clock import now
from apps.notifications.models import DeliveryReceiptRecord, ReceiptStatus
from apps.notifications.outbox.models import Notification, NotificationStatus, Suppression
from apps.notifications.outbox.receipts import receipts_apply
from tests.notifications.outbox_fixtures import make_customer, notifications_of, queued_notifications
from tests.notifications.webhook_calls import postmark_post

pytestmark = pytest.mark.django_db
S = NotificationStatus


def sent_email(tenant, provider_message_id="pm-1", **fields):
    [row] = queued_notifications(
        tenant,
        make_customer(tenant),
        1,
        status=S.SENT,
        provider="postmark",
        provider_message_id=provider_message_id,
        **fields,
    )
    return row


def receipt(tenant, status, provider_message_id="pm-1", error_code="", **fields):
    return DeliveryReceiptRecord.objects.create(
        tenant=tenant,
        provider="postmark",
        provider_message_id=provider_message_id,
        status=status,
        error_code=error_code,
        occurred_at=now(),
        **fields,
    )


def reload(row):
    return Notification.objects.for_tenant(row.tenant_id).get(pk=row.pk)


def test_a_delivery_receipt_marks_the_notification_delivered(shop):
    row = sent_email(shop)
    record = receipt(shop, ReceiptStatus.DELIVERED)

    assert receipts_apply(tenant=shop) == 1

    assert reload(row).status == S.DELIVERED and reload(row).delivered_at == record.occurred_at
    record.refresh_from_db()
    assert record.processed_at is not None


def test_a_bounce_suppresses_the_address_and_tries_the_next_channel(shop):
    row = sent_email(shop)
    receipt(shop, ReceiptStatus.BOUNCED, error_code="HardBounce")

    receipts_apply(tenant=shop)

    assert (reload(row).status, reload(row).last_error_code) == (S.BOUNCED, "HardBounce")
    assert Suppression.objects.for_tenant(shop).get().address == "ada@example.test"
    assert notifications_of(shop, fallback_of=row)[0].channel == "sms"


def test_a_failure_not_caused_by_the_address_tries_the_next_channel_without_suppressing(shop):
    row = sent_email(shop)
    receipt(shop, ReceiptStatus.FAILED, error_code="SoftBounce")

    receipts_apply(tenant=shop)

    assert reload(row).status == S.FAILED
    assert not Suppression.objects.for_tenant(shop).exists()
    assert notifications_of(shop, fallback_of=row)[0].channel == "sms"


def test_a_complaint_after_delivery_only_suppresses(shop):
    row = sent_email(shop)
    Notification.objects.for_tenant(shop).filter(pk=row.pk).update(status=S.DELIVERED)
    receipt(shop, ReceiptStatus.BOUNCED, error_code="SpamComplaint")

    receipts_apply(tenant=shop)

    assert reload(row).status == S.DELIVERED
    assert Suppression.objects.for_tenant(shop).exists()
    assert notifications_of(shop, fallback_of=row) == []


def test_a_receipt_that_overtook_its_send_waits_for_it(shop):
    record = receipt(shop, ReceiptStatus.DELIVERED, provider_message_id="pm-early")

    assert receipts_apply(tenant=shop) == 0  # the worker has not recorded the provider's id yet
    row = sent_email(shop, provider_message_id="pm-early")
    assert receipts_apply(tenant=shop) == 1

    assert reload(row).status == S.DELIVERED
    record.refresh_from_db()
    assert record.processed_at is not None


def test_a_receipt_for_no_notification_is_set_aside_after_a_while(shop, time_machine):
    record = receipt(shop, ReceiptStatus.DELIVERED, provider_message_id="sign-in-code-mail")
    time_machine.move_to(now() + timedelta(minutes=11))

    receipts_apply(tenant=shop)

    record.refresh_from_db()
    assert record.processed_at is not None


def test_the_tracking_webhook_asks_for_the_receipt_to_be_applied_after_commit(
    shop, nudges, webhook_secrets, django_capture_on_commit_callbacks
):
    sent_email(shop, provider_message_id="0a129aee-e1cd-480d-b08d-4f48548ff48d")
    payload = {
        "RecordType": "Delivery",
        "MessageID": "0a129aee-e1cd-480d-b08d-4f48548ff48d",
        "Recipient": "ada@example.test",
        "DeliveredAt": "2030-01-01T10:00:00Z",
        "Details": "Test delivery",
        "Metadata": {},
        "ServerID": 1,
        "MessageStream": "outbound",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = postmark_post(shop, "/webhooks/email/postmark/tracking/", payload)

    assert response.status_code == 200
    assert nudges.records == [{"tenant_id": shop.pk}]
