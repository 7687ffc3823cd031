"""A stand-in for an app's demo module (see DEMO_SEEDERS in seed_demo.py); records its calls."""

from apps.tenants.models import Membership

CALLS: list[tuple[str, int]] = []


def seed(*, tenant, stdout) -> None:
    CALLS.append((tenant.slug, Membership.objects.for_tenant(tenant).count()))
    stdout.write(f"probe seeded {tenant.slug}")
