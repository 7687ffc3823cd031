"""Fixtures every test can use: platform scope for test code, three ready actors, tenant clients."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from apps.accounts.models import User
from apps.tenants.models import Role, Tenant
from tests.factories import MembershipFactory, TenantFactory

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def _set_bypass(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.rls_bypass', %s, false)", [value])


@pytest.fixture(autouse=True)
def _platform_scope_for_test_code(request):
    """Test code (factories, assertions) runs as the platform so it may arrange rows of any tenant.

    Code under test still sets its own scope: requests through the tenant middleware and Celery
    tasks run under `tenant_context`, where RLS shows one tenant only. The tenancy guard
    (TENANCY_STRICT) applies to test code too: query through `for_tenant()`.
    """
    uses_db = request.node.get_closest_marker("django_db") is not None or DB_FIXTURES & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    _set_bypass("on")
    yield
    _set_bypass("")


@pytest.fixture(autouse=True)
def _isolated_cache(settings, request):
    """Each test gets its own cache key space in the real Redis (throttles, sessions)."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test:{request.node.nodeid}"},
    }


def host_of(tenant: Tenant) -> str:
    return f"{tenant.slug}.{settings.BASE_DOMAIN}"


def client_for(tenant: Tenant, user: User | None = None) -> Client:
    """A test client that talks to the tenant's host, signed in as `user` when given."""
    client = Client(HTTP_HOST=host_of(tenant))
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Actors:
    tenant_a: Tenant
    tenant_b: Tenant
    agent_a: User
    supervisor_a: User
    admin_a: User
    staff_b: User


@pytest.fixture
def actors(db) -> Actors:
    """Three ready actors (STYLE.md): tenant A staff in two roles (+ an admin), and tenant B staff."""
    tenant_a = TenantFactory(slug="alpha", name="Alpha Ltd")
    tenant_b = TenantFactory(slug="beta", name="Beta Ltd")
    agent_a = MembershipFactory(tenant=tenant_a, role=Role.AGENT).user
    supervisor_a = MembershipFactory(tenant=tenant_a, role=Role.SUPERVISOR).user
    admin_a = MembershipFactory(tenant=tenant_a, role=Role.ADMIN).user
    staff_b = MembershipFactory(tenant=tenant_b, role=Role.ADMIN).user
    return Actors(tenant_a, tenant_b, agent_a, supervisor_a, admin_a, staff_b)
