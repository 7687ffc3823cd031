"""Helpers for the SLA engine's tests: a tenant ready for timers, cases opened at a given moment."""

from datetime import datetime

import time_machine

from apps.cases.models import Case
from apps.message_templates.services import template_install_defaults
from apps.notifications.outbox.rules import trigger_rules_install_defaults
from apps.sla.models import SlaTimer, TimerState
from apps.sla.services import sla_install_defaults
from apps.tenants.models import Tenant
from tests.cases.factories import CaseFactory


def sla_ready(tenant: Tenant, *, templates: bool = True) -> Tenant:
    """What `tenant_create` installs: office hours (England), default policies and matrix, templates."""
    sla_install_defaults(tenant=tenant)
    if templates:
        template_install_defaults(tenant=tenant)
    trigger_rules_install_defaults(tenant=tenant)
    return tenant


def open_case(tenant: Tenant, at: datetime, **fields) -> Case:
    with time_machine.travel(at, tick=False):
        return CaseFactory(customer__tenant=tenant, **fields)


def timer_of(case: Case, kind: str) -> SlaTimer | None:
    """The case's latest timer of `kind`, whatever its state."""
    return SlaTimer.objects.for_tenant(case.tenant_id).filter(case=case, kind=kind).order_by("-id").first()


def live_timers(case: Case) -> dict[str, SlaTimer]:
    timers = (
        SlaTimer.objects.for_tenant(case.tenant_id)
        .filter(case=case)
        .exclude(state__in=[TimerState.MET, TimerState.CANCELLED])
    )
    return {timer.kind: timer for timer in timers}
