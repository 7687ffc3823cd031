"""Applying delivery receipts the webhooks stored (`DeliveryReceiptRecord`) to notifications.

- delivered: sent → delivered (with the provider's time);
- bounced (the address is bad for good): → bounced, the address is suppressed, the fallback is tried;
  a complaint about a message already delivered only suppresses the address;
- failed (not delivered, the address not to blame): → failed and the fallback is tried.

A receipt can overtake the worker that sent its message (the fake providers call back at once):
one whose notification does not show the provider's id yet stays unprocessed and is tried again by
the next run, for `MATCH_WINDOW`; after that it is marked processed unmatched (receipts of messages
that are not notifications, such as portal sign-in codes, end that way).
"""

from datetime import timedelta

from apps.common.clock import now
from apps.notifications.channels.base import DeliveryError
from apps.notifications.models import DeliveryReceiptRecord, ReceiptStatus
from apps.notifications.outbox.fallback import notification_failed, suppression_add
from apps.notifications.outbox.models import Notification, NotificationStatus, SuppressionReason
from apps.notifications.outbox.selectors import records_to_apply
from apps.tenants.context import tenant_context
from apps.tenants.models import Tenant

MATCH_WINDOW = timedelta(minutes=10)
BATCH = 500
ON_THE_WAY = (NotificationStatus.SENDING, NotificationStatus.SENT)


def _delivered(notification: Notification, record: DeliveryReceiptRecord) -> None:
    if notification.status in ON_THE_WAY:
        Notification.objects.for_tenant(notification.tenant_id).filter(pk=notification.pk).update(
            status=NotificationStatus.DELIVERED, delivered_at=record.occurred_at
        )
        notification.status = NotificationStatus.DELIVERED


def _undelivered(notification: Notification, record: DeliveryReceiptRecord) -> None:
    bounced = record.status == ReceiptStatus.BOUNCED
    if bounced and notification.status == NotificationStatus.DELIVERED:
        # Delivered, then a spam complaint: never write there again, but the message did arrive.
        suppression_add(
            tenant_id=notification.tenant_id,
            channel=notification.channel,
            address=notification.to_address,
            reason=SuppressionReason.BOUNCED,
            code=record.error_code,
            notification=notification,
        )
        return
    if notification.status not in ON_THE_WAY:
        return
    status = NotificationStatus.BOUNCED if bounced else NotificationStatus.FAILED
    what = "bounced" if bounced else "could not be delivered"
    error = DeliveryError(
        f"The provider reports the message {what} ({record.error_code or record.status}).",
        permanent=True,
        code=record.error_code or str(record.status),
        bad_address=bounced,
    )
    Notification.objects.for_tenant(notification.tenant_id).filter(pk=notification.pk).update(
        status=status,
        failed_at=record.occurred_at,
        last_error=error.message[:300],
        last_error_code=(error.code or "")[:40],
    )
    notification.status = status
    notification_failed(notification=notification, error=error)


def receipts_apply(*, tenant: Tenant) -> int:
    """Apply a batch of the tenant's unprocessed receipts; returns how many were processed."""
    moment = now()
    with tenant_context(tenant):
        records = records_to_apply(DeliveryReceiptRecord, tenant=tenant, limit=BATCH)
        if not records:
            return 0
        notifications = {
            (notification.provider, notification.provider_message_id): notification
            for notification in Notification.objects.for_tenant(tenant)
            .filter(
                provider__in={record.provider for record in records},
                provider_message_id__in={record.provider_message_id for record in records},
            )
            .select_related("tenant")
            .select_for_update(of=("self",))
        }
        done = []
        for record in records:
            notification = notifications.get((record.provider, record.provider_message_id))
            if notification is None:
                if moment - record.received_at > MATCH_WINDOW:
                    done.append(record.pk)
                continue
            if record.status == ReceiptStatus.DELIVERED:
                _delivered(notification, record)
            else:
                _undelivered(notification, record)
            done.append(record.pk)
        DeliveryReceiptRecord.objects.for_tenant(tenant).filter(pk__in=done).update(processed_at=moment)
    return len(done)
