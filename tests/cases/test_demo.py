import io

import pytest
from django.core.management.base import OutputWrapper

from apps.cases import demo as cases_demo
from apps.cases.models import Case, CaseKind, CaseStatus, EntryKind, TimelineEntry
from apps.common.clock import now
from apps.customers import demo as customers_demo
from apps.customers.models import Customer, Order, OrderStatus
from apps.tenants.models import Role
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.factories import MembershipFactory, TenantFactory

pytestmark = pytest.mark.django_db


def test_the_demo_is_lived_in_and_seeding_again_adds_nothing():
    tenant = TenantFactory(slug="demo-shop")
    for role in (Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.AGENT, Role.AGENT):
        MembershipFactory(tenant=tenant, role=role)
    out = OutputWrapper(io.StringIO())
    for _ in range(2):
        customers_demo.seed(tenant=tenant, stdout=out)
        cases_demo.seed(tenant=tenant, stdout=out)

    customers = Customer.objects.for_tenant(tenant)
    assert customers.count() == customers_demo.CUSTOMER_COUNT
    assert len(set(customers.values_list("time_zone", flat=True))) >= 5
    assert set(Order.objects.for_tenant(tenant).values_list("status", flat=True)) == set(OrderStatus.values)

    cases = Case.objects.for_tenant(tenant)
    assert cases.count() == sum(cases_demo.PLAN.values())
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(cases.values_list("kind", flat=True)) == set(CaseKind.values)
    assert cases.exclude(assignee=None).values("assignee").distinct().count() == 3

    entries = TimelineEntry.objects.for_tenant(tenant)
    for case in cases.order_by("id")[:40]:
        times = list(entries.filter(case=case).order_by("seq").values_list("created_at", flat=True))
        assert times == sorted(times) and times[-1] <= now()
        assert case.created_at <= times[0] and case.last_activity_at == times[-1]
        if case.status == CaseStatus.CLOSED:
            assert case.closed_at and case.resolved_at and case.first_response_at
    assert not entries.filter(pending_delivery=True).exists()
    assert entries.filter(kind=EntryKind.ESCALATION).exists()
    assert entries.filter(kind=EntryKind.CUSTOMER_UPDATE).exists()
