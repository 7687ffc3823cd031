"""Rows the portal keeps: one-time sign-in codes and customers' data exports."""

import uuid

from django.db import models
from django.db.models import Q

from apps.common.clock import now
from apps.customers.models import ContactPoint, Customer
from apps.tenants.models import TenantOwnedModel


class SignInChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class SignInCode(TenantOwnedModel):
    """A one-time code sent to one of a customer's addresses (and, by email, a sign-in link).

    Neither the code nor the link token is stored: only their HMAC-SHA256 under the secret key
    (`apps.portal.codes`). `address_digest` is the same kind of HMAC of the normalised address that
    was typed, so a code is found from what the customer enters without storing that text again.
    A code is good until `expires_at`, for one use, and for `PORTAL_CODE_MAX_TRIES` wrong guesses.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=SignInChannel.choices)
    address_digest = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    link_hash = models.CharField(max_length=64, blank=True)
    next_path = models.CharField(max_length=300, blank=True, help_text="Where to go after signing in.")
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "address_digest", "created_at"], name="signincode_address"),
            models.Index(fields=["tenant", "link_hash"], condition=~Q(link_hash=""), name="signincode_link"),
        ]

    def __str__(self) -> str:
        return f"sign-in code {self.pk} for customer {self.customer_id}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


def export_path(instance: "DataExport", filename: str) -> str:
    # A random directory: the name of a customer's export cannot be guessed.
    return f"exports/{instance.tenant_id}/{uuid.uuid4().hex}/{filename}"


class DataExport(TenantOwnedModel):
    """A customer's request for a copy of their data, and the ZIP file once it is built."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.FileField(upload_to=export_path, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField(default=now)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "customer", "requested_at"], name="dataexport_customer"),
            models.Index(fields=["tenant", "status", "expires_at"], name="dataexport_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"data export {self.pk} for customer {self.customer_id}"
