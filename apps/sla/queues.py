"""Reads for the SLA work lists: cases about to breach (a queue view) and the escalation queue."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from apps.cases.models import OPEN, Case
from apps.cases.selectors import TenantWide, cases_visible_to
from apps.common.clock import now
from apps.sla.models import Escalation, EscalationStatus, SlaTimer, TimerState
from apps.sla.timer_models import TARGET_KINDS
from apps.tenants.models import Membership, Tenant

BREACHING_SOON = timedelta(hours=2)


def cases_breaching_soon(
    *,
    tenant: Tenant,
    membership: Membership | TenantWide,
    within: timedelta = BREACHING_SOON,
    at: datetime | None = None,
    limit: int = 50,
) -> list[Case]:
    """Visible open cases with a running target due within `within` (not yet breached), soonest first.

    One query driven by the timers' (tenant, due_at) index, so it reads the timers due in the window,
    not every open case. Each case carries `sla_due_at` and `sla_kind` (its first such target).
    """
    at = at or now()
    timers = (
        SlaTimer.objects.for_tenant(tenant)
        .filter(
            state__in=[TimerState.RUNNING, TimerState.WARNED],
            kind__in=TARGET_KINDS,
            due_at__gt=at,
            due_at__lte=at + within,
            case__in=cases_visible_to(tenant=tenant, membership=membership).filter(OPEN),
        )
        .select_related("case", "case__customer", "case__assignee", "case__team")
        .defer("case__search_vector", "case__description")
        .order_by("due_at", "id")[: limit * 4]
    )
    cases: dict[int, Case] = {}
    for timer in timers:
        if timer.case_id not in cases and len(cases) < limit:
            timer.case.sla_due_at, timer.case.sla_kind = timer.due_at, timer.kind
            cases[timer.case_id] = timer.case
    return list(cases.values())


@dataclass(frozen=True)
class EscalationFilters:
    status: str = EscalationStatus.OPEN
    team_id: int | None = None


def escalation_queue(*, tenant: Tenant, filters: EscalationFilters) -> QuerySet[Escalation]:
    """Escalations in one status, oldest first (the longest waiting on top), optionally of one team."""
    rows = Escalation.objects.for_tenant(tenant).filter(status=filters.status)
    if filters.team_id is not None:
        rows = rows.filter(case__team_id=filters.team_id)
    order = ("-resolved_at", "-id") if filters.status == EscalationStatus.RESOLVED else ("raised_at", "id")
    return (
        rows.select_related(
            "case",
            "case__customer",
            "case__team",
            "case__assignee",
            "raised_by",
            "raised_for",
            "acknowledged_by",
        )
        .defer("case__search_vector", "case__description")
        .order_by(*order)
    )


def escalation_counts(*, tenant: Tenant, team_id: int | None = None) -> dict[str, int]:
    """How many escalations are open and acknowledged (for the tabs), in one query."""
    rows = Escalation.objects.for_tenant(tenant)
    if team_id is not None:
        rows = rows.filter(case__team_id=team_id)
    return rows.aggregate(
        **{
            status: Count("id", filter=Q(status=status))
            for status in (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED)
        }
    )


def escalation_by_id(*, tenant: Tenant, escalation_id: int) -> Escalation | None:
    return (
        Escalation.objects.for_tenant(tenant)
        .select_related("case", "tenant")
        .filter(pk=escalation_id)
        .first()
    )
