"""Reference allocation against real PostgreSQL from parallel threads, each with its own connection."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from apps.cases.models import Case
from apps.cases.services import case_open
from apps.customers.models import Customer
from apps.tenants.context import tenant_context
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.customers.factories import CustomerFactory
from tests.factories import TenantFactory

THREADS = 8
CASES_PER_THREAD = 25


def _open_cases(tenant_id: int, customer_id: int) -> list[str]:
    from apps.tenants.models import Tenant

    references = []
    try:
        tenant = Tenant.objects.get(pk=tenant_id)
        for index in range(CASES_PER_THREAD):
            with tenant_context(tenant):
                customer = Customer.objects.for_tenant(tenant).get(pk=customer_id)
                case = case_open(tenant=tenant, actor=None, customer=customer, subject=f"Parallel {index}")
                references.append(case.reference)
    finally:
        connection.close()
    return references


@pytest.mark.django_db(transaction=True)
def test_parallel_openers_get_unique_gapless_references():
    tenant = TenantFactory(slug="acme")
    customer = CustomerFactory(tenant=tenant)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda _: _open_cases(tenant.pk, customer.pk), range(THREADS)))
    references = [reference for batch in results for reference in batch]
    assert len(references) == len(set(references)) == THREADS * CASES_PER_THREAD
    numbers = sorted(Case.objects.for_tenant(tenant).values_list("number", flat=True))
    assert numbers == list(range(1001, 1001 + THREADS * CASES_PER_THREAD))
    assert sorted(references) == sorted(f"ACME-{number}" for number in numbers)
