"""Writes about tenants, memberships and API keys. Each is one transaction with its audit event."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.message_templates.services import template_install_defaults
from apps.sla.services import sla_install_defaults
from apps.tenants.context import system_context
from apps.tenants.models import ApiKey, ApiScope, Domain, Membership, Role, Tenant

API_KEY_PREFIX = "tdk"


def hash_api_secret(secret: str) -> str:
    # API secrets are 256-bit random values, so a fast hash is safe and keeps per-request cost low.
    return hashlib.sha256(secret.encode()).hexdigest()


def tenant_create(*, slug: str, name: str, time_zone: str = "UTC", default_locale: str = "en", **branding) -> Tenant:
    """Create a tenant served at `{slug}.{BASE_DOMAIN}`."""
    with system_context():
        tenant = Tenant(slug=slug, name=name, time_zone=time_zone, default_locale=default_locale, **branding)
        tenant.full_clean()
        tenant.save()
        Domain.objects.create(tenant=tenant, host=f"{slug}.{settings.BASE_DOMAIN}", is_primary=True)
        audit_record(tenant=tenant, actor=None, action="tenant.created", target=tenant, changes={"slug": slug})
        sla_install_defaults(tenant=tenant)
        template_install_defaults(tenant=tenant)
    return tenant


@transaction.atomic
def domain_add(*, tenant: Tenant, actor: User | None, host: str) -> Domain:
    host = host.strip().lower()
    if Domain.objects.filter(host=host).exists():
        raise ValidationError({"host": "This host is already in use."})
    domain = Domain.objects.create(tenant=tenant, host=host)
    audit_record(tenant=tenant, actor=actor, action="domain.added", target=domain, changes={"host": host})
    return domain


@transaction.atomic
def membership_add(*, tenant: Tenant, actor: User | None, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    membership, created = Membership.objects.for_tenant(tenant).get_or_create(
        tenant=tenant, user=user, defaults={"role": role}
    )
    if not created:
        raise ValidationError({"user": "This person is already a member."})
    audit_record(
        tenant=tenant, actor=actor, action="membership.added", target=membership, changes={"role": role}
    )
    return membership


@transaction.atomic
def membership_change_role(*, tenant: Tenant, actor: User, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    if membership.user_id == actor.pk and role != Role.ADMIN:
        raise ValidationError({"role": "You cannot remove your own admin role."})
    old = membership.role
    Membership.objects.for_tenant(tenant).filter(pk=membership.pk).update(role=role)
    membership.role = role
    audit_record(
        tenant=tenant, actor=actor, action="membership.role_changed", target=membership, changes={"role": [old, role]}
    )
    return membership


@transaction.atomic
def membership_deactivate(*, tenant: Tenant, actor: User, membership: Membership) -> Membership:
    if membership.user_id == actor.pk:
        raise ValidationError({"user": "You cannot deactivate your own membership."})
    Membership.objects.for_tenant(tenant).filter(pk=membership.pk).update(is_active=False)
    membership.is_active = False
    audit_record(tenant=tenant, actor=actor, action="membership.deactivated", target=membership)
    return membership


@transaction.atomic
def api_key_create(*, tenant: Tenant, actor: User | None, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the full key, which is never retrievable again."""
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ValidationError({"scopes": f"Unknown scopes: {', '.join(unknown)}."})
    if not scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    if not name.strip():
        raise ValidationError({"name": "Give the key a name that says where it is used."})
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        tenant=tenant,
        name=name.strip(),
        prefix=prefix,
        secret_hash=hash_api_secret(secret),
        scopes=sorted(set(scopes)),
        created_by=actor,
    )
    audit_record(
        tenant=tenant, actor=actor, action="api_key.created", target=api_key, changes={"scopes": api_key.scopes}
    )
    return api_key, f"{API_KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_revoke(*, tenant: Tenant, actor: User | None, api_key: ApiKey) -> ApiKey:
    updated = ApiKey.objects.for_tenant(tenant).filter(pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit_record(tenant=tenant, actor=actor, action="api_key.revoked", target=api_key)
    api_key.refresh_from_db(fields=["revoked_at"])
    return api_key
