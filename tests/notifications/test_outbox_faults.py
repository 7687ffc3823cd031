"""Fault tests with a real Celery worker and beat: nothing is lost when the worker is killed or Redis
restarts, a provider failing 30% of requests gets everything eventually, permanent failures fall back.

Counting happens at the fake provider (every message it accepted, duplicates included) and in the
database (no notification left queued or sending).
"""

import collections
import time
from functools import partial

import pytest

from apps.customers.selectors import customer_detail
from apps.notifications.outbox import dispatch
from apps.notifications.outbox.models import Notification, NotificationStatus, Suppression
from apps.notifications.outbox.services import notification_request
from tests.notifications.integration_fixtures import all_settled, statuses
from tests.notifications.outbox_fixtures import make_customer, queued_notifications
from tests.notifications.processes import RedisProcess, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
S = NotificationStatus
BATCH = 2000


def bodies_at(fake) -> collections.Counter:
    return collections.Counter(message.get("Body") or message.get("Subject") for message in fake.messages())


def test_killing_the_worker_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(
    outbox_tenant, fake_processes, clean_broker, celery_processes
):
    _, twilio = fake_processes
    rows = queued_notifications(outbox_tenant, make_customer(outbox_tenant), BATCH, channel="sms")
    _, worker = celery_processes(broker=clean_broker)
    wait_until(lambda: len(twilio.messages()) >= 300, timeout=60, what="300 SMS at the fake")

    worker.kill()  # kill -9, pool processes included
    celery_processes(broker=clean_broker, beat=False, name="worker2")
    wait_until(partial(all_settled, outbox_tenant, BATCH), timeout=100, interval=0.5, what="every SMS sent")

    seen = bodies_at(twilio)
    assert set(seen) == {row.text for row in rows}  # none lost
    repeated = sum(count - 1 for count in seen.values())
    assert repeated <= 2 * dispatch.BATCH_SIZE["sms"]  # at most the batches the two pool processes held
    assert statuses(outbox_tenant) == {S.SENT: BATCH}


def test_a_redis_restart_mid_batch_loses_nothing(
    outbox_tenant, fake_processes, process_logs, celery_processes
):
    """Redis (broker and pending flags) goes away and comes back empty. A worker holding unacked tasks
    may exit on the lost connection (kombu fails restoring them to a dead Redis); like
    docker-compose's `restart: unless-stopped`, the test starts it again if so."""
    _, twilio = fake_processes
    redis = RedisProcess(log_dir=process_logs).start()
    try:
        rows = queued_notifications(outbox_tenant, make_customer(outbox_tenant), BATCH, channel="sms")
        _, worker = celery_processes(broker=redis.url)
        wait_until(lambda: len(twilio.messages()) >= 300, timeout=60, what="300 SMS at the fake")

        redis.stop()  # everything in it is gone: queued tasks, unacked tasks, pending flags
        time.sleep(2)
        redis = RedisProcess(log_dir=process_logs, port=redis.port).start()
        workers = [worker]

        def settled_under_supervision() -> bool:
            if workers[-1].popen.poll() is not None:  # the supervisor's restart
                workers.append(
                    celery_processes(broker=redis.url, beat=False, name=f"worker{len(workers)}")[1]
                )
            return all_settled(outbox_tenant, BATCH)

        wait_until(settled_under_supervision, timeout=100, interval=0.5, what="every SMS sent")
    finally:
        redis.stop()

    assert set(bodies_at(twilio)) == {row.text for row in rows}
    assert statuses(outbox_tenant) == {S.SENT: BATCH}


def test_a_provider_failing_30_percent_of_requests_gets_everything_eventually(
    outbox_tenant, fake_processes, clean_broker, celery_processes
):
    esp, twilio = fake_processes
    customer = make_customer(outbox_tenant)
    emails = queued_notifications(outbox_tenant, customer, 700)
    texts = queued_notifications(outbox_tenant, customer, 300, channel="sms")
    for fake in (esp, twilio):  # 500, 429, and timeouts: hangs longer than the client's 1 s timeout
        fake.configure(fail_rate=0.3, hang_seconds=1.5)

    celery_processes(broker=clean_broker)
    wait_until(partial(all_settled, outbox_tenant, 1000), timeout=110, interval=0.5, what="everything sent")

    assert statuses(outbox_tenant) == {S.SENT: 1000}
    assert set(bodies_at(esp)) == {row.subject for row in emails}
    assert set(bodies_at(twilio)) == {row.text for row in texts}
    retried = Notification.objects.for_tenant(outbox_tenant).filter(attempts__gt=1).count()
    assert retried > 0


def test_permanent_failures_suppress_the_address_and_the_next_channel_delivers(
    outbox_tenant, fake_processes, clean_broker, celery_processes
):
    esp, twilio = fake_processes
    bouncing, invalid = [], []
    for index in range(20):
        email, phone = f"bounce{index}@example.test", f"+4479111{index:05d}"
        customer = make_customer(outbox_tenant, name=f"Customer {index}", emails=[email], phones=[phone])
        bouncing.append(customer)
    for index in range(20, 30):
        email, phone = f"ok{index}@example.test", f"+4479111{index:05d}"
        customer = make_customer(
            outbox_tenant,
            name=f"Customer {index}",
            emails=[email],
            phones=[phone],
            preferred_channels=["sms", "email"],
        )
        invalid.append(customer)
    esp.configure(hard_bounce={c.contact_points.get(kind="email").value for c in bouncing})
    twilio.configure(invalid_numbers={c.contact_points.get(kind="phone").value for c in invalid})
    for customer in bouncing + invalid:
        notification_request(
            tenant=outbox_tenant,
            trigger="customer.welcome",
            customer=customer_detail(tenant=outbox_tenant, customer_id=customer.pk),
            event_key=f"welcome:{customer.pk}",
        )

    celery_processes(broker=clean_broker)
    wait_until(partial(all_settled, outbox_tenant, 60), timeout=60, interval=0.5, what="tries and fallbacks")

    rows = Notification.objects.for_tenant(outbox_tenant)
    assert rows.filter(fallback_of__isnull=True, status=S.FAILED).count() == 30
    assert sorted(rows.filter(fallback_of__isnull=False).values_list("channel", "status")) == (
        [("email", S.SENT)] * 10 + [("sms", S.SENT)] * 20
    )
    assert Suppression.objects.for_tenant(outbox_tenant).count() == 30
    assert len(twilio.messages()) == 20 and len(esp.messages()) == 10
