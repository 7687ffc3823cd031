"""Reads of the portal: what one signed-in customer may see, and the rows the portal keeps."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from apps.cases.models import Case, CaseStatus
from apps.common.clock import now
from apps.customers.models import Customer, Order
from apps.customers.selectors import customer_orders
from apps.portal.models import DataExport, ExportStatus, SignInCode
from apps.sla.business_time import CalendarError
from apps.sla.policies import combine_policies
from apps.sla.selectors import calendar_snapshot, policies_of_tenant, resolve_due_times, team_calendar_ids
from apps.tenants.models import Tenant

# Statuses in which "we expect to resolve it by …" is a promise still worth showing.
ESTIMATED_STATUSES = (CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED)


def sign_in_code_for_delivery(*, tenant: Tenant, code_id: int) -> SignInCode | None:
    """The code row the send task delivers, unless it was used or retired in the meantime."""
    return (
        SignInCode.objects.for_tenant(tenant)
        .filter(pk=code_id, used_at__isnull=True, expires_at__gt=now())
        .select_related("customer", "contact_point")
        .first()
    )


def _policy_estimates(tenant: Tenant, customer: Customer, cases: list[Case]) -> dict[int, datetime]:
    """The resolve target of each case's SLA policy, counted from when it was opened (in the policy's
    calendar, else the case's team's, else the default)."""
    policies = list(policies_of_tenant(tenant=tenant).filter(is_active=True))
    team_calendars = team_calendar_ids(tenant=tenant, team_ids=[case.team_id for case in cases])
    estimates = {}
    for case in cases:
        effective = combine_policies(
            policies,
            kind=case.kind,
            priority=case.priority,
            channel=case.source_channel,
            tags=customer.tags,
            team_calendar_id=team_calendars.get(case.team_id),
        )
        calendar = calendar_snapshot(tenant=tenant, calendar_id=effective.calendar_id)
        try:
            estimates[case.pk] = effective.resolve.due_at(calendar, case.created_at)
        except CalendarError:  # a calendar with no opening hours left: no estimate to give
            continue
    return estimates


def expected_resolutions(*, tenant: Tenant, customer: Customer, cases: Iterable[Case]) -> dict[int, datetime]:
    """When each open case should be resolved, by case id: the time promised in its latest delay
    notice; else the due time of its running SLA resolution timer; for a case without one (opened
    before the SLA engine ran), its policy's resolve target from when it was opened. A reopened
    case without a timer, a case waiting for the customer (its clock is paused) and an estimate
    already passed give none: a missed date is no promise.
    """
    cases = [case for case in cases if case.status in ESTIMATED_STATUSES]
    if not cases:
        return {}
    estimates = resolve_due_times(tenant=tenant, case_ids=[case.pk for case in cases])
    untimed = [case for case in cases if case.pk not in estimates and case.status != CaseStatus.REOPENED]
    if untimed:
        estimates.update(_policy_estimates(tenant, customer, untimed))
    estimates.update({case.pk: case.promised_resolution_at for case in cases if case.promised_resolution_at})
    moment = now()
    return {case_id: due for case_id, due in estimates.items() if due > moment}


def customer_order(*, customer: Customer, order_id: int) -> Order | None:
    """One of the customer's own orders, with its status history."""
    return customer_orders(customer=customer).filter(pk=order_id).first()


def data_exports_of(*, customer: Customer) -> QuerySet[DataExport]:
    return (
        DataExport.objects.for_tenant(customer.tenant_id)
        .filter(customer_id=customer.pk)
        .order_by("-requested_at", "-id")
    )


def data_export_for_download(*, customer: Customer, export_id: int) -> DataExport | None:
    """The customer's own export, if it is ready and not yet expired."""
    return (
        data_exports_of(customer=customer)
        .filter(pk=export_id, status=ExportStatus.READY, expires_at__gt=now())
        .first()
    )


def data_exports_expired() -> QuerySet[DataExport]:
    """Ready exports past their download window, in every tenant (the hourly purge; system context)."""
    return (
        DataExport.objects.across_tenants()
        .filter(status=ExportStatus.READY, expires_at__lte=now())
        .select_related("tenant")
        .order_by("expires_at")
    )
