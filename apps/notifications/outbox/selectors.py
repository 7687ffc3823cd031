"""Reads of the outbox for the staff pages: the notification log, one notification, delivery badges."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from apps.notifications.models import ChannelName
from apps.notifications.outbox.models import (
    UNSUCCESSFUL_STATUSES,
    Notification,
    NotificationAttempt,
    NotificationStatus,
    Suppression,
)
from apps.tenants.models import Tenant


def records_to_apply(model: type, *, tenant: Tenant, limit: int) -> list:
    """Up to `limit` of the tenant's unprocessed webhook records (`DeliveryReceiptRecord`,
    `InboundMessageRecord`), oldest first, locked; records another worker holds are skipped."""
    return list(
        model.objects.for_tenant(tenant)
        .filter(processed_at__isnull=True)
        .order_by("received_at", "id")
        .select_for_update(skip_locked=True)[:limit]
    )


def notification_log(
    *,
    tenant: Tenant,
    status: str = "",
    channel: str = "",
    trigger: str = "",
    created_from: date | None = None,
    created_to: date | None = None,
    customer_id: int | None = None,
) -> QuerySet[Notification]:
    """The tenant's notifications, newest first, filtered; customer and case loaded for the list."""
    rows = Notification.objects.for_tenant(tenant)
    if status:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel=channel)
    if trigger:
        rows = rows.filter(trigger=trigger)
    if created_from:
        rows = rows.filter(created_at__date__gte=created_from)
    if created_to:
        rows = rows.filter(created_at__date__lte=created_to)
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    return (
        rows.select_related("customer", "case")
        .defer("html", "text", "voice_script", "context", "case__search_vector", "case__description")
        .order_by("-created_at", "-id")
    )


def notification_triggers(*, tenant: Tenant) -> list[str]:
    """The triggers the tenant's log holds, for the filter."""
    return sorted(set(Notification.objects.for_tenant(tenant).values_list("trigger", flat=True).distinct()))


def notification_detail(*, tenant: Tenant, notification_id: int) -> Notification | None:
    """One notification with its attempts, the notifications it fell back from and to, and resends.

    None for an unknown id and for another tenant's notification alike.
    """
    attempts = NotificationAttempt.objects.for_tenant(tenant).order_by("number", "id")
    related = (
        Notification.objects.for_tenant(tenant)
        .order_by("id")
        .only("id", "channel", "status", "created_at", "fallback_of_id", "resend_of_id", "tenant_id")
    )
    return (
        Notification.objects.for_tenant(tenant)
        .filter(pk=notification_id)
        .select_related("customer", "case", "order", "template_version__template", "fallback_of", "resend_of")
        .prefetch_related(
            Prefetch("attempts_made", queryset=attempts),
            Prefetch("fallbacks", queryset=related),
            Prefetch("resends", queryset=related),
        )
        .defer("case__search_vector")
        .first()
    )


def notification_can_resend(notification: Notification) -> bool:
    """Whether "send again" can help: it failed, and its address is not on the suppression list."""
    if notification.status not in UNSUCCESSFUL_STATUSES or not notification.to_address:
        return False
    return not (
        Suppression.objects.for_tenant(notification.tenant_id)
        .filter(channel=notification.channel, address=notification.to_address)
        .exists()
    )


@dataclass(frozen=True)
class DeliveryBadge:
    """What the case timeline shows under an outbound message: the latest notification that carries it."""

    notification_id: int
    status: str
    label: str
    channel: str
    detail: str
    fell_back: bool

    @property
    def badge_class(self) -> str:
        return f"badge-{self.status}"

    @property
    def channel_label(self) -> str:
        return ChannelName(self.channel).label


def notification_statuses_for_entries(
    *, tenant: Tenant, entry_ids: Iterable[int]
) -> dict[int, DeliveryBadge]:
    """For timeline entries sent through the outbox: entry id → delivery badge, in one query.

    When a channel failed and a fallback carries the message, the badge shows the fallback (the
    latest notification of the entry) and says it fell back.
    """
    entry_ids = list(entry_ids)
    if not entry_ids:
        return {}
    rows = (
        Notification.objects.for_tenant(tenant)
        .filter(timeline_entry_id__in=entry_ids)
        .order_by("timeline_entry_id", "id")
        .values_list("timeline_entry_id", "pk", "status", "channel", "last_error", "fallback_of_id")
    )
    badges: dict[int, DeliveryBadge] = {}
    for entry_id, pk, status, channel, last_error, fallback_of in rows:
        badges[entry_id] = DeliveryBadge(
            notification_id=pk,
            status=status,
            label=NotificationStatus(status).label,
            channel=channel,
            detail=last_error if status in UNSUCCESSFUL_STATUSES else "",
            fell_back=fallback_of is not None,
        )
    return badges
