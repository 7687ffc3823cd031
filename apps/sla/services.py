"""Writes for the SLA app: calendars, closures, policies, the escalation matrix, the defaults.

Each service is one transaction with its audit event. Services that change a calendar drop its
cached snapshot after commit, so timers computed afterwards see the new hours; they and the policy
services then have the open cases' clocks recomputed by a task (`apps.sla.recompute`).
"""

from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.cases.models import Team
from apps.sla.defaults import (
    DEFAULT_CALENDAR_NAME,
    DEFAULT_ESCALATION,
    DEFAULT_OPENING_HOURS,
    DEFAULT_POLICIES,
    FALLBACK,
    LevelSpec,
    PolicySpec,
    holiday_region_for,
)
from apps.sla.models import (
    MATCH_FIELDS,
    TARGET_FIELDS,
    BusinessCalendar,
    CalendarClosure,
    EscalationLevel,
    NotifyWhom,
    OpeningPeriod,
    SlaPolicy,
    TeamCalendar,
)
from apps.sla.selectors import snapshot_cache_key
from apps.tenants.models import Membership, Tenant

OpeningHours = dict[int, list[tuple[time, time]]]  # weekday (0 = Monday) → periods
BASIS_FIELD_OF = dict(TARGET_FIELDS.values())


def _recompute_open_cases(tenant_id: int, **only: Any) -> None:
    """After commit, move the clocks of open cases to the changed targets or hours (a task).

    `only`: `team_ids` (and the `cause` to show) to recompute only those teams' cases.
    """
    from apps.sla.tasks import sla_recompute_tenant

    transaction.on_commit(lambda: sla_recompute_tenant.delay(tenant_id=tenant_id, **only))


def _forget_snapshots(calendar: BusinessCalendar) -> None:
    keys = [snapshot_cache_key(calendar.tenant_id, calendar.pk), snapshot_cache_key(calendar.tenant_id, None)]
    transaction.on_commit(lambda: cache.delete_many(keys))
    _recompute_open_cases(calendar.tenant_id)


def _validate_opening_hours(hours: OpeningHours) -> None:
    errors = []
    if not any(hours.values()):
        errors.append("Open the calendar on at least one day: deadlines are counted in its opening hours.")
    for weekday, periods in sorted(hours.items()):
        if not 0 <= weekday <= 6:
            errors.append(f"Unknown weekday {weekday}.")
            continue
        spans = []
        for start, end in periods:
            end_minute = 24 * 60 if end == time(0) else end.hour * 60 + end.minute
            start_minute = start.hour * 60 + start.minute
            if end_minute <= start_minute:
                errors.append(
                    f"{_weekday_name(weekday)}: {start:%H:%M}\N{EN DASH}{end:%H:%M} ends before it starts."
                )
            spans.append((start_minute, end_minute))
        spans.sort()
        for (_, first_end), (second_start, _) in pairwise(spans):
            if second_start < first_end:
                errors.append(f"{_weekday_name(weekday)}: opening periods overlap.")
                break
    if errors:
        raise ValidationError({"opening_hours": errors})


def _weekday_name(weekday: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[weekday]


def _replace_opening_hours(calendar: BusinessCalendar, hours: OpeningHours) -> None:
    OpeningPeriod.objects.for_tenant(calendar.tenant_id).filter(calendar=calendar).delete()
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(tenant_id=calendar.tenant_id, calendar=calendar, weekday=weekday, start=start, end=end)
        for weekday, periods in sorted(hours.items())
        for start, end in sorted(periods)
    )


def _refuse_taken_name(row: BusinessCalendar | SlaPolicy, message: str) -> None:
    # Names are unique per tenant regardless of case; checked here so the form shows the message
    # (the database constraint still guards a race between two admins).
    others = type(row).objects.for_tenant(row.tenant_id).exclude(pk=row.pk)
    if others.filter(name__iexact=row.name).exists():
        raise ValidationError({"name": message})


def _save_calendar(calendar: BusinessCalendar) -> None:
    calendar.full_clean(exclude=["tenant"], validate_unique=False)
    _refuse_taken_name(calendar, "Another calendar has this name.")
    if calendar.is_default:
        BusinessCalendar.objects.for_tenant(calendar.tenant_id).filter(is_default=True).exclude(
            pk=calendar.pk
        ).update(is_default=False)
    calendar.save()


def _hours_summary(hours: OpeningHours) -> dict[str, list[str]]:
    """Opening hours as plain strings for the audit log (no personal data)."""
    return {
        _weekday_name(weekday)[:3]: [f"{start:%H:%M}-{end:%H:%M}" for start, end in sorted(periods)]
        for weekday, periods in sorted(hours.items())
        if periods
    }


@transaction.atomic
def calendar_create(
    *,
    tenant: Tenant,
    actor: User | None,
    name: str,
    time_zone: str,
    country: str = "",
    subdivision: str = "",
    is_default: bool = False,
    opening_hours: OpeningHours | None = None,
) -> BusinessCalendar:
    hours = opening_hours if opening_hours is not None else DEFAULT_OPENING_HOURS
    _validate_opening_hours(hours)
    has_default = BusinessCalendar.objects.for_tenant(tenant).filter(is_default=True).exists()
    calendar = BusinessCalendar(
        tenant=tenant,
        name=name.strip(),
        time_zone=time_zone,
        country=country,
        subdivision=subdivision,
        is_default=is_default or not has_default,  # the first calendar is the default
    )
    _save_calendar(calendar)
    _replace_opening_hours(calendar, hours)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sla_calendar.created",
        target=calendar,
        changes={"time_zone": time_zone, "country": country, "hours": _hours_summary(hours)},
    )
    _forget_snapshots(calendar)
    return calendar


@transaction.atomic
def calendar_update(
    *,
    tenant: Tenant,
    actor: User | None,
    calendar: BusinessCalendar,
    name: str,
    time_zone: str,
    country: str,
    subdivision: str,
    is_default: bool,
    opening_hours: OpeningHours,
) -> BusinessCalendar:
    """Change a calendar's details and replace its weekly opening hours."""
    _validate_opening_hours(opening_hours)
    if calendar.is_default and not is_default:
        raise ValidationError({"is_default": "Make another calendar the default instead."})
    before = {"name": calendar.name, "time_zone": calendar.time_zone, "country": calendar.country}
    calendar.name, calendar.time_zone = name.strip(), time_zone
    calendar.country, calendar.subdivision, calendar.is_default = country, subdivision, is_default
    _save_calendar(calendar)
    _replace_opening_hours(calendar, opening_hours)
    after = {"name": calendar.name, "time_zone": time_zone, "country": country}
    changes: dict[str, Any] = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    changes["hours"] = _hours_summary(opening_hours)
    audit_record(tenant=tenant, actor=actor, action="sla_calendar.updated", target=calendar, changes=changes)
    _forget_snapshots(calendar)
    return calendar


@transaction.atomic
def calendar_delete(*, tenant: Tenant, actor: User | None, calendar: BusinessCalendar) -> None:
    if calendar.is_default:
        raise ValidationError("The default calendar cannot be deleted; make another one the default first.")
    if SlaPolicy.objects.for_tenant(tenant).filter(calendar=calendar).exists():
        raise ValidationError("Policies use this calendar; give them another calendar first.")
    if TeamCalendar.objects.for_tenant(tenant).filter(calendar=calendar).exists():
        raise ValidationError("Teams work to this calendar; give them another calendar first.")
    _forget_snapshots(calendar)
    audit_record(tenant=tenant, actor=actor, action="sla_calendar.deleted", target=calendar)
    BusinessCalendar.objects.for_tenant(tenant).filter(pk=calendar.pk).delete()


@transaction.atomic
def calendar_teams_set(
    *, tenant: Tenant, actor: User | None, calendar: BusinessCalendar, team_ids: Iterable[int]
) -> list[int]:
    """Make exactly these teams work to `calendar`; returns their ids.

    A chosen team that worked to another calendar moves to this one; a team that worked to this
    one and is not chosen goes back to the default. The open cases of the teams that moved are
    recomputed after commit (a policy's own calendar still wins over the team's).
    """
    wanted = set(team_ids)
    known = set(Team.objects.for_tenant(tenant).filter(pk__in=wanted).values_list("pk", flat=True))
    if calendar.tenant_id != tenant.pk or known != wanted:
        raise ValidationError({"teams": "Choose teams of this workspace."})
    # One writer at a time per tenant: a team has one calendar, and two admins may move it at once.
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    links = TeamCalendar.objects.for_tenant(tenant)
    before = set(links.filter(calendar=calendar).values_list("team_id", flat=True))
    moved_from = dict(
        links.filter(team_id__in=wanted).exclude(calendar=calendar).values_list("team_id", "calendar_id")
    )
    links.filter(calendar=calendar).exclude(team_id__in=wanted).delete()
    links.filter(team_id__in=moved_from).update(calendar=calendar)
    TeamCalendar.objects.bulk_create(
        TeamCalendar(tenant=tenant, team_id=team_id, calendar=calendar)
        for team_id in sorted(wanted - before - set(moved_from))
    )
    changed = sorted(before ^ wanted)
    if changed:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="sla_calendar.teams_set",
            target=calendar,
            changes={"team_ids": [sorted(before), sorted(wanted)]},
            metadata={"moved_from_calendar": {str(team): cal for team, cal in moved_from.items()}},
        )
        _recompute_open_cases(tenant.pk, team_ids=changed, cause=f"team calendar set to {calendar.name}")
    return sorted(wanted)


@transaction.atomic
def team_calendar_set(
    *, tenant: Tenant, actor: User | None, team: Team, calendar: BusinessCalendar | None
) -> None:
    """Make `team` work to `calendar`, or to the default calendar when None.

    The one-team view of `calendar_teams_set` (the team's settings page): same link, same lock,
    and the team's open cases are recomputed after commit when its calendar changed.
    """
    if team.tenant_id != tenant.pk or (calendar is not None and calendar.tenant_id != tenant.pk):
        raise ValidationError({"calendar": "Choose a calendar of this workspace."})
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()  # as in calendar_teams_set
    link = TeamCalendar.objects.for_tenant(tenant).filter(team=team)
    before = link.values_list("calendar_id", flat=True).first()
    after = calendar.pk if calendar is not None else None
    if before == after:
        return
    if calendar is None:
        link.delete()
    elif before is None:
        TeamCalendar.objects.create(tenant=tenant, team=team, calendar=calendar)
    else:
        link.update(calendar=calendar)
    changes = {"calendar_id": [before, after]}
    audit_record(tenant=tenant, actor=actor, action="team.calendar_set", target=team, changes=changes)
    cause = f"team calendar set to {calendar.name}" if calendar else "team calendar set to the default"
    _recompute_open_cases(tenant.pk, team_ids=[team.pk], cause=cause)


@transaction.atomic
def closure_add(
    *,
    tenant: Tenant,
    actor: User | None,
    calendar: BusinessCalendar,
    name: str,
    start_date: date,
    end_date: date | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
) -> CalendarClosure:
    """Close the calendar for a holiday or a one-off event (whole days unless times are given)."""
    closure = CalendarClosure(
        tenant=tenant,
        calendar=calendar,
        name=name.strip(),
        start_date=start_date,
        end_date=end_date or start_date,
        start_time=start_time,
        end_time=end_time,
    )
    closure.full_clean(exclude=["tenant", "calendar"])
    closure.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sla_calendar.closure_added",
        target=calendar,
        metadata={"closure_id": closure.pk, "from": str(closure.start_date), "to": str(closure.end_date)},
    )
    _forget_snapshots(calendar)
    return closure


@transaction.atomic
def closure_remove(*, tenant: Tenant, actor: User | None, closure: CalendarClosure) -> None:
    calendar = closure.calendar
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sla_calendar.closure_removed",
        target=calendar,
        metadata={"closure_id": closure.pk, "from": str(closure.start_date), "to": str(closure.end_date)},
    )
    CalendarClosure.objects.for_tenant(tenant).filter(pk=closure.pk).delete()
    _forget_snapshots(calendar)


POLICY_FIELDS = (
    "name",
    "position",
    "is_active",
    *MATCH_FIELDS,
    "calendar",
    *(name for pair in TARGET_FIELDS.values() for name in pair),
    "update_follows_customer_cadence",
    "warn_share",
)


def _normalise_match(value: str) -> str:
    values = []
    for part in value.split(","):
        part = part.strip().lower()
        if part and part not in values:
            values.append(part)
    return ",".join(values)


def _save_policy(policy: SlaPolicy) -> None:
    for field_name in MATCH_FIELDS:
        setattr(policy, field_name, _normalise_match(getattr(policy, field_name)))
    policy.name = policy.name.strip()
    if policy.calendar is not None and policy.calendar.tenant_id != policy.tenant_id:
        raise ValidationError({"calendar": "Choose one of your calendars."})
    policy.full_clean(exclude=["tenant"], validate_unique=False)
    _refuse_taken_name(policy, "Another policy has this name.")
    policy.save()


def _policy_audit_view(policy: SlaPolicy) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for name in POLICY_FIELDS:
        value = getattr(policy, "calendar_id" if name == "calendar" else name)
        if isinstance(value, timedelta):
            value = int(value.total_seconds())
        elif isinstance(value, Decimal):
            value = str(value)
        view[name] = value
    return view


@transaction.atomic
def policy_create(*, tenant: Tenant, actor: User | None, **fields: Any) -> SlaPolicy:
    """Create a policy from `POLICY_FIELDS` values; a new policy goes after the others by default."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown policy fields: {', '.join(sorted(unknown))}")
    if "position" not in fields:
        highest = SlaPolicy.objects.for_tenant(tenant).filter(is_fallback=False).aggregate(Max("position"))
        fields["position"] = (highest["position__max"] or 0) + 10
    policy = SlaPolicy(tenant=tenant, **fields)
    _save_policy(policy)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sla_policy.created",
        target=policy,
        changes=_policy_audit_view(policy),
    )
    _recompute_open_cases(tenant.pk)
    return policy


@transaction.atomic
def policy_update(*, tenant: Tenant, actor: User | None, policy: SlaPolicy, **fields: Any) -> SlaPolicy:
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown policy fields: {', '.join(sorted(unknown))}")
    before = _policy_audit_view(policy)
    for name, value in fields.items():
        setattr(policy, name, value)
    _save_policy(policy)
    after = _policy_audit_view(policy)
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if changes:
        audit_record(tenant=tenant, actor=actor, action="sla_policy.updated", target=policy, changes=changes)
        _recompute_open_cases(tenant.pk)
    return policy


@transaction.atomic
def policy_delete(*, tenant: Tenant, actor: User | None, policy: SlaPolicy) -> None:
    if policy.is_fallback:
        raise ValidationError("The fallback policy cannot be deleted: every case needs targets.")
    audit_record(tenant=tenant, actor=actor, action="sla_policy.deleted", target=policy)
    SlaPolicy.objects.for_tenant(tenant).filter(pk=policy.pk).delete()
    _recompute_open_cases(tenant.pk)


@transaction.atomic
def escalation_matrix_set(
    *, tenant: Tenant, actor: User | None, levels: Sequence[LevelSpec]
) -> list[EscalationLevel]:
    """Replace the tenant's escalation matrix; levels are renumbered 1, 2, 3… in the given order."""
    if not levels:
        raise ValidationError("The escalation matrix needs at least one level.")
    member_ids = set(
        Membership.objects.for_tenant(tenant).filter(is_active=True).values_list("user_id", flat=True)
    )
    rows = []
    for number, spec in enumerate(levels, start=1):
        row = EscalationLevel(
            tenant=tenant,
            level=number,
            name=spec.name.strip(),
            notify=spec.notify,
            role=spec.role if spec.notify == NotifyWhom.ROLE else "",
            user_id=spec.user_id if spec.notify == NotifyWhom.USER else None,
        )
        try:
            row.full_clean(exclude=["tenant", "user"], validate_unique=False)
        except ValidationError as error:
            raise ValidationError(f"Level {number}: {' '.join(error.messages)}") from error
        if row.user_id is not None and row.user_id not in member_ids:
            raise ValidationError(f"Level {number}: choose a member of this workspace.")
        rows.append(row)
    EscalationLevel.objects.for_tenant(tenant).delete()
    EscalationLevel.objects.bulk_create(rows)
    tenant._escalation_matrix = None  # read afresh by `escalation_matrix`
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sla_escalation_matrix.updated",
        target=("sla.escalationmatrix", tenant.pk),
        changes={
            "levels": [
                {"level": r.level, "notify": r.notify, "role": r.role, "user_id": r.user_id} for r in rows
            ]
        },
    )
    return rows


def _policy_from_spec(tenant: Tenant, spec: PolicySpec, *, is_fallback: bool) -> SlaPolicy:
    policy = SlaPolicy(
        tenant=tenant,
        name=spec.name,
        position=spec.position,
        is_fallback=is_fallback,
        update_follows_customer_cadence=spec.update_follows_customer_cadence,
        warn_share=spec.warn_share,
        **spec.match,
    )
    for duration_field, (duration, basis) in spec.targets.items():
        setattr(policy, duration_field, duration)
        setattr(policy, BASIS_FIELD_OF[duration_field], basis)
    policy.full_clean(exclude=["tenant"], validate_unique=False)
    return policy


@transaction.atomic
def sla_install_defaults(*, tenant: Tenant, country: str | None = None) -> bool:
    """Give a tenant the default calendar, policies and escalation matrix. Idempotent.

    Each of the three is installed only when the tenant has none of it yet, so a tenant's own
    changes are never overwritten. `country` picks the public holidays; by default it is guessed
    from the tenant's time zone (Europe/London → GB, England). Returns whether anything was added.
    """
    installed = []
    # Lock the tenant row so two concurrent installs for one tenant cannot both add defaults.
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    if not BusinessCalendar.objects.for_tenant(tenant).exists():
        if country is None:
            country, subdivision = holiday_region_for(tenant.time_zone)
        else:
            subdivision = ""
        calendar = BusinessCalendar(
            tenant=tenant,
            name=DEFAULT_CALENDAR_NAME,
            time_zone=tenant.time_zone,
            country=country,
            subdivision=subdivision,
            is_default=True,
        )
        _save_calendar(calendar)
        _replace_opening_hours(calendar, DEFAULT_OPENING_HOURS)
        _forget_snapshots(calendar)
        installed.append("calendar")
    if not SlaPolicy.objects.for_tenant(tenant).exists():
        policies = [_policy_from_spec(tenant, spec, is_fallback=False) for spec in DEFAULT_POLICIES]
        policies.append(_policy_from_spec(tenant, FALLBACK, is_fallback=True))
        SlaPolicy.objects.bulk_create(policies)
        installed.append("policies")
    if not EscalationLevel.objects.for_tenant(tenant).exists():
        EscalationLevel.objects.bulk_create(
            EscalationLevel(
                tenant=tenant, level=spec.level, name=spec.name, notify=spec.notify, role=spec.role
            )
            for spec in DEFAULT_ESCALATION
        )
        installed.append("escalation_matrix")
        tenant._escalation_matrix = None
    if installed:
        audit_record(
            tenant=tenant,
            actor=None,
            action="sla.defaults_installed",
            target=tenant,
            changes={"installed": installed},
        )
    return bool(installed)
