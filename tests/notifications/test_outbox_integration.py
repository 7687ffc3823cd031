"""End to end with a real Celery worker (prefork, 2 processes), real Redis and the fake providers as
processes: an order event posted to the API ends as a delivered notification, the receipt having
come back through our webhook on the live server."""

from functools import partial
from urllib.parse import urlsplit

import pytest

from apps.customers.services import consent_set
from apps.notifications.outbox.models import Notification, NotificationStatus, Suppression
from tests.conftest import client_for
from tests.factories import bearer, make_api_key
from tests.notifications.integration_fixtures import all_settled
from tests.notifications.outbox_fixtures import make_customer, queued_notifications
from tests.notifications.processes import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
HOOK_CREDENTIALS = "postmark:hook-secret"


def shipped(order_number: str, customer: dict) -> dict:
    return {
        "type": "order.shipped",
        "data": {
            "order_number": order_number,
            "customer": customer,
            "carrier": "DHL",
            "tracking_number": f"JD{order_number}",
            "tracking_url": f"https://track.example/JD{order_number}",
        },
    }


def test_an_order_shipped_event_ends_as_a_delivered_notification(
    outbox_tenant, live_server, fake_processes, clean_broker, celery_processes, settings
):
    esp, twilio = fake_processes
    port = urlsplit(live_server.url).port
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": HOOK_CREDENTIALS}
    settings.TWILIO_AUTH_TOKEN = "fake-twilio-auth-token"  # the status webhook checks Twilio's signature
    esp.configure(
        callbacks=True,
        tracking_url=f"http://{HOOK_CREDENTIALS}@alpha.localhost:{port}/webhooks/email/postmark/tracking/",
    )
    twilio.configure(callbacks=True)
    celery_processes(broker=clean_broker, beat=False, PUBLIC_URL_PORT=str(port))
    _, key = make_api_key(outbox_tenant, scopes=("events",))
    api = client_for(outbox_tenant)
    by_email = {"name": "Ada Lovelace", "email": "ada@example.test"}
    by_sms = {
        "name": "Grace Hopper",
        "phone": "+447911123456",
        "preferred_channels": ["sms"],
        "consents": {"sms": True},
    }

    for number, customer in (("1001", by_email), ("1002", by_sms)):
        response = api.post(
            "/api/v1/events/",
            shipped(number, customer),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"ship-{number}",
            **bearer(key),
        )
        assert response.status_code == 201, response.content

    def delivered():
        rows = Notification.objects.for_tenant(outbox_tenant).filter(trigger="order.shipped")
        return len(rows) == 2 and all(row.status == NotificationStatus.DELIVERED for row in rows) and rows

    email, sms = sorted(
        wait_until(delivered, timeout=45, what="two delivered notifications"), key=lambda r: r.pk
    )
    assert (email.channel, email.provider, email.attempts) == ("email", "postmark", 1)
    assert (sms.channel, sms.provider, sms.to_address) == ("sms", "twilio", "+447911123456")
    [sent_email] = esp.messages()
    assert sent_email["To"].endswith("ada@example.test>") or sent_email["To"] == "ada@example.test"
    assert "JD1001" in sent_email["TextBody"] and sent_email["MessageID"] == email.provider_message_id
    [sent_sms] = twilio.messages()
    assert "JD1002" in sent_sms["Body"] and sent_sms["sid"] == sms.provider_message_id


def test_in_a_real_worker_a_suppressed_address_or_withdrawn_consent_holds_the_message_back(
    outbox_tenant, fake_processes, clean_broker, celery_processes
):
    """Row-level security applies in the worker (unlike in test code): the checks must see the rows."""
    esp, twilio = fake_processes
    ada = make_customer(outbox_tenant, phones=[], preferred_channels=["email", "portal"])
    grace = make_customer(outbox_tenant, name="Grace Hopper", emails=["grace@example.test"])
    [suppressed] = queued_notifications(outbox_tenant, ada, 1)
    [withdrawn] = queued_notifications(outbox_tenant, grace, 1, channel="sms")
    bounced = {"channel": "email", "address": "ada@example.test", "reason": "bounced"}
    Suppression.objects.create(tenant=outbox_tenant, **bounced)
    consent_set(actor=grace, customer=grace, channel="sms", granted=False, source="portal")

    celery_processes(broker=clean_broker, beat=True)
    wait_until(partial(all_settled, outbox_tenant, 4), timeout=45, what="both held back, fallbacks sent")

    rows = Notification.objects.for_tenant(outbox_tenant)
    assert rows.get(pk=suppressed.pk).status == NotificationStatus.SUPPRESSED
    assert rows.get(pk=withdrawn.pk).status == NotificationStatus.CANCELLED
    assert sorted(rows.filter(fallback_of__isnull=False).values_list("channel", "status")) == [
        ("email", NotificationStatus.SENT),
        ("portal", NotificationStatus.DELIVERED),
    ]
    assert twilio.messages() == []
    assert [message["To"] for message in esp.messages()] == ["grace@example.test"]
