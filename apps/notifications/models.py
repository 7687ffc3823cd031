"""Rows the channels and webhooks write before the outbox exists to consume them.

- `DevOutboxMessage`: what the dev outbox channel captured instead of sending (shown at /app/dev-outbox/).
- `PortalInboxMessage`: a message delivered to a customer's portal inbox.
- `DeliveryReceiptRecord` / `InboundMessageRecord`: normalized provider callbacks, stored as they arrive
  and left for the notification pipeline to apply (`processed_at` is set by whoever consumes them).
"""

from django.db import models

from apps.tenants.models import TenantOwnedModel


class ChannelName(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    VOICE = "voice", "Voice call"
    PORTAL = "portal", "Portal inbox"


class DevOutboxMessage(TenantOwnedModel):
    """A message the dev outbox captured. Never sent anywhere."""

    channel = models.CharField(max_length=10, choices=ChannelName.choices)
    to_address = models.CharField(max_length=320)
    subject = models.CharField(max_length=998, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    voice_script = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    reply_token = models.CharField(max_length=64, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    provider_message_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="devoutbox_unique_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="devoutbox_tenant_created")]

    def __str__(self) -> str:
        return f"{self.channel} {self.provider_message_id}"


class PortalInboxMessage(TenantOwnedModel):
    """A message in a customer's portal inbox.

    `customer_id` is a plain integer until the customers app exists; it becomes a foreign key then.
    """

    customer_id = models.BigIntegerField()
    subject = models.CharField(max_length=998, blank=True)
    text = models.TextField()
    idempotency_key = models.CharField(max_length=200, blank=True)
    reply_token = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="portalinbox_unique_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["tenant", "customer_id", "-created_at"], name="portalinbox_customer")]

    def __str__(self) -> str:
        return f"portal message {self.pk} for customer {self.customer_id}"


class ReceiptStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    # The address is bad for good (hard bounce, spam complaint, unreachable number): suppress it.
    BOUNCED = "bounced", "Bounced"
    # Not delivered, but the address is not to blame (soft bounce, carrier filtering, busy line).
    FAILED = "failed", "Failed"


class DeliveryReceiptRecord(TenantOwnedModel):
    """One delivery outcome reported by a provider for a message it accepted from us."""

    provider = models.CharField(max_length=20)
    provider_message_id = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=ReceiptStatus.choices)
    error_code = models.CharField(max_length=40, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Providers retry webhooks; the same outcome for the same message is stored once.
            models.UniqueConstraint(
                fields=["tenant", "provider", "provider_message_id", "status"], name="receipt_unique_outcome"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "provider", "provider_message_id"], name="receipt_message"),
            models.Index(
                fields=["tenant", "received_at"],
                condition=models.Q(processed_at__isnull=True),
                name="receipt_unprocessed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_message_id} {self.status}"


class SmsKeyword(models.TextChoices):
    STOP = "stop", "STOP"
    START = "start", "START"
    HELP = "help", "HELP"


class InboundMessageRecord(TenantOwnedModel):
    """A message a customer sent us (email reply or SMS), normalized, waiting to be threaded."""

    channel = models.CharField(max_length=10, choices=ChannelName.choices)
    provider = models.CharField(max_length=20)
    provider_message_id = models.CharField(max_length=100, blank=True)
    from_address = models.CharField(max_length=320)
    to_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    text = models.TextField(blank=True)
    # Untrusted customer HTML: never render it outside a sandboxed iframe.
    html = models.TextField(blank=True)
    reply_token = models.CharField(max_length=64, blank=True)
    case_reference = models.CharField(max_length=40, blank=True)
    keyword = models.CharField(max_length=10, choices=SmsKeyword.choices, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "provider", "provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="inbound_unique_provider_message",
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "received_at"],
                condition=models.Q(processed_at__isnull=True),
                name="inbound_unprocessed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} inbound {self.provider_message_id or self.pk}"


# The outbox's own tables live in `outbox/models.py`; importing them here registers them with the app.
from apps.notifications.outbox.models import (  # noqa: E402
    Notification,
    NotificationAttempt,
    Suppression,
    TriggerRule,
)

__all__ = [
    "ChannelName",
    "DeliveryReceiptRecord",
    "DevOutboxMessage",
    "InboundMessageRecord",
    "Notification",
    "NotificationAttempt",
    "PortalInboxMessage",
    "ReceiptStatus",
    "SmsKeyword",
    "Suppression",
    "TriggerRule",
]
