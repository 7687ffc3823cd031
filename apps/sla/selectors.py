"""Reads for the SLA app: calendars as arithmetic snapshots, the policy a case gets, the matrix."""

from collections.abc import Iterable
from datetime import datetime, time

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet

from apps.sla.business_time import CalendarSnapshot, end_minutes_of, minutes_of
from apps.sla.defaults import DEFAULT_OPENING_HOURS
from apps.sla.held import held
from apps.sla.models import (
    BusinessCalendar,
    CalendarClosure,
    EscalationLevel,
    OpeningPeriod,
    SlaPolicy,
    SlaTimer,
    TeamCalendar,
    TimerKind,
    TimerState,
)
from apps.sla.policies import EffectivePolicy, combine_policies
from apps.tenants.models import Tenant

SNAPSHOT_CACHE_SECONDS = 600


def snapshot_cache_key(tenant_id: int, calendar_id: int | None) -> str:
    return f"sla:calendar-snapshot:v1:{tenant_id}:{calendar_id or 'default'}"


def snapshot_of(calendar: BusinessCalendar) -> CalendarSnapshot:
    """The arithmetic's view of one calendar (reads its periods and closures)."""
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for period in calendar.periods.all():
        weekly[period.weekday].append((minutes_of(period.start), end_minutes_of(period.end)))
    zone = calendar.zone
    return CalendarSnapshot(
        time_zone=calendar.time_zone,
        weekly_hours=tuple(tuple(day) for day in weekly),
        country=calendar.country,
        subdivision=calendar.subdivision,
        closures=tuple(closure.local_range(zone) for closure in calendar.closures.all()),
        calendar_id=calendar.pk,
        name=calendar.name,
    )


def builtin_snapshot(tenant: Tenant) -> CalendarSnapshot:
    """Office hours in the tenant's zone, for a tenant that has no calendar at all."""
    weekly = [[] for _ in range(7)]
    for weekday, periods in DEFAULT_OPENING_HOURS.items():
        weekly[weekday] = [(minutes_of(start), end_minutes_of(end)) for start, end in periods]
    return CalendarSnapshot(
        time_zone=tenant.time_zone,
        weekly_hours=tuple(tuple(day) for day in weekly),
        name="Built-in office hours",
    )


def calendar_snapshot(*, tenant: Tenant, calendar_id: int | None = None) -> CalendarSnapshot:
    """The snapshot of a tenant's calendar (its default one when `calendar_id` is None). Cached.

    Services that change a calendar drop its cache entries on commit. A calendar id that is not
    the tenant's falls back to the default calendar, as a policy whose calendar is gone would.
    """
    return held(tenant, ("calendar", calendar_id), lambda: _cached_snapshot(tenant, calendar_id))


def _cached_snapshot(tenant: Tenant, calendar_id: int | None) -> CalendarSnapshot:
    key = snapshot_cache_key(tenant.pk, calendar_id)
    snapshot = cache.get(key)
    if snapshot is None:
        snapshot = _load_snapshot(tenant, calendar_id)
        cache.set(key, snapshot, SNAPSHOT_CACHE_SECONDS)
    return snapshot


def _load_snapshot(tenant: Tenant, calendar_id: int | None) -> CalendarSnapshot:
    calendars = BusinessCalendar.objects.for_tenant(tenant).prefetch_related("periods", "closures")
    calendar = None
    if calendar_id is not None:
        calendar = calendars.filter(pk=calendar_id).first()
    if calendar is None:
        calendar = calendars.filter(is_default=True).first()
    return snapshot_of(calendar) if calendar is not None else builtin_snapshot(tenant)


def calendars_of_tenant(*, tenant: Tenant) -> QuerySet[BusinessCalendar]:
    return (
        BusinessCalendar.objects.for_tenant(tenant)
        .annotate(
            policy_count=Count("policies", distinct=True), team_count=Count("team_links", distinct=True)
        )
        .prefetch_related(Prefetch("periods", queryset=OpeningPeriod.objects.for_tenant(tenant)))
        .order_by("-is_default", "name")
    )


def default_calendar(*, tenant: Tenant) -> BusinessCalendar | None:
    return BusinessCalendar.objects.for_tenant(tenant).filter(is_default=True).first()


def calendar_closures(*, tenant: Tenant, calendar: BusinessCalendar) -> QuerySet[CalendarClosure]:
    return (
        CalendarClosure.objects.for_tenant(tenant)
        .filter(calendar=calendar)
        .order_by("start_date", "start_time")
    )


def opening_hours_by_weekday(calendar: BusinessCalendar) -> dict[int, list[tuple[time, time]]]:
    hours: dict[int, list[tuple[time, time]]] = {weekday: [] for weekday in range(7)}
    for period in calendar.periods.all():
        hours[period.weekday].append((period.start, period.end))
    return hours


def policies_of_tenant(*, tenant: Tenant) -> QuerySet[SlaPolicy]:
    """Every policy in the order `policy_for` considers them (the fallback last)."""
    return (
        SlaPolicy.objects.for_tenant(tenant)
        .select_related("calendar")
        .order_by("is_fallback", "position", "id")
    )


def team_calendar_ids(*, tenant: Tenant, team_ids: Iterable[int | None]) -> dict[int, int]:
    """The calendar each of these teams works to, by team id (teams without one are left out)."""
    ids = {team_id for team_id in team_ids if team_id is not None}
    if not ids:
        return {}
    return dict(
        TeamCalendar.objects.for_tenant(tenant).filter(team_id__in=ids).values_list("team_id", "calendar_id")
    )


def team_calendar_links(*, tenant: Tenant) -> dict[int, TeamCalendar]:
    """Each team's calendar link, by team id (a team without one works to the default calendar)."""
    links = TeamCalendar.objects.for_tenant(tenant).select_related("calendar")
    return {link.team_id: link for link in links}


def policy_for(
    *,
    tenant: Tenant,
    kind: str = "",
    priority: str = "",
    channel: str = "",
    tags: Iterable[str] | None = None,
    team_id: int | None = None,
) -> EffectivePolicy:
    """The targets a case with these attributes gets (see `apps.sla.policies` for the rules).

    `team_id`: the case's team, whose calendar applies when no matching policy names a calendar.
    """
    policies = policies_of_tenant(tenant=tenant).filter(is_active=True)
    team_calendar_id = team_calendar_ids(tenant=tenant, team_ids=[team_id]).get(team_id)
    return combine_policies(
        policies, kind=kind, priority=priority, channel=channel, tags=tags, team_calendar_id=team_calendar_id
    )


def escalation_matrix(*, tenant: Tenant) -> list[EscalationLevel]:
    """The tenant's matrix, lowest level first.

    Read once per Tenant instance, like its SLA settings: a sweep asks for every breach and sees one
    answer (`escalation_matrix_set` and `sla_install_defaults` drop it from the instance they were given).
    """
    cached = getattr(tenant, "_escalation_matrix", None)
    if cached is None:
        cached = list(EscalationLevel.objects.for_tenant(tenant).select_related("user").order_by("level"))
        tenant._escalation_matrix = cached
    return list(cached)


def resolve_due_times(*, tenant: Tenant, case_ids: Iterable[int]) -> dict[int, datetime]:
    """When each case's running resolution timer falls due, by case id (the portal's "expected
    resolution"). A paused clock (waiting for the customer) or a missed target gives none."""
    return dict(
        SlaTimer.objects.for_tenant(tenant)
        .filter(
            case_id__in=list(case_ids),
            kind=TimerKind.RESOLVE,
            state__in=[TimerState.RUNNING, TimerState.WARNED],
        )
        .values_list("case_id", "due_at")
    )
