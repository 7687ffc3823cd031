"""Rows of the outbox: per-tenant trigger rules, suppressed addresses, notifications and their attempts.

Every table is tenant-owned (row-level security, indexes lead with `tenant_id`). Registered through
`apps/notifications/models.py`, so their app label is `notifications`.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from apps.cases.models import Case, TimelineEntry
from apps.common.clock import now
from apps.customers.models import Customer, Order
from apps.message_templates.models import TemplateVersion
from apps.message_templates.triggers import TRIGGERS
from apps.notifications.models import ChannelName
from apps.tenants.models import TenantOwnedModel


class TriggerRule(TenantOwnedModel):
    """Whether a trigger notifies in this tenant, with which template, over which channels."""

    trigger = models.CharField(max_length=60, help_text="A trigger key such as order.shipped, or reply.")
    enabled = models.BooleanField(default=True)
    template_key = models.CharField(
        max_length=100, blank=True, help_text="The template whose approved version is sent."
    )
    channels = ArrayField(
        models.CharField(max_length=10, choices=ChannelName.choices),
        help_text="Channels this trigger may use; the customer's preference orders them.",
    )
    urgent = models.BooleanField(
        default=False, help_text="Urgent notices ignore the customer's quiet hours (SMS and calls)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "trigger"], name="trigger_rule_unique")]

    def __str__(self) -> str:
        return self.trigger


class SuppressionReason(models.TextChoices):
    BOUNCED = "bounced", "Hard bounce or complaint"
    INVALID = "invalid", "Invalid address"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed (STOP)"
    MANUAL = "manual", "Suppressed by staff"


class Suppression(TenantOwnedModel):
    """An address that must not be used on a channel again (hard bounce, invalid number, STOP)."""

    channel = models.CharField(max_length=10, choices=ChannelName.choices)
    address = models.CharField(max_length=320)
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    code = models.CharField(max_length=40, blank=True, help_text="The provider's error code, if any.")
    notification = models.ForeignKey(
        "Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "channel", "address"], name="suppression_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.reason}"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    BOUNCED = "bounced", "Bounced"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SUPPRESSED = "suppressed", "Suppressed"
    SKIPPED = "skipped", "Not sent"


# Statuses after which nothing more happens to the row (a receipt may still move sent → delivered).
FINAL_STATUSES = (
    NotificationStatus.DELIVERED,
    NotificationStatus.BOUNCED,
    NotificationStatus.FAILED,
    NotificationStatus.CANCELLED,
    NotificationStatus.SUPPRESSED,
    NotificationStatus.SKIPPED,
)
UNSUCCESSFUL_STATUSES = (
    NotificationStatus.BOUNCED,
    NotificationStatus.FAILED,
    NotificationStatus.SUPPRESSED,
    NotificationStatus.SKIPPED,
)


class Notification(TenantOwnedModel):
    """One message to one customer over one channel. Content is frozen when the row is created."""

    trigger = models.CharField(max_length=60)
    event_key = models.CharField(max_length=200, help_text="The event this message is about.")
    # (event, recipient, channel): a replayed event finds its row and creates no second one.
    idempotency_key = models.CharField(max_length=255)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    timeline_entry = models.ForeignKey(
        TimelineEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=ChannelName.choices)
    to_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    voice_script = models.TextField(blank=True)
    template_version = models.ForeignKey(
        TemplateVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locale = models.CharField(max_length=10, blank=True)
    # The template data as rendered (dates already formatted): a fallback renders its channel from it.
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    reply_token = models.CharField(max_length=64, blank=True)
    urgent = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(
        null=True, blank=True, help_text="Held back until then (the customer's quiet hours)."
    )
    next_attempt_at = models.DateTimeField(default=now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    fallback_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallbacks"
    )
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resends"
    )
    created_at = models.DateTimeField(default=now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "idempotency_key"], name="notification_unique_key")
        ]
        indexes = [
            models.Index(fields=["tenant", "created_at", "id"], name="notification_tenant_created"),
            models.Index(fields=["tenant", "status", "created_at"], name="notification_tenant_status"),
            # The claim and the sweep read only rows waiting to be sent: a small partial index.
            models.Index(
                fields=["tenant", "channel", "next_attempt_at"],
                condition=Q(status="queued"),
                name="notification_due",
            ),
            models.Index(
                fields=["tenant", "lease_expires_at"],
                condition=Q(status="sending"),
                name="notification_leased",
            ),
            models.Index(
                fields=["tenant", "provider", "provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="notification_provider_id",
            ),
            models.Index(
                fields=["tenant", "timeline_entry"],
                condition=Q(timeline_entry__isnull=False),
                name="notification_entry",
            ),
            models.Index(fields=["tenant", "case", "created_at"], name="notification_tenant_case"),
            models.Index(fields=["tenant", "customer", "created_at"], name="notification_tenant_cust"),
            models.Index(fields=["tenant", "event_key"], name="notification_tenant_event"),
            models.Index(
                fields=["tenant", "reply_token"],
                condition=~Q(reply_token=""),
                name="notification_reply_token",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trigger} {self.channel} #{self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def trigger_name(self) -> str:
        known = TRIGGERS.get(self.trigger)
        return known.name if known else self.trigger


class AttemptOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted by the provider"
    TRANSIENT = "transient", "Temporary error, retried later"
    PERMANENT = "permanent", "Refused for good"
    LEASE_EXPIRED = "lease_expired", "Worker lost; outcome unknown, sent again"


class NotificationAttempt(TenantOwnedModel):
    """One try to hand a notification to its provider, with a short non-personal summary of the answer."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="attempts_made")
    number = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    provider = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    response = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "notification", "number"], name="notification_attempt_number")
        ]
        ordering = ["number", "id"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.notification_id}: {self.outcome}"
