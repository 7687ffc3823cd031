"""Writes of the notifications app that exist before the outbox: captures, portal inbox, callbacks.

Receipts and inbound messages are only *stored* here, idempotently (providers retry their
webhooks); applying them to notifications, consent and cases is the pipeline's job, which marks
them `processed_at`.
"""

import uuid
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction

from apps.audit.services import audit_record
from apps.common.clock import now
from apps.notifications.models import (
    DeliveryReceiptRecord,
    DevOutboxMessage,
    InboundMessageRecord,
    PortalInboxMessage,
)
from apps.notifications.outbox.enqueue import records_soon
from apps.notifications.records import DeliveryReceipt, InboundMessage
from apps.tenants.models import Tenant

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.notifications.channels.base import OutboundMessage


def _store_once(model, *, tenant_id: int, unique: dict, fields: dict):
    """Create the row, or return the one already stored under the same unique key (a replay)."""
    if all(unique.values()):
        row, _created = model.objects.for_tenant(tenant_id).get_or_create(
            tenant_id=tenant_id, **unique, defaults=fields
        )
        return row
    return model.objects.create(tenant_id=tenant_id, **unique, **fields)


def dev_outbox_capture(*, message: "OutboundMessage") -> DevOutboxMessage:
    """Keep `message` for the dev outbox page instead of sending it. A replay returns the first capture."""
    return _store_once(
        DevOutboxMessage,
        tenant_id=message.tenant_id,
        unique={"idempotency_key": message.idempotency_key},
        fields={
            "channel": message.channel,
            "to_address": message.to,
            "subject": message.subject,
            "text": message.text,
            "html": message.html,
            "voice_script": message.voice_script,
            "reply_token": message.reply_token,
            "metadata": dict(message.metadata),
            "provider_message_id": f"dev-{uuid.uuid4().hex}",
        },
    )


@transaction.atomic
def dev_outbox_clear(*, tenant: Tenant, actor: "User") -> int:
    """Delete every captured message of the tenant; returns how many."""
    deleted, _ = DevOutboxMessage.objects.for_tenant(tenant).delete()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="dev_outbox.cleared",
        target=("dev_outbox", tenant.pk),
        metadata={"deleted": deleted},
    )
    return deleted


def portal_inbox_deliver(*, message: "OutboundMessage", customer_id: int) -> PortalInboxMessage:
    """Put `message` in the customer's portal inbox. A replay returns the first delivery."""
    return _store_once(
        PortalInboxMessage,
        tenant_id=message.tenant_id,
        unique={"idempotency_key": message.idempotency_key},
        fields={
            "customer_id": customer_id,
            "subject": message.subject,
            "text": message.text,
            "reply_token": message.reply_token,
        },
    )


def delivery_receipt_record(*, tenant: Tenant, receipt: DeliveryReceipt) -> DeliveryReceiptRecord:
    """Store a provider's delivery outcome for the pipeline to apply. Retried webhooks store it once."""
    transaction.on_commit(partial(records_soon, tenant.pk))  # the outbox applies it right after commit
    return _store_once(
        DeliveryReceiptRecord,
        tenant_id=tenant.pk,
        unique={
            "provider": receipt.provider,
            "provider_message_id": receipt.provider_message_id,
            "status": receipt.status,
        },
        fields={"error_code": receipt.error_code[:40], "occurred_at": receipt.occurred_at},
    )


def inbound_message_record(*, tenant: Tenant, message: InboundMessage) -> InboundMessageRecord:
    """Store a customer's email reply or SMS for the pipeline to thread. Retried webhooks store it once."""
    transaction.on_commit(partial(records_soon, tenant.pk))  # the outbox threads it right after commit
    return _store_once(
        InboundMessageRecord,
        tenant_id=tenant.pk,
        unique={"provider": message.provider, "provider_message_id": message.provider_message_id},
        fields={
            "channel": message.channel,
            "from_address": message.from_address[:320],
            "to_address": message.to_address[:320],
            "subject": message.subject[:998],
            "text": message.text,
            "html": message.html,
            "reply_token": message.reply_token,
            "case_reference": message.case_reference,
            "keyword": message.keyword or "",
        },
    )


def portal_inbox_mark_read(*, message: PortalInboxMessage) -> PortalInboxMessage:
    """Record that the customer opened the message (the first time only)."""
    if message.read_at is None:
        message.read_at = now()
        PortalInboxMessage.objects.for_tenant(message.tenant_id).filter(
            pk=message.pk, read_at__isnull=True
        ).update(read_at=message.read_at)
    return message
