"""Following a policy or calendar change: every open case's clocks move to the new targets.

After a change of which calendar a team works to, only that team's cases are recomputed.

Runs in a task after the admin's change commits (`sla_recompute_tenant`), one case per transaction
under the tenant's context, so a tenant with many open cases never holds a long lock.
"""

from collections.abc import Collection
from datetime import datetime

from apps.cases.models import Case
from apps.sla.models import SlaTimer
from apps.sla.timer_models import LIVE_STATES
from apps.sla.timers import CASE_TIMER_KINDS, timers_recompute
from apps.tenants.context import tenant_context
from apps.tenants.models import Tenant

BATCH = 500
RECOMPUTE_CAUSE = "policy or hours changed"


def timers_recompute_for_tenant(
    *,
    tenant: Tenant,
    at: datetime,
    cause: str = RECOMPUTE_CAUSE,
    team_ids: Collection[int] | None = None,
    customer_id: int | None = None,
) -> int:
    """Recompute the live clocks of every case of `tenant` that has some (only the cases of
    `team_ids`, or of one customer, when given); returns how many cases changed."""
    changed = 0
    after = 0
    timers = SlaTimer.objects.for_tenant(tenant).filter(state__in=LIVE_STATES, kind__in=CASE_TIMER_KINDS)
    if team_ids is not None:
        timers = timers.filter(case__team_id__in=list(team_ids))
    if customer_id is not None:
        timers = timers.filter(case__customer_id=customer_id)
    while True:
        with tenant_context(tenant):
            case_ids = list(
                timers.filter(case_id__gt=after)
                .order_by("case_id")
                .values_list("case_id", flat=True)
                .distinct()[:BATCH]
            )
        for case_id in case_ids:
            with tenant_context(tenant):
                case = (
                    Case.objects.for_tenant(tenant)
                    .select_for_update(of=("self",))
                    .select_related("tenant", "customer")
                    .filter(pk=case_id)
                    .first()
                )
                if case is not None and timers_recompute(case=case, at=at, cause=cause):
                    changed += 1
        if len(case_ids) < BATCH:
            return changed
        after = case_ids[-1]
