"""Writes about tenants, memberships and API keys. Each is one transaction with its audit event."""

import hashlib
import secrets
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction

from apps.accounts.emails import send_invitation
from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.common.clock import now
from apps.message_templates.services import template_install_defaults
from apps.notifications.outbox.rules import trigger_rules_install_defaults
from apps.sla.services import sla_install_defaults
from apps.tenants.context import system_context
from apps.tenants.models import ApiKey, ApiScope, Domain, Membership, Role, Tenant, logo_extension

API_KEY_PREFIX = "tdk"


def hash_api_secret(secret: str) -> str:
    # API secrets are 256-bit random values, so a fast hash is safe and keeps per-request cost low.
    return hashlib.sha256(secret.encode()).hexdigest()


def tenant_create(
    *, slug: str, name: str, time_zone: str = "UTC", default_locale: str = "en", **branding
) -> Tenant:
    """Create a tenant served at `{slug}.{BASE_DOMAIN}`."""
    with system_context():
        tenant = Tenant(slug=slug, name=name, time_zone=time_zone, default_locale=default_locale, **branding)
        tenant.full_clean()
        tenant.save()
        Domain.objects.create(tenant=tenant, host=f"{slug}.{settings.BASE_DOMAIN}", is_primary=True)
        audit_record(
            tenant=tenant, actor=None, action="tenant.created", target=tenant, changes={"slug": slug}
        )
        sla_install_defaults(tenant=tenant)
        template_install_defaults(tenant=tenant)
        trigger_rules_install_defaults(tenant=tenant)
    return tenant


# Settings an admin may change, with how the audit log shows them (all non-personal).
TENANT_SETTINGS_FIELDS = (
    "display_name",
    "brand_colour",
    "time_zone",
    "default_locale",
    "notification_retention_days",
)


@transaction.atomic
def tenant_update_settings(
    *,
    tenant: Tenant,
    actor: User,
    display_name: str,
    brand_colour: str,
    time_zone: str,
    default_locale: str,
    notification_retention_days: int,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Tenant:
    """Change the tenant's branding and defaults; records which fields changed, old and new values."""
    values = {
        "display_name": display_name.strip(),
        "brand_colour": brand_colour.lower(),
        "time_zone": time_zone,
        "default_locale": default_locale,
        "notification_retention_days": notification_retention_days,
    }
    changes: dict[str, object] = {}
    for field in TENANT_SETTINGS_FIELDS:
        old = getattr(tenant, field)
        if old != values[field]:
            changes[field] = [old, values[field]]
            setattr(tenant, field, values[field])
    old_logo = tenant.logo.name
    if logo is not None:
        extension = logo_extension(logo)
        logo.name = f"{tenant.slug}-{secrets.token_hex(4)}.{extension}"  # never the uploader's file name
        tenant.logo = logo
        changes["logo"] = "replaced"
    elif remove_logo and tenant.logo:
        tenant.logo = ""
        changes["logo"] = "removed"
    tenant.full_clean(exclude=["logo"] if logo is None else None)
    tenant.save()
    if old_logo and "logo" in changes:
        # The file goes only once the new state is committed; a rollback keeps the old logo intact.
        transaction.on_commit(partial(tenant.logo.storage.delete, old_logo), robust=True)
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="tenant.settings_changed", target=tenant, changes=changes
        )
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
def member_invite(
    *, tenant: Tenant, actor: User, email: str, full_name: str, role: str, base_url: str
) -> Membership:
    """Add a person to the tenant by email, creating their account if they have none.

    A new account has no usable password; the mail sent after commit carries a one-time link to
    choose one (on the tenant's host, `base_url`). An existing account keeps its name and password:
    it may belong to other tenants, whose admins this one must not overrule. A former member is
    reactivated with the given role.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid email address."}) from None
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})

    user = User.objects.filter(email=email).first()
    if user is None:
        if not full_name.strip():
            raise ValidationError({"full_name": "Give the person's name; it is shown to colleagues."})
        user = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
        audit_record(tenant=tenant, actor=actor, action="user.created", target=user)

    membership = Membership.objects.for_tenant(tenant).filter(user=user).first()
    if membership is None:
        membership = membership_add(tenant=tenant, actor=actor, user=user, role=role)
    elif membership.is_active:
        raise ValidationError({"email": "This person is already a member."})
    else:
        membership = membership_reactivate(tenant=tenant, actor=actor, membership=membership, role=role)

    transaction.on_commit(
        partial(send_invitation, tenant=tenant, user=user, inviter=actor, base_url=base_url), robust=True
    )
    return membership


@transaction.atomic
def membership_reactivate(
    *, tenant: Tenant, actor: User, membership: Membership, role: str | None = None
) -> Membership:
    role = role or membership.role
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    Membership.objects.for_tenant(tenant).filter(pk=membership.pk).update(is_active=True, role=role)
    changes = {"role": [membership.role, role]} if role != membership.role else {}
    membership.is_active, membership.role = True, role
    audit_record(
        tenant=tenant, actor=actor, action="membership.reactivated", target=membership, changes=changes
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
        tenant=tenant,
        actor=actor,
        action="membership.role_changed",
        target=membership,
        changes={"role": [old, role]},
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
        tenant=tenant,
        actor=actor,
        action="api_key.created",
        target=api_key,
        changes={"scopes": api_key.scopes},
    )
    return api_key, f"{API_KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_revoke(*, tenant: Tenant, actor: User | None, api_key: ApiKey) -> ApiKey:
    updated = (
        ApiKey.objects.for_tenant(tenant)
        .filter(pk=api_key.pk, revoked_at__isnull=True)
        .update(revoked_at=now())
    )
    if updated:
        audit_record(tenant=tenant, actor=actor, action="api_key.revoked", target=api_key)
    api_key.refresh_from_db(fields=["revoked_at"])
    return api_key
