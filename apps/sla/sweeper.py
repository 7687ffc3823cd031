"""The sweeper: find timers whose moment has come, across tenants, and act on each exactly once.

1. **Claim** (one short transaction under `system_context`, all tenants): the due rows, oldest first,
   `SELECT … FOR UPDATE SKIP LOCKED … LIMIT n` over the partial index `sla_timer_sweep` (only
   live timers are in it, ordered by `next_action_at`), so the query reads the due rows and stops
   — its cost follows the number of due timers, not of open cases. The claimed rows' `next_action_at`
   moves a lease ahead, so another sweeper does not pick them up meanwhile; if this one dies, they
   come due again when the lease ends.
2. **Act** on each timer in its own transaction under its tenant's `tenant_context`: lock the row
   (skipping it if someone else holds it), recompute from the row what is due now and stop if
   nothing is (another sweeper or a case change got there first), lock the case (skipping a case an
   agent is changing right now: it is retried in a few seconds, and no lock is waited for while
   holding another), act, save. Two sweepers, or a sweeper and the immediate `sla_fire_timer`
   task, can therefore never both act: the second finds the state already moved on.

Locks are taken in the order timer → case → (audit chain head), never waiting on a case while
holding the timer, which keeps the sweeper out of deadlocks with case services (case → audit →
timers).
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apps.cases.models import Case
from apps.common.clock import now
from apps.sla.actions import timer_act
from apps.sla.held import reads_held
from apps.sla.models import SlaTimer, TimerKind
from apps.sla.tenant_settings import sla_settings_for
from apps.sla.timer_models import SWEPT_STATES
from apps.sla.timers import timer_schedule
from apps.sla.welcome import welcome_send
from apps.tenants.context import system_context, tenant_context
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
LEASE = timedelta(seconds=60)
BUSY_RETRY = timedelta(seconds=5)
MAX_ACTIONS_PER_FIRE = 8
SCHEDULE_FIELDS = ["due_at", "warn_at", "next_action_at", "updated_at"]


@dataclass
class SweepResult:
    claimed: int = 0
    outcomes: Counter = field(default_factory=Counter)

    @property
    def acted(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome not in ("not due", "busy", "failed"))


def timers_claim(*, at: datetime, limit: int = BATCH_SIZE) -> list[tuple[int, int]]:
    """(tenant id, timer id) of up to `limit` due timers, leased to this sweeper."""
    with system_context():
        # Across tenants on purpose: the sweep is platform work (tenants are acted on one by one).
        due = (
            SlaTimer.objects.across_tenants()
            .filter(state__in=SWEPT_STATES, next_action_at__lte=at, tenant__is_active=True)
            .order_by("next_action_at")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("tenant_id", "id")[:limit]
        )
        claimed = list(due)
        if claimed:
            SlaTimer.objects.across_tenants().filter(pk__in=[pk for _, pk in claimed]).update(
                next_action_at=at + LEASE
            )
    return claimed


def _locked_case(tenant: Tenant, case_id: int) -> Case | None:
    case = (
        Case.objects.for_tenant(tenant)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("customer", "team", "assignee", "order")
        .defer("search_vector")
        .filter(pk=case_id)
        .first()
    )
    if case is not None:
        case.tenant = tenant  # one instance per sweep: its settings are read once
    return case


def timer_fire(*, tenant: Tenant, timer_id: int, at: datetime | None = None) -> str:
    """Act on one timer if (and only if) something is due now; return what happened."""
    at = at or now()
    with tenant_context(tenant), reads_held(tenant):
        timer = (
            SlaTimer.objects.for_tenant(tenant)
            .select_for_update(skip_locked=True)
            .filter(pk=timer_id)
            .first()
        )
        if timer is None:
            return "busy"
        if timer.state not in SWEPT_STATES:
            return "not due"
        timer.tenant = tenant
        timer.updated_at = at
        if timer.kind == TimerKind.WELCOME:
            done = welcome_send(timer=timer, tenant=tenant, at=at)
            timer.save()
            return done
        timer_schedule(timer, grace=sla_settings_for(tenant).status_update_grace)
        if timer.next_action_at is None or timer.next_action_at > at:
            timer.save(update_fields=SCHEDULE_FIELDS)
            return "not due"
        case = _locked_case(tenant, timer.case_id)
        if case is None:  # an agent is changing the case right now
            timer.next_action_at = at + BUSY_RETRY
            timer.save(update_fields=SCHEDULE_FIELDS)
            return "busy"
        # Catch up when several thresholds have passed (the sweeper was down): warn, then breach …
        done = []
        for _ in range(MAX_ACTIONS_PER_FIRE):
            done.append(timer_act(timer, case, at))
            if timer.next_action_at is None or timer.next_action_at > at or timer.state not in SWEPT_STATES:
                break
        timer.save()
        return ", ".join(done)


def sla_sweep(
    *, at: datetime | None = None, batch_size: int = BATCH_SIZE, max_batches: int = 50
) -> SweepResult:
    """Claim and act on due timers in batches until none are left (or `max_batches` ran)."""
    result = SweepResult()
    tenants: dict[int, Tenant] = {}
    for _ in range(max_batches):
        moment = at or now()
        claimed = timers_claim(at=moment, limit=batch_size)
        result.claimed += len(claimed)
        missing = {tenant_id for tenant_id, _ in claimed} - tenants.keys()
        tenants.update(Tenant.objects.in_bulk(missing))
        for tenant_id, timer_id in claimed:
            try:
                outcome = timer_fire(tenant=tenants[tenant_id], timer_id=timer_id, at=moment)
            except Exception:
                # The lease brings it back in a minute; one bad timer must not stop the others.
                logger.exception("SLA timer %s of tenant %s failed", timer_id, tenant_id)
                outcome = "failed"
            result.outcomes[outcome] += 1
        if len(claimed) < batch_size:
            break
    return result
