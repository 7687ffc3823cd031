"""Cases, their timeline, teams, and the rows event intake keeps.

State changes go through `services.py` (one function per use case); the legal status moves are the
table `CASE_TRANSITIONS` in `apps/cases/transitions.py`. Indexes all lead with `tenant_id`: every
query is per tenant, and a later distribution by tenant (Citus) needs that shape.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from apps.common.clock import now
from apps.customers.models import Customer, Order
from apps.tenants.managers import TenantManager
from apps.tenants.models import ApiKey, Tenant, TenantOwnedModel


class Team(TenantOwnedModel):
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="team_unique_name_per_tenant")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(TenantOwnedModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique")]
        indexes = [models.Index(fields=["tenant", "user"], name="team_membership_tenant_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"


class CaseCounter(TenantOwnedModel):
    """The last case number handed out in a tenant. Incremented by one UPDATE … RETURNING."""

    last_number = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="case_counter_one_per_tenant")]


class CaseKind(models.TextChoices):
    INQUIRY = "inquiry", "Inquiry"
    COMPLAINT = "complaint", "Complaint"
    SERVICE_REQUEST = "service_request", "Service request"
    FEEDBACK_FOLLOWUP = "feedback_followup", "Feedback follow-up"


class SourceChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    PHONE = "phone", "Phone"
    PORTAL = "portal", "Portal"
    CHAT = "chat", "Chat"
    API = "api", "API"
    AGENT = "agent", "Agent"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


PRIORITY_RANK = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4}


class CaseStatus(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    PENDING_CUSTOMER = "pending_customer", "Pending customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


OPEN_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.ACKNOWLEDGED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.PENDING_CUSTOMER,
    CaseStatus.REOPENED,
)
OPEN = Q(status__in=[str(status) for status in OPEN_STATUSES])


class Case(TenantOwnedModel):
    number = models.PositiveIntegerField(editable=False)
    reference = models.CharField(
        max_length=60, editable=False, help_text="e.g. ACME-1042; unique per tenant."
    )
    kind = models.CharField(max_length=20, choices=CaseKind.choices, default=CaseKind.INQUIRY)
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source_channel = models.CharField(
        max_length=10, choices=SourceChannel.choices, default=SourceChannel.AGENT
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    # Sortable form of `priority` for the queue's "most urgent first" order and its index.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            *[models.When(priority=value, then=models.Value(rank)) for value, rank in PRIORITY_RANK.items()],
            default=models.Value(0),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    initial_assessment = models.CharField(
        max_length=300, blank=True, help_text="The agent's first assessment, quoted in the acknowledgement."
    )
    promised_resolution_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The expected resolution announced in the latest delay notice; what the customer is told "
        "instead of the SLA estimate until the case is resolved.",
    )
    escalation_level = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change; for optimistic locking."
    )
    timeline_seq = models.PositiveIntegerField(
        default=0, help_text="Last sequence number used on the timeline."
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    last_activity_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="case_unique_number_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "reference"], name="case_unique_reference_per_tenant"),
        ]
        indexes = [
            # Queue orders (keyset pagination walks these).
            models.Index(fields=["tenant", "last_activity_at", "id"], name="case_tenant_activity"),
            models.Index(fields=["tenant", "created_at", "id"], name="case_tenant_created"),
            models.Index(
                fields=["tenant", "priority_rank", "last_activity_at", "id"], name="case_tenant_priority"
            ),
            # Queue views.
            models.Index(
                fields=["tenant", "assignee", "last_activity_at", "id"],
                condition=OPEN,
                name="case_open_by_assignee",
            ),
            models.Index(
                fields=["tenant", "last_activity_at", "id"], condition=OPEN, name="case_open_activity"
            ),
            models.Index(
                fields=["tenant", "last_activity_at", "id"],
                condition=OPEN & Q(assignee__isnull=True),
                name="case_open_unassigned",
            ),
            models.Index(
                fields=["tenant", "last_activity_at", "id"],
                condition=OPEN & Q(escalation_level__gt=0),
                name="case_open_escalated",
            ),
            models.Index(fields=["tenant", "status", "last_activity_at", "id"], name="case_tenant_status"),
            models.Index(fields=["tenant", "team", "last_activity_at", "id"], name="case_tenant_team"),
            models.Index(fields=["tenant", "customer", "created_at"], name="case_tenant_customer"),
            models.Index(fields=["tenant", "order"], name="case_tenant_order"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseSearchVector(models.Model):
    """The full-text vector a case is found by (apps/cases/search.py builds it): reference, subject,
    description, message and note bodies, linked order number, tags, and the customer's name,
    addresses and phone digits. A plain GIN index: the embedded PostgreSQL has no btree_gin, so
    tenant_id cannot lead it; queries combine it with the tenant filter.

    Deliberately *not* under row-level security, unlike every tenant-owned table: PostgreSQL will
    not use an index for a non-leakproof operator such as tsvector `@@` on a table with RLS (the
    policy must run first), so under RLS every search would scan all cases (measured: ~1 s at a
    million). The table holds no readable content, only lexemes and ids, and it is only ever
    joined to the RLS-protected `cases_case`, so a search can never return another tenant's case.
    Queries still go through the tenancy guard (`objects.for_tenant`).
    """

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="search_vector"
    )
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    vector = SearchVectorField()

    objects = TenantManager()

    class Meta:
        # fastupdate off: no pending list, so a search never has to scan unmerged entries (which
        # made rare words slow after bulk writes); each change writes one row, so that is cheap.
        indexes = [GinIndex(fields=["vector"], name="case_search_vector", fastupdate=False)]

    def __str__(self) -> str:
        return f"search vector of case {self.case_id}"


class EntryKind(models.TextChoices):
    MESSAGE_IN = "message_in", "Message from the customer"
    MESSAGE_OUT = "message_out", "Message to the customer"
    NOTE = "note", "Internal note"
    STATUS_CHANGE = "status_change", "Status change"
    ASSIGNMENT = "assignment", "Assignment"
    TEAM_CHANGE = "team_change", "Team change"
    ESCALATION = "escalation", "Escalation"
    CUSTOMER_UPDATE = "customer_update", "Update to the customer"
    SYSTEM = "system", "System"


class MessageChannel(models.TextChoices):
    """Channels a message on the timeline travelled by."""

    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    VOICE = "voice", "Voice call"
    PHONE = "phone", "Phone call"
    PORTAL = "portal", "Portal"
    CHAT = "chat", "Chat"
    API = "api", "API"


class Direction(models.TextChoices):
    INBOUND = "in", "Inbound"
    OUTBOUND = "out", "Outbound"


class Visibility(models.TextChoices):
    INTERNAL = "internal", "Internal (staff only)"
    CUSTOMER = "customer", "Visible to the customer"


class AuthorKind(models.TextChoices):
    AGENT = "agent", "Agent"
    CUSTOMER = "customer", "Customer"
    API = "api", "API"
    SYSTEM = "system", "System"


class TimelineEntry(TenantOwnedModel):
    """One item of a case's history. `seq` orders a case's entries (1, 2, 3 …) without ties."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL)
    body = models.TextField(blank=True)
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices, default=AuthorKind.SYSTEM)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="timeline_entries"
    )
    author_api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True, help_text="Structured facts: statuses, ids, reasons.")
    # Outbound entries wait here until the notification pipeline carries them; it then links the
    # notification (the notifications app turns this into a foreign key).
    pending_delivery = models.BooleanField(default=False)
    notification_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="timeline_entry_unique_seq")]
        indexes = [
            models.Index(fields=["tenant", "case", "seq"], name="timeline_tenant_case_seq"),
            models.Index(
                fields=["tenant", "created_at"],
                condition=Q(pending_delivery=True),
                name="timeline_pending_delivery",
            ),
        ]
        ordering = ["seq"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"

    @property
    def is_internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL

    @property
    def author_name(self) -> str:
        if self.author_user_id:
            return str(self.author_user)
        if self.author_customer_id:
            return str(self.author_customer)
        if self.author_api_key_id:
            return f"API ({self.author_api_key.name})"
        return "Tidings"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random directory per file: names cannot collide or be guessed from the case reference.
    return f"attachments/{instance.tenant_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class Attachment(TenantOwnedModel):
    entry = models.ForeignKey(TimelineEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "entry"], name="attachment_tenant_entry")]

    def __str__(self) -> str:
        return self.filename


class IntakeEvent(TenantOwnedModel):
    """An event another system posted to /api/v1/events/, stored with the response it got.

    (tenant, key) is unique: a replay of the key returns the stored response; a different body
    under the same key is refused (see docs/cases.md, "Event intake").
    """

    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    type = models.CharField(max_length=40)
    payload = models.JSONField()
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="intake_event_unique_key")]
        indexes = [models.Index(fields=["tenant", "created_at"], name="intake_event_tenant_created")]

    def __str__(self) -> str:
        return f"{self.type} ({self.key})"
