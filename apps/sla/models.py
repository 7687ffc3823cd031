"""Business calendars, SLA policies and the escalation matrix of a tenant.

A calendar says when the business is open (weekly periods in its time zone, public holidays of a
country, custom closures); `selectors.calendar_snapshot` turns it into the plain value that
`business_time` computes with. A policy matches cases by kind, priority, channel and customer tag
and sets up to four targets; see `selectors.policy_for` for how several matching policies combine.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from apps.sla.durations import describe_duration
from apps.tenants.models import Role, TenantOwnedModel, validate_time_zone

MAX_CLOSURE_DAYS = 366


def validate_country(value: str) -> None:
    if value and value not in holidays.list_supported_countries():
        raise ValidationError(
            f"“{value}” is not a country the holidays calendar knows (use a code such as GB)."
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class BusinessCalendar(TenantOwnedModel):
    name = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    country = models.CharField(
        max_length=2, blank=True, validators=[validate_country], help_text="Public holidays of this country."
    )
    subdivision = models.CharField(
        max_length=10, blank=True, help_text="State or region whose extra holidays also apply, e.g. ENG."
    )
    is_default = models.BooleanField(
        default=False,
        help_text="Used when neither the policy nor the case's team names a calendar.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="sla_calendar_unique_name"),
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(is_default=True), name="sla_calendar_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.subdivision and not self.country:
            raise ValidationError({"subdivision": "Choose the country first."})
        if self.subdivision:
            known = holidays.list_supported_countries().get(self.country, [])
            if self.subdivision not in known:
                choices = ", ".join(known) or "none"
                raise ValidationError(
                    {"subdivision": f"Not a subdivision of {self.country}; known: {choices}."}
                )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class OpeningPeriod(TenantOwnedModel):
    """One open stretch on a weekday, in the calendar's wall-clock time; `end` 00:00 means midnight."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")) | Q(end=time(0)), name="sla_period_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="sla_period_weekday_range"),
        ]
        indexes = [models.Index(fields=["tenant", "calendar"], name="sla_period_tenant_calendar")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}\N{EN DASH}{self.end:%H:%M}"


class CalendarClosure(TenantOwnedModel):
    """A custom holiday or one-off closure in the calendar's local time.

    Without times it closes whole days, `start_date` to `end_date` inclusive. A `start_time` makes
    it begin at that time on `start_date`; an `end_time` makes it end at that time on `end_date`.
    """

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="closures")
    name = models.CharField(max_length=100)
    start_date = models.DateField()
    end_date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="sla_closure_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["tenant", "calendar", "end_date"], name="sla_closure_tenant_cal_end")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValidationError({"end_date": "The closure must end on or after the day it starts."})
            if (self.end_date - self.start_date).days >= MAX_CLOSURE_DAYS:
                raise ValidationError({"end_date": "A closure can last at most a year."})
            if (
                self.start_date == self.end_date
                and self.start_time is not None
                and self.end_time is not None
                and self.end_time <= self.start_time
            ):
                raise ValidationError({"end_time": "The closure must end after it starts."})

    def local_range(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The closed range as aware datetimes in `zone`."""
        start = datetime.combine(self.start_date, self.start_time or time.min, tzinfo=zone)
        if self.end_time is None:
            end = datetime.combine(self.end_date + timedelta(days=1), time.min, tzinfo=zone)
        else:
            end = datetime.combine(self.end_date, self.end_time, tzinfo=zone)
        return start, end

    @property
    def is_whole_days(self) -> bool:
        return self.start_time is None and self.end_time is None

    @property
    def when_label(self) -> str:
        """ "Wed 24 Dec 2025, 14:00 - end of day", "Mon 5 Jan 2026 - Tue 6 Jan 2026" (local time)."""
        dash = " \N{EN DASH} "
        start = f"{self.start_date:%a %-d %b %Y}" + (f", {self.start_time:%H:%M}" if self.start_time else "")
        same_day = self.start_date == self.end_date
        if self.end_time is None:
            end = "" if same_day else f"{self.end_date:%a %-d %b %Y}"
            if self.start_time and same_day:
                end = "end of day"
        else:
            end = (
                f"{self.end_time:%H:%M}"
                if same_day
                else f"{self.end_date:%a %-d %b %Y}, {self.end_time:%H:%M}"
            )
        return start + (dash + end if end else "")


class TeamCalendar(TenantOwnedModel):
    """The business calendar a team works to; its cases count business time in it.

    Kept in the SLA app so teams (apps.cases) know nothing of calendars. A policy's own calendar
    still wins over the team's; see `apps.sla.policies.combine_policies`.
    """

    team = models.OneToOneField("cases.Team", on_delete=models.CASCADE, related_name="sla_calendar")
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="team_links")

    class Meta:
        indexes = [models.Index(fields=["tenant", "calendar"], name="sla_teamcal_tenant_calendar")]

    def __str__(self) -> str:
        return f"{self.team_id} → {self.calendar_id}"


class TimeBasis(models.TextChoices):
    BUSINESS = "business", "Business time"
    CALENDAR = "calendar", "Calendar time"


class TargetKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", "Acknowledge within"
    FIRST_RESPONSE = "first_response", "First response within"
    UPDATE = "update", "Update every"
    RESOLVE = "resolve", "Resolve within"


# (duration field, basis field) of each target on SlaPolicy.
TARGET_FIELDS: dict[str, tuple[str, str]] = {
    TargetKind.ACKNOWLEDGE: ("acknowledge_within", "acknowledge_basis"),
    TargetKind.FIRST_RESPONSE: ("first_response_within", "first_response_basis"),
    TargetKind.UPDATE: ("update_every", "update_basis"),
    TargetKind.RESOLVE: ("resolve_within", "resolve_basis"),
}
MATCH_FIELDS = ("match_kind", "match_priority", "match_channel", "match_customer_tag")
DEFAULT_WARN_SHARE = Decimal("0.75")


def _basis_field() -> models.CharField:
    return models.CharField(max_length=10, choices=TimeBasis.choices, default=TimeBasis.BUSINESS)


class SlaPolicy(TenantOwnedModel):
    """Targets for the cases it matches.

    Each `match_*` field holds comma-separated values (`portal,chat`); blank matches anything. Every
    target may be left blank: the case then takes it from the next matching policy, down to the
    tenant's one fallback policy, which matches everything and sets every target.
    """

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=100, help_text="Lower numbers are considered first.")
    is_active = models.BooleanField(default=True)
    is_fallback = models.BooleanField(default=False, editable=False)
    match_kind = models.CharField(max_length=200, blank=True)
    match_priority = models.CharField(max_length=200, blank=True)
    match_channel = models.CharField(max_length=200, blank=True)
    match_customer_tag = models.CharField(max_length=200, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text="Blank: the case's team's calendar, else the tenant's default calendar.",
    )
    acknowledge_within = models.DurationField(null=True, blank=True)
    acknowledge_basis = _basis_field()
    first_response_within = models.DurationField(null=True, blank=True)
    first_response_basis = _basis_field()
    update_every = models.DurationField(null=True, blank=True)
    update_basis = _basis_field()
    update_follows_customer_cadence = models.BooleanField(
        default=False, help_text="Use the customer's chosen update cadence when they have one."
    )
    resolve_within = models.DurationField(null=True, blank=True)
    resolve_basis = _basis_field()
    warn_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("0.99"))],
        help_text="Warn when this share of a target has passed (0.75 = at 75%).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["is_fallback", "position", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="sla_policy_unique_name"),
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(is_fallback=True), name="sla_policy_one_fallback"
            ),
            models.CheckConstraint(
                condition=Q(warn_share__isnull=True) | Q(warn_share__gt=0, warn_share__lt=1),
                name="sla_policy_warn_share_range",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "is_active", "position"], name="sla_policy_tenant_active_pos")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        for duration_field, _ in TARGET_FIELDS.values():
            value = getattr(self, duration_field)
            if value is not None and value <= timedelta(0):
                errors[duration_field] = "Enter a time longer than zero."
        if self.is_fallback:
            for duration_field, _ in TARGET_FIELDS.values():
                if getattr(self, duration_field) is None and duration_field not in errors:
                    errors[duration_field] = "The fallback policy must set every target."
            if self.warn_share is None:
                errors["warn_share"] = "The fallback policy must set the warning share."
            if any(getattr(self, name) for name in MATCH_FIELDS):
                errors["match_kind"] = "The fallback policy matches every case; leave the conditions blank."
            if not self.is_active:
                errors["is_active"] = "The fallback policy cannot be switched off."
        if errors:
            raise ValidationError(errors)

    @property
    def condition_list(self) -> list[tuple[str, str]]:
        """("Channel", "portal, chat") for each condition set; empty for a policy matching every case."""
        labels = dict(zip(MATCH_FIELDS, ("Kind", "Priority", "Channel", "Customer tag"), strict=True))
        return [
            (labels[name], getattr(self, name).replace(",", ", "))
            for name in MATCH_FIELDS
            if getattr(self, name)
        ]

    @property
    def target_list(self) -> list[tuple[str, str]]:
        """("Acknowledge within", "4 business hours") for each target this policy sets itself."""
        return [
            (
                TargetKind(kind).label,
                describe_duration(duration, business=getattr(self, basis) == TimeBasis.BUSINESS),
            )
            for kind, (duration_field, basis) in TARGET_FIELDS.items()
            if (duration := getattr(self, duration_field)) is not None
        ]

    def match_values(self, field_name: str) -> frozenset[str]:
        return frozenset(value for value in getattr(self, field_name).split(",") if value)

    def matches(self, *, kind: str, priority: str, channel: str, tags: frozenset[str]) -> bool:
        for field_name, value in (
            ("match_kind", kind),
            ("match_priority", priority),
            ("match_channel", channel),
        ):
            wanted = self.match_values(field_name)
            if wanted and value not in wanted:
                return False
        wanted_tags = self.match_values("match_customer_tag")
        return not wanted_tags or bool(wanted_tags & tags)


class NotifyWhom(models.TextChoices):
    ASSIGNEE = "assignee", "Assignee"
    TEAM_SUPERVISOR = "team_supervisor", "Team supervisor"
    ROLE = "role", "Everyone with a role"
    USER = "user", "A specific person"


class EscalationLevel(TenantOwnedModel):
    """One rung of the tenant's escalation matrix: who is told when a case reaches this level."""

    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    name = models.CharField(max_length=100)
    notify = models.CharField(max_length=20, choices=NotifyWhom.choices)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "level"], name="sla_escalation_unique_level"),
            models.CheckConstraint(condition=Q(level__gte=1), name="sla_escalation_level_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.notify == NotifyWhom.ROLE and not self.role:
            raise ValidationError({"role": "Choose the role to notify."})
        if self.notify == NotifyWhom.USER and self.user_id is None:
            raise ValidationError({"user": "Choose the person to notify."})


# The SLA engine's own rows live in their own module; importing them here registers them with the app.
from apps.sla.timer_models import (  # noqa: E402
    Escalation,
    EscalationOutcome,
    EscalationReason,
    EscalationStatus,
    NoticeKind,
    SlaSettings,
    SlaTimer,
    StaffNotice,
    TimerKind,
    TimerState,
)

__all__ = [
    "MATCH_FIELDS",
    "TARGET_FIELDS",
    "BusinessCalendar",
    "CalendarClosure",
    "Escalation",
    "EscalationLevel",
    "EscalationOutcome",
    "EscalationReason",
    "EscalationStatus",
    "NoticeKind",
    "NotifyWhom",
    "OpeningPeriod",
    "SlaPolicy",
    "SlaSettings",
    "SlaTimer",
    "StaffNotice",
    "TargetKind",
    "TeamCalendar",
    "TimeBasis",
    "TimerKind",
    "TimerState",
]
