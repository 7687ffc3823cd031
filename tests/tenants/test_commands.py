"""Management commands of the tenants app: seed_demo and create_api_key."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.tenants.management.commands import seed_demo
from apps.tenants.models import ApiKey, Domain, Membership, Role, Tenant
from tests.conftest import client_for
from tests.factories import bearer
from tests.tenants import demo_seeder_probe

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    tenants = list(Tenant.objects.all())
    return {
        "tenants": len(tenants),
        "domains": Domain.objects.count(),
        "users": User.objects.count(),
        "memberships": sum(Membership.objects.for_tenant(t).count() for t in tenants),
        "audit": sum(AuditEvent.objects.for_tenant(t).count() for t in tenants),
    }


@pytest.fixture
def staff_only_seed(monkeypatch):
    """The app seeders take half a minute; tests about the staff part run with a stand-in."""
    monkeypatch.setattr(seed_demo, "DEMO_SEEDERS", ["tests.tenants.demo_seeder_probe"])


def test_seed_demo_creates_both_tenants_and_their_staff(staff_only_seed):
    output = _run("seed_demo")

    acme = Tenant.objects.get(slug="acme")
    globex = Tenant.objects.get(slug="globex")
    assert (acme.name, acme.time_zone) == ("Acme Retail", "Europe/London")
    assert (globex.name, globex.time_zone) == ("Globex Services", "America/New_York")
    roles = sorted(Membership.objects.for_tenant(acme).values_list("role", flat=True))
    assert roles == sorted([Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.AGENT, Role.AGENT])
    assert list(Membership.objects.for_tenant(globex).values_list("role", flat=True)) == [Role.ADMIN]
    assert "http://acme.localhost:" in output
    assert "admin@acme.example" in output and seed_demo.DEMO_PASSWORD in output


def test_seed_demo_twice_duplicates_nothing():
    _run("seed_demo")
    first = _counts()

    _run("seed_demo")

    assert _counts() == first


def test_demo_logins_work_on_their_tenant_host(staff_only_seed):
    _run("seed_demo")
    acme = Tenant.objects.get(slug="acme")

    response = client_for(acme).post(
        "/app/login/", {"email": "supervisor@acme.example", "password": seed_demo.DEMO_PASSWORD}
    )

    assert response.status_code == 302


def test_seed_demo_restores_a_demo_password_that_was_changed(staff_only_seed):
    _run("seed_demo")
    user = User.objects.get(email="agent1@acme.example")
    user.set_password("something else entirely")
    user.save()

    _run("seed_demo")

    user.refresh_from_db()
    assert user.check_password(seed_demo.DEMO_PASSWORD)


def test_seed_demo_calls_every_listed_seeder_once_per_tenant_after_the_staff_exist(monkeypatch):
    monkeypatch.setattr(seed_demo, "DEMO_SEEDERS", ["tests.tenants.demo_seeder_probe"])
    demo_seeder_probe.CALLS.clear()

    output = _run("seed_demo")

    assert demo_seeder_probe.CALLS == [("acme", 5), ("globex", 1)]
    assert "probe seeded acme" in output


def test_a_listed_seeder_that_does_not_exist_fails_loudly(monkeypatch):
    monkeypatch.setattr(seed_demo, "DEMO_SEEDERS", ["apps.nowhere.demo"])

    with pytest.raises(ModuleNotFoundError):
        _run("seed_demo")
    assert not Tenant.objects.filter(slug="acme").exists()


def test_create_api_key_prints_a_working_key_once(actors):
    output = _run("create_api_key", "--tenant", "alpha", "--name", "Order system", "--scopes", "read,events")

    full_key = output.strip().splitlines()[-1]
    api_key = ApiKey.objects.for_tenant(actors.tenant_a).get()
    assert full_key.startswith(f"tdk_{api_key.prefix}_")
    assert api_key.scopes == ["events", "read"]
    assert full_key not in api_key.secret_hash
    assert client_for(actors.tenant_a).get("/api/v1/me/", **bearer(full_key)).status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "nowhere", "--name", "X"], "No tenant with slug"),
        (["--tenant", "alpha", "--name", "X", "--scopes", "read,admin"], "Unknown scopes: admin"),
        (["--tenant", "alpha", "--name", " "], "Give the key a name"),
    ],
    ids=["unknown-tenant", "unknown-scope", "blank-name"],
)
def test_create_api_key_refuses_bad_input_clearly(actors, args, message):
    with pytest.raises(CommandError, match=message):
        _run("create_api_key", *args)
