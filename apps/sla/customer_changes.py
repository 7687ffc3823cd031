"""A customer changed (`customer.updated`): what the SLA engine follows up.

Policies match on the customer's tags and the update clock follows the customer's chosen cadence, so
a change to either re-targets the live clocks of the customer's open cases (`timers_recompute`: time
already used stays used, each changed case gets its timeline entry and audit event). A change to how
the customer can be reached re-arms a welcome that could not be sent (`apps.sla.welcome`).

Runs in the publishing transaction, like the other handlers, while the customer has at most
`INLINE_CASES` cases with live clocks (each a few queries; cases locked in id order, as case services
and the tenant-wide recompute do). A customer with more — a business account with many open cases —
is recomputed by the `sla_recompute_tenant` task after commit, one case per transaction, so saving
their profile never holds dozens of case locks.
"""

from collections.abc import Collection
from datetime import datetime

from django.db import transaction

from apps.cases.models import Case
from apps.sla.models import SlaTimer
from apps.sla.timer_models import LIVE_STATES
from apps.sla.timers import CASE_TIMER_KINDS, timers_recompute
from apps.sla.welcome import WELCOME_REACH_FIELDS, welcome_rearm

INLINE_CASES = 20
TARGET_FIELDS = {
    "tags": "the customer's tags changed",
    "update_cadence": "the customer's update cadence changed",
}


def timers_recompute_for_customer(*, tenant_id: int, customer_id: int, at: datetime, cause: str) -> int:
    """Recompute the live clocks of the customer's cases; returns how many cases changed (here), or
    0 when there are too many for this transaction and a task was asked to do it after commit."""
    case_ids = (
        SlaTimer.objects.for_tenant(tenant_id)
        .filter(case__customer_id=customer_id, state__in=LIVE_STATES, kind__in=CASE_TIMER_KINDS)
        .values("case_id")
        .distinct()
    )
    if case_ids[: INLINE_CASES + 1].count() > INLINE_CASES:
        from apps.sla.tasks import sla_recompute_tenant

        transaction.on_commit(
            lambda: sla_recompute_tenant.delay(tenant_id=tenant_id, customer_id=customer_id, cause=cause)
        )
        return 0
    cases = (
        Case.objects.for_tenant(tenant_id)
        .filter(pk__in=case_ids)
        .select_for_update(of=("self",))
        .select_related("tenant", "customer", "team")
        .defer("search_vector")
        .order_by("id")
    )
    return sum(1 for case in cases if timers_recompute(case=case, at=at, cause=cause))


def sla_customer_changed(*, tenant_id: int, customer_id: int, fields: Collection[str], at: datetime) -> None:
    causes = [cause for field, cause in TARGET_FIELDS.items() if field in fields]
    if causes:
        timers_recompute_for_customer(
            tenant_id=tenant_id, customer_id=customer_id, at=at, cause=" and ".join(causes)
        )
    if WELCOME_REACH_FIELDS & set(fields):
        welcome_rearm(tenant_id=tenant_id, customer_id=customer_id, fields=fields, at=at)
