"""Retention: notification records are deleted after the tenant's `notification_retention_days`.

The procedures require every notification to be kept at least six months; the tenant model refuses
a shorter setting (a check constraint at 183 days) and this purge never goes below it either. Rows go
in chunks, their attempts with them; each chunk is audited with its count.
"""

from datetime import timedelta

from apps.audit.services import audit_record
from apps.common.clock import now
from apps.notifications.outbox.models import Notification
from apps.tenants.context import tenant_context
from apps.tenants.models import MIN_NOTIFICATION_RETENTION_DAYS, Tenant

CHUNK = 2000


def notifications_purge(*, tenant: Tenant) -> int:
    """Delete the tenant's notifications older than its retention period; returns how many.

    Each chunk is deleted and audited in one transaction, so no deletion goes unrecorded.
    """
    days = max(tenant.notification_retention_days, MIN_NOTIFICATION_RETENTION_DAYS)
    cutoff = now() - timedelta(days=days)
    deleted = 0
    while True:
        with tenant_context(tenant):
            expired = Notification.objects.for_tenant(tenant).filter(created_at__lt=cutoff)
            ids = list(expired.order_by("id").values_list("id", flat=True)[:CHUNK])
            if not ids:
                return deleted
            Notification.objects.for_tenant(tenant).filter(pk__in=ids).delete()
            audit_record(
                tenant=tenant,
                actor=None,
                action="notifications.purged",
                target=("tenant", tenant.pk),
                metadata={"deleted": len(ids), "retention_days": days},
            )
            deleted += len(ids)
