"""Reads about tenants, memberships and API keys."""

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.tenants.models import ApiKey, Domain, Membership, Tenant


def tenant_for_host(host: str) -> Tenant | None:
    domain = Domain.objects.select_related("tenant").filter(host=host.lower(), tenant__is_active=True).first()
    return domain.tenant if domain else None


def membership_for_user(*, tenant: Tenant, user: User) -> Membership | None:
    return (
        Membership.objects.for_tenant(tenant)
        .filter(user=user, is_active=True, user__is_active=True)
        .select_related("user")
        .first()
    )


def memberships_of_tenant(*, tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.for_tenant(tenant).select_related("user").order_by("user__full_name")


def api_keys_of_tenant(*, tenant: Tenant) -> QuerySet[ApiKey]:
    return ApiKey.objects.for_tenant(tenant).select_related("created_by").order_by("-created_at")


def primary_host(tenant: Tenant) -> str:
    domain = Domain.objects.filter(tenant=tenant).order_by("-is_primary", "id").first()
    return domain.host if domain else tenant.slug
