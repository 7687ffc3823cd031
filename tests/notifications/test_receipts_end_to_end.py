"""Send through a real channel, let the fake provider call back, and find the receipt stored by our webhook.

The live server answers on http://alpha.localhost:<port>/; the fakes connect to 127.0.0.1 with that Host.
"""

import time
from urllib.parse import urlsplit

import pytest

from apps.notifications.channels.registry import channel_for
from apps.notifications.models import DeliveryReceiptRecord, ReceiptStatus
from tests.notifications.factories import outbound

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_receipt(tenant, provider_message_id: str) -> DeliveryReceiptRecord:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        receipt = (
            DeliveryReceiptRecord.objects.for_tenant(tenant)
            .filter(provider_message_id=provider_message_id)
            .first()
        )
        if receipt is not None:
            return receipt
        time.sleep(0.05)
    raise AssertionError(f"no receipt for {provider_message_id}")


def test_sms_receipt_travels_back_signed_through_the_status_webhook(
    actors, live_server, fake_twilio, settings
):
    settings.PUBLIC_URL_PORT = str(urlsplit(live_server.url).port)
    fake_twilio.configure(callbacks=True, callback_connect_host="127.0.0.1")

    sent = channel_for("sms").send(outbound(actors.tenant_a.pk, "sms"))

    receipt = wait_for_receipt(actors.tenant_a, sent.provider_message_id)
    assert (receipt.provider, receipt.status) == ("twilio", ReceiptStatus.DELIVERED)


def test_email_bounce_travels_back_through_the_basic_auth_tracking_webhook(
    actors, live_server, fake_esp, settings
):
    port = urlsplit(live_server.url).port
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "postmark:s3cret-hook"}
    fake_esp.configure(
        callbacks=True,
        callback_connect_host="127.0.0.1",
        tracking_url=f"http://postmark:s3cret-hook@alpha.localhost:{port}/webhooks/email/postmark/tracking/",
        bounce_later={"ada@example.test"},
    )

    sent = channel_for("email").send(outbound(actors.tenant_a.pk))

    receipt = wait_for_receipt(actors.tenant_a, sent.provider_message_id)
    assert (receipt.provider, receipt.status, receipt.error_code) == (
        "postmark",
        ReceiptStatus.BOUNCED,
        "HardBounce",
    )
