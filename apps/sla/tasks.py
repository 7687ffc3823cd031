"""Celery tasks of the SLA engine: thin, each enters the right context and calls one service.

- `sla_sweep_due_timers`: beat, every few seconds (`CELERY_BEAT_SCHEDULE`), see `apps.sla.sweeper`.
- `sla_fire_timer`: right after a case opens, so its acknowledgement leaves at once instead of at
  the next sweep (the sweep remains the safety net if this task is lost).
- `sla_recompute_tenant`: after an admin changes a policy or a calendar, open cases follow (only
  some teams' cases after a change of which calendar they work to).
- `send_staff_notice_email`: the email copy of an in-app notice, after commit.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse

from apps.common.clock import now
from apps.sla.models import StaffNotice
from apps.sla.recompute import RECOMPUTE_CAUSE, timers_recompute_for_tenant
from apps.sla.sweeper import sla_sweep, timer_fire
from apps.tenants.context import tenant_context
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)


def _tenant(tenant_id: int) -> Tenant | None:
    return Tenant.objects.filter(pk=tenant_id, is_active=True).first()


@shared_task(ignore_result=True)
def sla_sweep_due_timers() -> dict[str, int]:
    result = sla_sweep()
    if result.claimed:
        logger.info("SLA sweep: %s claimed, outcomes %s", result.claimed, dict(result.outcomes))
    return dict(result.outcomes)


@shared_task(ignore_result=True)
def sla_fire_timer(*, tenant_id: int, timer_id: int) -> str:
    tenant = _tenant(tenant_id)
    return timer_fire(tenant=tenant, timer_id=timer_id) if tenant else "tenant inactive"


@shared_task(ignore_result=True)
def sla_recompute_tenant(
    *,
    tenant_id: int,
    team_ids: list[int] | None = None,
    customer_id: int | None = None,
    cause: str = RECOMPUTE_CAUSE,
) -> int:
    tenant = _tenant(tenant_id)
    if tenant is None:
        return 0
    return timers_recompute_for_tenant(
        tenant=tenant, at=now(), cause=cause, team_ids=team_ids, customer_id=customer_id
    )


def _case_url(tenant: Tenant, reference: str) -> str:
    from apps.portal.links import portal_base_url  # the tenant's public host, also for staff links

    try:
        return portal_base_url(tenant) + reverse("cases:detail", args=[reference])
    except NoReverseMatch:
        return ""


@shared_task(bind=True, max_retries=3, ignore_result=True)
def send_staff_notice_email(self, *, tenant_id: int, notice_id: int) -> bool:
    """Email one notice to its staff member (one per task, so a retry never sends another twice)."""
    tenant = _tenant(tenant_id)
    if tenant is None:
        return False
    with tenant_context(tenant):
        notice = (
            StaffNotice.objects.for_tenant(tenant).filter(pk=notice_id).select_related("user", "case").first()
        )
    if notice is None:
        return False
    link = _case_url(tenant, notice.case.reference) if notice.case_id else ""
    try:
        send_mail(
            subject=f"[{tenant.public_name}] {notice.get_kind_display()}"
            + (f": {notice.case.reference}" if notice.case_id else ""),
            message=notice.text + (f"\n\nOpen the case: {link}" if link else ""),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notice.user.email],
        )
    except OSError as error:  # SMTP and connection errors; EMAIL_TIMEOUT bounds each attempt
        raise self.retry(exc=error, countdown=30 * (self.request.retries + 1)) from error
    return True
