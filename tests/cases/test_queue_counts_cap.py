"""`case_queue_counts(cap=…)`: the workspace asks for smaller counts than the default cap."""

import pytest

from apps.cases.queue import case_queue_counts
from apps.tenants.models import Membership
from tests.cases.factories import CaseFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_counts_stop_at_the_given_cap_and_are_exact_below_it(actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    for index in range(5):
        CaseFactory(customer=customer, subject=f"Case {index}")
    agent = Membership.objects.for_tenant(actors.tenant_a).get(user=actors.agent_a)
    capped = case_queue_counts(tenant=actors.tenant_a, membership=agent, cap=3)
    exact = case_queue_counts(tenant=actors.tenant_a, membership=agent)
    assert capped["unassigned"] == 3 and capped["open"] == 3 and capped["mine"] == 0
    assert exact["unassigned"] == 5 and exact["open"] == 5
