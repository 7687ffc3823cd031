"""Customers, how to reach them and what they agreed to, and their orders.

Everything here is tenant-owned. Writes go through `services.py`; these classes hold data and the
invariants the database can enforce.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q

from apps.tenants.managers import TenantManager
from apps.tenants.models import Tenant, TenantOwnedModel, validate_time_zone


class Channel(models.TextChoices):
    """Channels a customer can be notified on, in their order of preference."""

    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    VOICE = "voice", "Voice call"
    PORTAL = "portal", "Portal inbox"


class UpdateCadence(models.TextChoices):
    """How often a customer wants status updates on an open case."""

    EVENTS = "events", "As things happen"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"


def default_channels() -> list[str]:
    return [Channel.EMAIL, Channel.PORTAL]


class Customer(TenantOwnedModel):
    name = models.CharField(max_length=200)
    locale = models.CharField(max_length=10, default="en")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    preferred_channels = ArrayField(
        models.CharField(max_length=10, choices=Channel.choices),
        default=default_channels,
        help_text="Most preferred first. Consent and a usable address decide which are actually used.",
    )
    quiet_hours_start = models.TimeField(null=True, blank=True, help_text="In the customer's time zone.")
    quiet_hours_end = models.TimeField(null=True, blank=True)
    update_cadence = models.CharField(
        max_length=10, choices=UpdateCadence.choices, default=UpdateCadence.EVENTS
    )
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    onboarded_on = models.DateField(null=True, blank=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The customer's id in the order system."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~Q(external_id=""),
                name="customer_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="customer_quiet_hours_both_or_neither",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "created_at", "id"], name="customer_tenant_created"),
            models.Index(fields=["tenant", "name"], name="customer_tenant_name"),
            GinIndex(fields=["tags"], name="customer_tags"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""


class CustomerSearchVector(models.Model):
    """What a customer is found by: name, addresses, phone digits and external id, as text and as a
    full-text vector (GIN-indexed). Maintained by the customer services.

    Deliberately *not* under row-level security, unlike every tenant-owned table: PostgreSQL will
    not use an index for a non-leakproof operator such as tsvector `@@` on a table with RLS (the
    policy must run first), so under RLS every search would scan the whole table. The table holds
    no readable content, only lexemes and ids, and it is only ever joined to the RLS-protected
    `customers_customer`, so it can never bring back another tenant's customer. Queries still go
    through the tenancy guard (`objects.for_tenant`).
    """

    customer = models.OneToOneField(
        Customer, primary_key=True, on_delete=models.CASCADE, related_name="search_vector"
    )
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    document = models.TextField(blank=True)
    vector = models.GeneratedField(
        expression=SearchVector("document", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = TenantManager()

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="customer_search_vector", fastupdate=False)
        ]

    def __str__(self) -> str:
        return f"search vector of customer {self.customer_id}"


class ContactKind(models.TextChoices):
    EMAIL = "email", "Email address"
    PHONE = "phone", "Phone number"


class ContactPoint(TenantOwnedModel):
    """An email address or an E.164 phone number of a customer. Unique within the tenant, so an
    inbound message or a portal sign-in finds exactly one customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    value = models.CharField(
        max_length=254, help_text="Lower-case email, or phone in E.164 (+4915112345678)."
    )
    is_primary = models.BooleanField(default=False)
    is_verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "value"], name="contact_point_unique_per_tenant"
            ),
            models.UniqueConstraint(
                fields=["customer", "kind"],
                condition=Q(is_primary=True),
                name="contact_point_one_primary_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "customer"], name="contact_point_tenant_customer")]
        ordering = ["kind", "-is_primary", "id"]

    def __str__(self) -> str:
        return self.value


class ConsentState(models.TextChoices):
    GRANTED = "granted", "Granted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentSource(models.TextChoices):
    AGENT = "agent", "Recorded by an agent"
    PORTAL = "portal", "Customer, in the portal"
    SMS_KEYWORD = "sms_keyword", "Customer, by SMS keyword (STOP/START)"
    API = "api", "Another system, through the API"


class ChannelConsent(TenantOwnedModel):
    """The current consent for one channel. No row means consent was never given."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=10, choices=ConsentState.choices)
    source = models.CharField(max_length=20, choices=ConsentSource.choices)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "channel"], name="channel_consent_one_per_channel")
        ]
        indexes = [models.Index(fields=["tenant", "customer"], name="consent_tenant_customer")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.state}"

    @property
    def granted(self) -> bool:
        return self.state == ConsentState.GRANTED


class ConsentEvent(TenantOwnedModel):
    """Append-only log of consent changes: who, what, when and through which source."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_events")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=10, choices=ConsentState.choices)
    source = models.CharField(max_length=20, choices=ConsentSource.choices)
    actor_type = models.CharField(max_length=20, help_text="user, customer, api_key or system")
    actor_id = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, help_text="e.g. 'Customer asked on the phone'.")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "customer", "created_at"], name="consent_event_tenant_customer")
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel}:{self.state} via {self.source}"


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed"
    CONFIRMED = "confirmed", "Confirmed"
    PROCESSING = "processing", "Processing"
    DELAYED = "delayed", "Delayed"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class Order(TenantOwnedModel):
    order_number = models.CharField(max_length=64)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    items_summary = models.TextField(blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, e.g. EUR.")
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    expected_delivery = models.DateField(null=True, blank=True)
    delay_reason = models.CharField(max_length=500, blank=True)
    shipping_postcode = models.CharField(max_length=20, blank=True)
    placed_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "order_number"], name="order_unique_number_per_tenant"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | ~Q(currency=""), name="order_total_has_currency"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "customer", "created_at"], name="order_tenant_customer"),
            models.Index(fields=["tenant", "status", "created_at"], name="order_tenant_status"),
            models.Index(fields=["tenant", "created_at", "id"], name="order_tenant_created"),
        ]

    def __str__(self) -> str:
        return self.order_number


class OrderStatusEvent(TenantOwnedModel):
    """One row per status change (and per delay update) of an order, oldest first."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(max_length=12, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=OrderStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    expected_delivery = models.DateField(null=True, blank=True)
    source_event = models.CharField(max_length=40, blank=True, help_text="Intake event type, when from one.")
    actor_type = models.CharField(max_length=20)
    actor_id = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["tenant", "order", "occurred_at"], name="order_event_tenant_order")]
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '∅'} → {self.to_status}"
