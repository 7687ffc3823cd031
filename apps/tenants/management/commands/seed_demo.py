"""Load the demo: tenants `acme` and `globex`, their staff, then every app's demo data.

Idempotent: `make run` calls it on every start, so each step looks its rows up before creating them.
"""

import importlib
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.accounts.models import User
from apps.tenants.context import system_context
from apps.tenants.models import Membership, Role, Tenant
from apps.tenants.services import membership_add, membership_reactivate, tenant_create

DEMO_PASSWORD = "tidings-demo"  # noqa: S105  (published demo logins, printed at the end)

# Apps add their demo data by appending a dotted module path here, e.g. "apps.customers.demo".
# The module defines `seed(*, tenant: Tenant, stdout: OutputWrapper) -> None`, which is called once
# per demo tenant in DEMO_TENANTS order (acme: an admin, a supervisor and three agents; globex: an
# admin only), inside system_context() and the one transaction of the whole command. It must be
# idempotent: look rows up by a natural key before creating them. Find staff with
# `Membership.objects.for_tenant(tenant).filter(role=...)`.
DEMO_SEEDERS: list[str] = ["apps.customers.demo", "apps.cases.demo", "apps.sla.demo", "apps.portal.demo"]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    time_zone: str
    brand_colour: str
    people: tuple[DemoPerson, ...]


DEMO_TENANTS = (
    DemoTenant(
        slug="acme",
        name="Acme Retail",
        time_zone="Europe/London",
        brand_colour="#0f766e",
        people=(
            DemoPerson("admin@acme.example", "Amelia Hart", Role.ADMIN),
            DemoPerson("supervisor@acme.example", "Samuel Okafor", Role.SUPERVISOR),
            DemoPerson("agent1@acme.example", "Priya Shah", Role.AGENT),
            DemoPerson("agent2@acme.example", "Tom Becker", Role.AGENT),
            DemoPerson("agent3@acme.example", "Lena Novak", Role.AGENT),
        ),
    ),
    DemoTenant(
        slug="globex",
        name="Globex Services",
        time_zone="America/New_York",
        brand_colour="#6d28d9",
        people=(DemoPerson("admin@globex.example", "Grace Miller", Role.ADMIN),),
    ),
)


def _ensure_tenant(spec: DemoTenant) -> Tenant:
    tenant = Tenant.objects.filter(slug=spec.slug).first()
    if tenant is None:
        tenant = tenant_create(
            slug=spec.slug, name=spec.name, time_zone=spec.time_zone, brand_colour=spec.brand_colour
        )
    return tenant


def _ensure_member(tenant: Tenant, person: DemoPerson) -> None:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            email=person.email, password=DEMO_PASSWORD, full_name=person.full_name
        )
    elif not user.check_password(DEMO_PASSWORD):
        # Someone changed it while trying the demo; the printed logins must keep working.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    membership = Membership.objects.for_tenant(tenant).filter(user=user).first()
    if membership is None:
        membership_add(tenant=tenant, actor=None, user=user, role=person.role)
    elif not membership.is_active:
        membership_reactivate(tenant=tenant, actor=None, membership=membership, role=person.role)


class Command(BaseCommand):
    help = "Create the demo tenants (acme, globex), their staff and every app's demo data. Safe to rerun."

    def handle(self, *args, **options):
        seeders = [importlib.import_module(path) for path in DEMO_SEEDERS]
        with system_context():
            tenants = []
            for spec in DEMO_TENANTS:
                tenant = _ensure_tenant(spec)
                for person in spec.people:
                    _ensure_member(tenant, person)
                tenants.append(tenant)
            for tenant in tenants:
                for seeder in seeders:
                    seeder.seed(tenant=tenant, stdout=self.stdout)
        self._print_summary()

    def _print_summary(self) -> None:
        port = f":{settings.BASE_PORT}" if settings.BASE_PORT not in ("", "80", "443") else ""
        first = DEMO_TENANTS[0]
        base = f"http://{first.slug}.{settings.BASE_DOMAIN}{port}"
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write("")
        for spec in DEMO_TENANTS:
            host = f"http://{spec.slug}.{settings.BASE_DOMAIN}{port}"
            self.stdout.write(f"  {spec.name:<18} staff app  {host}/app/")
            self.stdout.write(f"  {'':<18} portal     {host}/portal/")
        self.stdout.write(f"  {'API':<18} docs       {base}/api/v1/docs/  (schema: {base}/api/v1/schema/)")
        self.stdout.write("")
        rows = [(p.email, DEMO_PASSWORD, p.role, spec.slug) for spec in DEMO_TENANTS for p in spec.people]
        header = ("email", "password", "role", "tenant")
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *rows]:
            cells = (str(value).ljust(width) for value, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
