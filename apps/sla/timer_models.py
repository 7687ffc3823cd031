"""The moving parts of the SLA engine: timers, escalations, staff notices, the tenant's timer settings.

A timer is a row, not a delayed Celery task (DESIGN.md, "Timers"). Case services move timers through
the domain-event handler (`apps.sla.handlers`); the sweeper (`apps.sla.sweeper`) acts on the ones
whose `next_action_at` has passed. `apps.sla.timers` explains the arithmetic.

Imported by `apps.sla.models`, so Django registers these models with the `sla` app.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from apps.cases.models import Case
from apps.common.clock import now
from apps.customers.models import Customer
from apps.tenants.models import TenantOwnedModel


class TimerKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", "Acknowledge"
    FIRST_RESPONSE = "first_response", "First response"
    UPDATE = "update", "Status update"
    RESOLVE = "resolve", "Resolve"
    AUTO_CLOSE = "auto_close", "Close without answer"
    WELCOME = "welcome", "Welcome message"


# Kinds that measure a policy target: they warn, breach and escalate.
TARGET_KINDS = (TimerKind.ACKNOWLEDGE, TimerKind.FIRST_RESPONSE, TimerKind.UPDATE, TimerKind.RESOLVE)


class TimerState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    WARNED = "warned", "Warned"
    BREACHED = "breached", "Breached"
    MET = "met", "Met"
    CANCELLED = "cancelled", "Cancelled"


# States the sweeper looks at; a paused, met or cancelled timer has nothing due.
SWEPT_STATES = (TimerState.RUNNING, TimerState.WARNED, TimerState.BREACHED)
# States of a timer that still counts (its case can still meet or miss it).
LIVE_STATES = (*SWEPT_STATES, TimerState.PAUSED)
SWEPT = Q(state__in=[str(state) for state in SWEPT_STATES])
LIVE = Q(state__in=[str(state) for state in LIVE_STATES])


class SlaTimer(TenantOwnedModel):
    """One clock of one case (or, for the welcome message, of one customer).

    The clock has a `duration` in business or calendar time. It runs in stretches: `started_at` is
    when the current stretch began, `consumed` the time used up in earlier stretches (pending the
    customer pauses the clock between stretches). From those, `apps.sla.timers` computes `due_at`,
    `warn_at` and `next_action_at`, the moment the sweeper must act next (warn, breach, escalate
    again, send, close); it is None when nothing is due (paused, met, cancelled, top of the matrix).
    """

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="sla_timers")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="sla_timers"
    )
    kind = models.CharField(max_length=20, choices=TimerKind.choices)
    state = models.CharField(max_length=10, choices=TimerState.choices, default=TimerState.RUNNING)
    duration = models.DurationField()
    business = models.BooleanField(default=True, help_text="Counted in business time (else calendar time).")
    calendar_id = models.BigIntegerField(
        null=True, blank=True, help_text="None: the tenant's default calendar."
    )
    warn_share = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    policy_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    started_at = models.DateTimeField(help_text="Start of the current running stretch.")
    consumed = models.DurationField(default=timedelta(0), help_text="Time used before `started_at`.")
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    next_action_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(
        default=0,
        help_text="Levels this breached clock has raised so far; the next raise is number escalations + 1.",
    )
    escalate_from = models.DurationField(
        null=True,
        blank=True,
        help_text="Clock time from which raises are counted: raise n comes at escalate_from + (n - 1) "
        "x duration. Blank: the breach point. A de-escalation moves it so the next raise is one "
        "period away.",
    )
    automatic_attempted_at = models.DateTimeField(
        null=True, blank=True, help_text="When Tidings tried the automatic send (acknowledgement, update)."
    )
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When it was met or cancelled.")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "case", "kind"], condition=LIVE, name="sla_timer_one_live_per_case_kind"
            ),
            models.UniqueConstraint(
                fields=["tenant", "customer", "kind"],
                condition=Q(case__isnull=True),
                name="sla_timer_one_per_customer_kind",
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(customer__isnull=False), name="sla_timer_has_subject"
            ),
        ]
        indexes = [
            # The sweep: due timers across tenants, cheapest first. Only live rows are in it, so its
            # size follows the open work, and a scan stops at the first row not yet due.
            models.Index(fields=["next_action_at"], condition=SWEPT, name="sla_timer_sweep"),
            models.Index(fields=["tenant", "case", "kind"], name="sla_timer_tenant_case"),
            # "Breaching soon" and the clocks: live timers of a tenant by due time.
            models.Index(fields=["tenant", "due_at"], condition=SWEPT, name="sla_timer_tenant_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} timer {self.pk} ({self.state})"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


class SlaSettings(TenantOwnedModel):
    """A tenant's choices about what the timers do on their own. One row per tenant (created on use)."""

    auto_close_after = models.DurationField(
        default=timedelta(days=7),
        help_text="A resolved case the customer does not answer closes after this long (calendar time).",
    )
    send_status_updates = models.BooleanField(
        default=False,
        help_text="When an update is overdue past the grace period, send the approved status update.",
    )
    status_update_grace = models.DurationField(
        default=timedelta(hours=2),
        help_text="How long past a due update the assignee has before Tidings sends it (business time).",
    )
    warn_by_email = models.BooleanField(
        default=True, help_text="Email staff their SLA warnings and escalations."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SLA settings"
        verbose_name_plural = "SLA settings"
        constraints = [models.UniqueConstraint(fields=["tenant"], name="sla_settings_one_per_tenant")]

    def __str__(self) -> str:
        return f"SLA settings of tenant {self.tenant_id}"


class EscalationReason(models.TextChoices):
    BREACH = "breach", "SLA breach"
    MANUAL = "manual", "Escalated by staff"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class EscalationOutcome(models.TextChoices):
    DEESCALATED = "deescalated", "De-escalated"
    SUPERSEDED = "superseded", "Raised a level higher"
    CASE_RESOLVED = "case_resolved", "Case resolved"
    CASE_CLOSED = "case_closed", "Case closed"


class Escalation(TenantOwnedModel):
    """A case raised to one level of the tenant's escalation matrix, and what became of it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    timer = models.ForeignKey(
        SlaTimer, null=True, blank=True, on_delete=models.SET_NULL, related_name="escalation_records"
    )
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    level_name = models.CharField(max_length=100, blank=True, help_text="The matrix level's name then.")
    timer_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a breach: which raise of its timer this is (1, 2 …)."
    )
    reason = models.CharField(max_length=10, choices=EscalationReason.choices)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=15, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    raised_at = models.DateTimeField(default=now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The one person the level names (assignee, a specific person); blank for a group.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=EscalationOutcome.choices, blank=True)

    class Meta:
        constraints = [
            # Belt and braces for "exactly once per level": one breach period raises one row.
            models.UniqueConstraint(
                fields=["tenant", "timer", "timer_level"],
                condition=Q(timer__isnull=False),
                name="sla_escalation_once_per_timer_level",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "raised_at"], name="sla_escalation_tenant_status"),
            models.Index(fields=["tenant", "case", "raised_at"], name="sla_escalation_tenant_case"),
        ]

    def __str__(self) -> str:
        return f"Escalation of case {self.case_id} to level {self.level}"


class NoticeKind(models.TextChoices):
    WARNING = "warning", "SLA warning"
    BREACH = "breach", "SLA breached"
    ESCALATION = "escalation", "Escalation"
    UPDATE_DUE = "update_due", "Status update due"
    REOPENED = "reopened", "Case reopened"
    REASSIGNED = "reassigned", "Case given to you"


class StaffNotice(TenantOwnedModel):
    """An in-app notice for one staff member (the bell in the top bar)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notices")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=15, choices=NoticeKind.choices)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "user", "-created_at"], name="sla_notice_tenant_user"),
            models.Index(
                fields=["tenant", "user"], condition=Q(read_at__isnull=True), name="sla_notice_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}"
