"""Reads of the notifications app."""

from django.db.models import QuerySet

from apps.notifications.models import DevOutboxMessage, PortalInboxMessage
from apps.tenants.models import Tenant


def dev_outbox_messages(*, tenant: Tenant, channel: str = "") -> QuerySet[DevOutboxMessage]:
    """The tenant's captured messages, newest first, optionally of one channel."""
    messages = DevOutboxMessage.objects.for_tenant(tenant).order_by("-created_at", "-id")
    return messages.filter(channel=channel) if channel else messages


def dev_outbox_message(*, tenant: Tenant, message_id: int) -> DevOutboxMessage | None:
    """One captured message of the tenant; None when it does not exist *or* belongs to another tenant."""
    return DevOutboxMessage.objects.for_tenant(tenant).filter(pk=message_id).first()


def portal_inbox_messages(*, tenant: Tenant, customer_id: int) -> QuerySet[PortalInboxMessage]:
    """The customer's portal inbox, newest first."""
    return (
        PortalInboxMessage.objects.for_tenant(tenant)
        .filter(customer_id=customer_id)
        .order_by("-created_at", "-id")
    )


def portal_inbox_message(*, tenant: Tenant, customer_id: int, message_id: int) -> PortalInboxMessage | None:
    """One message of the customer's own inbox; None for anyone else's."""
    return portal_inbox_messages(tenant=tenant, customer_id=customer_id).filter(pk=message_id).first()
