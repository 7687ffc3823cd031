"""Tenants, the hosts they are served on, staff memberships and API keys."""

import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from apps.tenants.managers import TenantManager

MIN_NOTIFICATION_RETENTION_DAYS = 183  # the procedures require at least six months


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/Berlin).")


MAX_LOGO_BYTES = 512 * 1024
# Raster formats only, recognised by their first bytes: an SVG could carry script.
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}


def logo_extension(file: File) -> str:
    """The file's image type (png, jpg, gif, webp), judged by its content; raises if not one of them."""
    if file.size is not None and file.size > MAX_LOGO_BYTES:
        raise ValidationError(
            f"The logo is {file.size // 1024} KB; the limit is {MAX_LOGO_BYTES // 1024} KB."
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for signature, extension in LOGO_SIGNATURES.items():
        if head.startswith(signature):
            return extension
    raise ValidationError("The logo must be a PNG, JPEG, GIF or WebP image.")


def validate_logo(file: File) -> None:
    logo_extension(file)


class Tenant(models.Model):
    """A company using Tidings. Platform-level table: not itself tenant-owned."""

    slug = models.SlugField(
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", "Lowercase letters, digits and hyphens.")
        ],
    )
    name = models.CharField(max_length=200)
    display_name = models.CharField(
        max_length=200, blank=True, help_text="Shown to customers; defaults to name."
    )
    logo = models.FileField(upload_to="tenant-logos/", blank=True, validators=[validate_logo])
    brand_colour = models.CharField(
        max_length=7,
        default="#2563eb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A hex colour such as #2563eb.")],
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    default_locale = models.CharField(max_length=10, default="en")
    notification_retention_days = models.PositiveIntegerField(
        default=365, validators=[MinValueValidator(MIN_NOTIFICATION_RETENTION_DAYS)]
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notification_retention_days__gte=MIN_NOTIFICATION_RETENTION_DAYS),
                name="tenant_retention_at_least_six_months",
            )
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def public_name(self) -> str:
        return self.display_name or self.name


class Domain(models.Model):
    """Maps a request host to its tenant: `{slug}.{BASE_DOMAIN}` plus any custom domain."""

    host = models.CharField(max_length=253, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domains")
    is_primary = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.host


class TenantOwnedModel(models.Model):
    """Base for every row that belongs to one tenant. Query it through `objects.for_tenant(...)`."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMIN = "admin", "Admin"


class Membership(TenantOwnedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user_per_tenant")
        ]
        indexes = [models.Index(fields=["tenant", "role"], name="membership_tenant_role")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.tenant_id}:{self.role}"

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class ApiScope(models.TextChoices):
    READ = "read", "Read cases, customers, orders, templates"
    WRITE = "write", "Create and change cases, customers, orders"
    EVENTS = "events", "Post events to /api/v1/events/"


class ApiKey(TenantOwnedModel):
    """A per-tenant API key. Only a SHA-256 of the secret is stored; the whole key is shown once."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=16, unique=True, help_text="Public part of the key, used to find it."
    )
    secret_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=20, choices=ApiScope.choices), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "created_at"], name="apikey_tenant_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
