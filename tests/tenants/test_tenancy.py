import pytest
from django.db import connection

from apps.tenants.context import tenant_context
from apps.tenants.managers import UnscopedTenantQuery
from apps.tenants.models import Membership
from tests.conftest import client_for, host_of

pytestmark = pytest.mark.django_db


def test_known_host_resolves_to_its_tenant(actors):
    response = client_for(actors.tenant_a, actors.agent_a).get("/app/")
    assert response.status_code == 200
    assert response.wsgi_request.tenant == actors.tenant_a


def test_unknown_host_gets_a_clear_404_page(client):
    response = client.get("/app/", HTTP_HOST="nobody.localhost")
    assert response.status_code == 404
    assert b"No Tidings workspace at nobody.localhost" in response.content


def test_custom_domain_resolves_to_its_tenant(actors):
    from apps.tenants.services import domain_add

    domain_add(tenant=actors.tenant_a, actor=actors.admin_a, host="support.alpha.example")
    from django.test import Client

    response = Client(HTTP_HOST="support.alpha.example").get("/app/login/")
    assert response.status_code == 200
    assert response.wsgi_request.tenant == actors.tenant_a


def test_member_of_another_tenant_is_not_signed_in_here(actors):
    response = client_for(actors.tenant_a, actors.staff_b).get("/app/")
    assert response.status_code == 302
    assert response.wsgi_request.membership is None


def test_unscoped_query_on_tenant_owned_table_fails():
    with pytest.raises(UnscopedTenantQuery):
        list(Membership.objects.all())


def test_scoped_and_related_queries_pass(actors):
    assert Membership.objects.for_tenant(actors.tenant_a).count() == 3
    assert actors.agent_a.memberships.count() == 1


def _visible_membership_tenants() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tenant_id FROM tenants_membership")
        return {row[0] for row in cursor.fetchall()}


def _as_ordinary_role(cursor) -> None:
    """Tests may run as a superuser (who bypasses RLS); switch to a role that does not."""
    cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tidings_rls_probe') "
            "THEN CREATE ROLE tidings_rls_probe NOLOGIN; END IF; END $$"
        )
        cursor.execute("GRANT SELECT ON tenants_membership TO tidings_rls_probe")
        cursor.execute("SET LOCAL ROLE tidings_rls_probe")


def test_row_level_security_hides_other_tenants_rows_from_raw_sql(actors):
    with tenant_context(actors.tenant_a):
        with connection.cursor() as cursor:
            _as_ordinary_role(cursor)
        assert _visible_membership_tenants() == {actors.tenant_a.pk}
    with tenant_context(actors.tenant_b):
        with connection.cursor() as cursor:
            _as_ordinary_role(cursor)
        assert _visible_membership_tenants() == {actors.tenant_b.pk}


def test_row_level_security_refuses_writes_into_another_tenant(actors):
    from django.db import DatabaseError, transaction

    with tenant_context(actors.tenant_a):
        with connection.cursor() as cursor:
            _as_ordinary_role(cursor)
        with pytest.raises(DatabaseError), transaction.atomic():
            Membership.objects.create(tenant=actors.tenant_b, user=actors.agent_a, role="agent")


def test_every_tenant_owned_table_has_forced_rls():
    from django.apps import apps

    from apps.tenants.models import TenantOwnedModel

    tables = {m._meta.db_table for m in apps.get_models() if issubclass(m, TenantOwnedModel)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relname = ANY(%s)",
            [list(tables)],
        )
        protected = {row[0] for row in cursor.fetchall()}
    assert tables - protected == set()


def test_host_helper_matches_domain(actors):
    assert actors.tenant_a.domains.get().host == host_of(actors.tenant_a)
