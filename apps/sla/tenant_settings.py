"""The tenant's SLA settings row: read with defaults, written by a tenant admin."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.audit.services import audit_record
from apps.common.changes import apply_changes
from apps.sla.models import SlaSettings
from apps.tenants.models import Tenant

SETTINGS_FIELDS = frozenset(
    {"auto_close_after", "send_status_updates", "status_update_grace", "warn_by_email"}
)


def sla_settings_for(tenant: Tenant) -> SlaSettings:
    """The tenant's settings, or an unsaved row with the defaults when the tenant never chose.

    Read once per Tenant instance: a request or a sweep asks many times and sees one answer (a
    change applies from the next request or sweep, which load the tenant afresh).
    """
    cached = getattr(tenant, "_sla_settings", None)
    if cached is None:
        cached = SlaSettings.objects.for_tenant(tenant).first() or SlaSettings(tenant=tenant)
        tenant._sla_settings = cached
    return cached


@transaction.atomic
def sla_settings_update(*, tenant: Tenant, actor: Any, changes: dict[str, Any]) -> SlaSettings:
    row, _ = SlaSettings.objects.for_tenant(tenant).select_for_update().get_or_create(tenant=tenant)
    changed = apply_changes(row, changes, SETTINGS_FIELDS)
    if not changed:
        return row
    row.full_clean(exclude=["tenant"])
    if row.auto_close_after.total_seconds() < 3600:
        raise ValidationError({"auto_close_after": "Give the customer at least an hour to answer."})
    row.save()
    tenant._sla_settings = row
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sla_settings.updated",
        target=row,
        changes={name: str(getattr(row, name)) for name in changed},
    )
    return row
