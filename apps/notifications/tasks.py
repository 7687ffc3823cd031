"""Celery tasks of the notification pipeline: thin, each loads its tenant and calls the outbox.

All run with `acks_late` (the settings' default, repeated here because losing these would cost a
sweep's delay): a task killed mid-run is delivered again, and every task is safe to run twice
because the database decides what is due (claims, `processed_at`).
"""

import logging

from celery import shared_task

from apps.notifications.outbox.dispatch import dispatch_batch
from apps.notifications.outbox.enqueue import dispatch_flag_clear, records_flag_clear
from apps.notifications.outbox.inbound import BATCH as INBOUND_BATCH
from apps.notifications.outbox.inbound import inbound_apply
from apps.notifications.outbox.receipts import BATCH as RECEIPT_BATCH
from apps.notifications.outbox.receipts import receipts_apply
from apps.notifications.outbox.retention import notifications_purge
from apps.notifications.outbox.sweep import sweep as outbox_sweep
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)
# Retries are nudged this soon at most; later ones are found by the sweep.
MAX_NUDGE_SECONDS = 60
# Batches of callbacks one task applies before leaving the rest to the next task.
MAX_RECORD_BATCHES = 20


def _tenant(tenant_id: int) -> Tenant | None:
    return Tenant.objects.filter(pk=tenant_id, is_active=True).first()


@shared_task(acks_late=True, ignore_result=True)
def dispatch_notifications(*, tenant_id: int, channel: str) -> int:
    """Send one batch of the tenant's due notifications on `channel`; returns how many were sent."""
    tenant = _tenant(tenant_id)
    if tenant is None:
        return 0
    dispatch_flag_clear(tenant_id, channel)  # before the claim: later commits must enqueue again
    report = dispatch_batch(tenant=tenant, channel=channel)
    if report.retry_in is not None and report.retry_in <= MAX_NUDGE_SECONDS:
        try:
            dispatch_notifications.apply_async(
                kwargs={"tenant_id": tenant_id, "channel": channel}, countdown=report.retry_in, retry=False
            )
        except Exception:  # the sweep finds the retries when they are due
            logger.warning("Could not schedule the retry of tenant %s %s", tenant_id, channel)
    return report.sent


@shared_task(acks_late=True, ignore_result=True)
def process_records(*, tenant_id: int) -> None:
    """Apply the tenant's stored delivery receipts and inbound messages, a few batches at a time."""
    tenant = _tenant(tenant_id)
    if tenant is None:
        return
    records_flag_clear(tenant_id)
    for _ in range(MAX_RECORD_BATCHES):
        receipts = receipts_apply(tenant=tenant)
        inbound = inbound_apply(tenant=tenant)
        if receipts < RECEIPT_BATCH and inbound < INBOUND_BATCH:
            return


@shared_task(acks_late=True, ignore_result=True)
def sweep() -> None:
    outbox_sweep()


@shared_task(acks_late=True, ignore_result=True)
def purge_expired() -> int:
    """Delete notifications past each tenant's retention period."""
    return sum(notifications_purge(tenant=tenant) for tenant in Tenant.objects.filter(is_active=True))
