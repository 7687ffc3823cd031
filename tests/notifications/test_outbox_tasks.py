"""The Celery tasks of the outbox, called directly: thin wrappers that keep the pending-flag protocol."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from apps.common.clock import now
from apps.notifications import tasks
from apps.notifications.models import DeliveryReceiptRecord, InboundMessageRecord
from apps.notifications.outbox.enqueue import _flags, dispatch_soon
from apps.notifications.outbox.models import Notification, NotificationStatus
from tests.notifications.outbox_fixtures import make_customer, queued_notifications

pytestmark = pytest.mark.django_db


def flag_set(tenant, channel: str) -> bool:
    key = f"tidings:outbox:{connection.settings_dict['NAME']}:dispatch:{tenant.pk}:{channel}"
    return bool(_flags(settings.REDIS_URL).exists(key))


def test_dispatch_soon_sends_one_task_until_the_task_clears_the_flag(shop, nudges, fake_esp):
    queued_notifications(shop, make_customer(shop), 2)

    assert dispatch_soon(shop.pk, "email") is True
    assert dispatch_soon(shop.pk, "email") is False  # one is on its way
    assert flag_set(shop, "email")

    assert tasks.dispatch_notifications(tenant_id=shop.pk, channel="email") == 2

    assert not flag_set(shop, "email")
    assert dispatch_soon(shop.pk, "email") is True
    assert nudges.channels() == ["email", "email"]


def test_a_transient_failure_schedules_a_retry_nudge(shop, nudges, fake_esp, settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 2
    queued_notifications(shop, make_customer(shop), 1)
    fake_esp.configure(fail_next=["503"])

    assert tasks.dispatch_notifications(tenant_id=shop.pk, channel="email") == 0

    assert nudges.channels() == ["email"]


def test_a_task_for_a_tenant_that_is_gone_does_nothing(nudges):
    assert tasks.dispatch_notifications(tenant_id=987654, channel="email") == 0


def test_process_records_applies_receipts_and_inbound_messages(shop, nudges):
    sent = {"status": NotificationStatus.SENT, "provider": "postmark", "provider_message_id": "m1"}
    [row] = queued_notifications(shop, make_customer(shop), 1, **sent)
    DeliveryReceiptRecord.objects.create(
        tenant=shop, provider="postmark", provider_message_id="m1", status="delivered", occurred_at=now()
    )
    InboundMessageRecord.objects.create(
        tenant=shop, channel="email", provider="postmark", from_address="ada@example.test", text="Hello?"
    )

    tasks.process_records(tenant_id=shop.pk)

    assert Notification.objects.for_tenant(shop).get(pk=row.pk).status == NotificationStatus.DELIVERED
    assert not InboundMessageRecord.objects.for_tenant(shop).filter(processed_at__isnull=True).exists()


def test_the_sweep_and_the_purge_run_as_tasks(shop, nudges):
    queued_notifications(shop, make_customer(shop), 1, created_at=now() - timedelta(days=400))

    tasks.sweep()
    assert tasks.purge_expired() == 1

    assert nudges.channels() == ["email"]
    assert not Notification.objects.for_tenant(shop).exists()
