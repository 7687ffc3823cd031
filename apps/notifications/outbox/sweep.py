"""The beat sweep: the database is the outbox, Celery messages are only hints.

Every `NOTIFY_SWEEP_SECONDS` it

1. puts rows whose lease ran out (their worker was killed mid-batch) back in the queue, counting the
   lost try as an attempt, so a message that kills its worker cannot loop forever;
2. nudges a dispatch for every (tenant, channel) with due queued rows: through the pending flag for
   rows that just became due (quiet hours over, retry time reached), and forced for rows that have
   been due longer than `NOTIFY_SWEEP_GRACE_SECONDS` (their task was lost with a Redis restart or a
   dead worker's prefetch);
3. nudges the processing of provider receipts and inbound messages nobody applied yet.

It reads and updates across tenants under `system_context()`; per-tenant work happens in the tasks.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from apps.common.clock import now
from apps.notifications.channels.base import DeliveryError
from apps.notifications.models import DeliveryReceiptRecord, InboundMessageRecord
from apps.notifications.outbox.backoff import attempts_exhausted
from apps.notifications.outbox.enqueue import dispatch_soon, records_soon
from apps.notifications.outbox.fallback import notification_failed
from apps.notifications.outbox.models import (
    AttemptOutcome,
    Notification,
    NotificationAttempt,
    NotificationStatus,
)
from apps.tenants.context import system_context, tenant_context
from apps.tenants.models import Tenant

LEASE_LOST = "The worker sending this stopped before recording the outcome; it is sent again."
RELEASE_SQL = """
UPDATE notifications_notification
SET status = 'queued', lease_expires_at = NULL, next_attempt_at = %s, attempts = attempts + 1,
    last_error = %s, last_error_code = 'lease_expired'
WHERE status = 'sending' AND lease_expires_at < %s
RETURNING id, tenant_id, attempts, lease_expires_at
"""


@dataclass(frozen=True)
class SweepReport:
    released: int
    nudged: int
    record_tenants: int


def _release_expired_leases(moment: datetime) -> list[tuple[int, int, int]]:
    """(id, tenant id, attempts) of the rows put back in the queue, with an attempt row each."""
    with system_context(), connection.cursor() as cursor:
        cursor.execute(RELEASE_SQL, [moment, LEASE_LOST, moment])
        released = [(pk, tenant_id, attempts) for pk, tenant_id, attempts, _lease in cursor.fetchall()]
        NotificationAttempt.objects.bulk_create(
            NotificationAttempt(
                tenant_id=tenant_id,
                notification_id=pk,
                number=attempts,
                outcome=AttemptOutcome.LEASE_EXPIRED,
                error_code="lease_expired",
                detail=LEASE_LOST,
                started_at=moment,
            )
            for pk, tenant_id, attempts in released
        )
    return released


def _fail_exhausted(released: list[tuple[int, int, int]]) -> None:
    """Rows that lost their worker once too often fail (with fallback) instead of going round again."""
    for pk, tenant_id, attempts in released:
        if not attempts_exhausted(attempts):
            continue
        tenant = Tenant.objects.get(pk=tenant_id)
        with tenant_context(tenant):
            updated = (
                Notification.objects.for_tenant(tenant)
                .filter(pk=pk, status=NotificationStatus.QUEUED)
                .update(status=NotificationStatus.FAILED, failed_at=now())
            )
            if updated:
                notification = Notification.objects.for_tenant(tenant).get(pk=pk)
                error = DeliveryError(f"Gave up after {attempts} attempts.", True, "attempts_exhausted")
                notification_failed(notification=notification, error=error)


def _due_groups(before: datetime) -> set[tuple[int, str]]:
    return set(
        Notification.objects.across_tenants()  # the platform sweep: every tenant's due rows
        .filter(status=NotificationStatus.QUEUED, next_attempt_at__lte=before)
        .values_list("tenant_id", "channel")
        .distinct()
    )


def _tenants_with_records(before: datetime) -> set[int]:
    tenants = set()
    for model in (DeliveryReceiptRecord, InboundMessageRecord):
        tenants |= set(
            model.objects.across_tenants()  # the platform sweep: every tenant's unprocessed callbacks
            .filter(processed_at__isnull=True, received_at__lte=before)
            .values_list("tenant_id", flat=True)
            .distinct()
        )
    return tenants


def sweep() -> SweepReport:
    moment = now()
    grace = timedelta(seconds=settings.NOTIFY_SWEEP_GRACE_SECONDS)
    released = _release_expired_leases(moment)
    _fail_exhausted(released)
    with system_context():
        due = _due_groups(moment)
        stale = _due_groups(moment - grace)
        record_tenants = _tenants_with_records(moment - timedelta(seconds=1))
    for tenant_id, channel in sorted(due):
        dispatch_soon(tenant_id, channel, force=(tenant_id, channel) in stale)
    for tenant_id in sorted(record_tenants):
        records_soon(tenant_id)
    return SweepReport(len(released), len(due), len(record_tenants))
