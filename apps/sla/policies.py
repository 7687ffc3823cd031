"""How matching SLA policies combine into the targets one case gets.

Policies are considered in order (`position`, the fallback last). Each of the four targets comes
from the first active policy that matches the case *and* sets that target; the calendar and the
warning share likewise. The tenant's fallback policy matches every case and sets everything, so
each target is always defined. This lets a tenant say "chat is acknowledged within 1 business
hour" and "urgent cases are resolved within 1 business day" as two short policies instead of one
policy per combination of channel and priority.

The calendar a case counts business time in: the calendar of the first matching policy that names
one; else the calendar of the case's team (`TeamCalendar`); else the tenant's default calendar.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from apps.sla.business_time import CalendarSnapshot, add_time, time_between
from apps.sla.defaults import FALLBACK
from apps.sla.durations import describe_duration
from apps.sla.models import TARGET_FIELDS, SlaPolicy, TargetKind, TimeBasis


@dataclass(frozen=True)
class Target:
    """One target of a case: how long, in which time, and which policy set it."""

    kind: str
    duration: timedelta
    basis: str
    policy_id: int | None
    policy_name: str

    @property
    def business(self) -> bool:
        return self.basis == TimeBasis.BUSINESS

    @property
    def label(self) -> str:
        return describe_duration(self.duration, business=self.business)

    def due_at(self, calendar: CalendarSnapshot, start: datetime) -> datetime:
        return add_time(calendar, start, self.duration, business=self.business)

    def warn_at(self, calendar: CalendarSnapshot, start: datetime, share: Decimal | float) -> datetime:
        return add_time(calendar, start, self.duration * float(share), business=self.business)

    def elapsed(self, calendar: CalendarSnapshot, a: datetime, b: datetime) -> timedelta:
        return time_between(calendar, a, b, business=self.business)


@dataclass(frozen=True)
class EffectivePolicy:
    """The targets one case gets, combined from every policy that matches it."""

    acknowledge: Target
    first_response: Target
    update: Target
    resolve: Target
    warn_share: Decimal
    calendar_id: int | None  # the policy's calendar, else the team's; None: the tenant's default
    update_follows_customer_cadence: bool
    policy_ids: tuple[int, ...]  # the matching policies, in the order considered

    def target(self, kind: str) -> Target:
        return getattr(self, kind)

    @property
    def targets(self) -> tuple[Target, Target, Target, Target]:
        return (self.acknowledge, self.first_response, self.update, self.resolve)


def normalise_tags(tags: Iterable[str] | None) -> frozenset[str]:
    return frozenset(tag.strip().lower() for tag in tags or () if tag and tag.strip())


def combine_policies(
    policies: Iterable[SlaPolicy],
    *,
    kind: str,
    priority: str,
    channel: str,
    tags: Iterable[str] | None = None,
    team_calendar_id: int | None = None,
) -> EffectivePolicy:
    """Combine `policies` (already in order, fallback last) for one case. Pure: no queries.

    `team_calendar_id` is the calendar of the case's team, used when no matching policy names one.
    """
    case = {
        "kind": (kind or "").strip().lower(),
        "priority": (priority or "").strip().lower(),
        "channel": (channel or "").strip().lower(),
        "tags": normalise_tags(tags),
    }
    targets: dict[str, Target] = {}
    warn_share: Decimal | None = None
    calendar_id: int | None = None
    follows_cadence: bool | None = None
    matched: list[int] = []
    for policy in policies:
        if not policy.is_active or not policy.matches(**case):
            continue
        matched.append(policy.pk)
        for target_kind, (duration_field, basis_field) in TARGET_FIELDS.items():
            duration = getattr(policy, duration_field)
            if target_kind not in targets and duration is not None:
                targets[target_kind] = Target(
                    target_kind, duration, getattr(policy, basis_field), policy.pk, policy.name
                )
                if target_kind == TargetKind.UPDATE:
                    follows_cadence = policy.update_follows_customer_cadence
        if warn_share is None:
            warn_share = policy.warn_share
        if calendar_id is None:
            calendar_id = policy.calendar_id
    for target_kind, (duration_field, _) in TARGET_FIELDS.items():
        if target_kind not in targets:  # the tenant has no fallback row: use the built-in one
            duration, basis = FALLBACK.targets[duration_field]
            targets[target_kind] = Target(target_kind, duration, basis, None, "Built-in default")
            if target_kind == TargetKind.UPDATE:
                follows_cadence = FALLBACK.update_follows_customer_cadence
    return EffectivePolicy(
        acknowledge=targets[TargetKind.ACKNOWLEDGE],
        first_response=targets[TargetKind.FIRST_RESPONSE],
        update=targets[TargetKind.UPDATE],
        resolve=targets[TargetKind.RESOLVE],
        warn_share=warn_share if warn_share is not None else FALLBACK.warn_share,
        calendar_id=calendar_id if calendar_id is not None else team_calendar_id,
        update_follows_customer_cadence=bool(follows_cadence),
        policy_ids=tuple(matched),
    )
