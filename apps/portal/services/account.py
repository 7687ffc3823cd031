"""The customer's own account: preferences (with consent) and data exports."""

import tempfile
from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common.clock import now
from apps.customers.models import ConsentSource, Customer
from apps.customers.services import consent_set, customer_update
from apps.portal.exports import write_export_zip
from apps.portal.models import DataExport, ExportStatus
from apps.tenants.models import Tenant

# A customer may ask for a new export this long after the last one.
EXPORT_INTERVAL = timedelta(hours=1)


@transaction.atomic
def portal_preferences_save(
    *, customer: Customer, changes: Mapping[str, Any], consents: Mapping[str, bool]
) -> list[str]:
    """Save the customer's own preferences; each consent change goes to the consent log with
    source "portal". Returns the channels whose consent changed."""
    customer_update(actor=customer, customer=customer, changes=changes)
    changed = []
    for channel, granted in consents.items():
        consent = consent_set(
            actor=customer, customer=customer, channel=channel, granted=granted, source=ConsentSource.PORTAL
        )
        if consent is not None:
            changed.append(channel)
    return changed


@transaction.atomic
def data_export_request(*, customer: Customer) -> DataExport:
    """Ask for a copy of the customer's data; a task builds it after commit."""
    from apps.portal.tasks import build_data_export  # the task module imports this one

    exports = DataExport.objects.for_tenant(customer.tenant_id).filter(customer_id=customer.pk)
    if exports.filter(status=ExportStatus.PENDING).exists():
        raise ValidationError(_("Your copy is being prepared. It will appear here in a few minutes."))
    if exports.filter(requested_at__gt=now() - EXPORT_INTERVAL).exclude(status=ExportStatus.FAILED).exists():
        raise ValidationError(_("You asked for a copy less than an hour ago. Please download that one."))
    export = DataExport.objects.create(tenant_id=customer.tenant_id, customer=customer, requested_at=now())
    audit_record(tenant=customer.tenant, actor=customer, action="portal.data_export_requested", target=export)
    transaction.on_commit(partial(build_data_export.delay, tenant_id=customer.tenant_id, export_id=export.pk))
    return export


@transaction.atomic
def data_export_build(*, tenant: Tenant, export_id: int) -> DataExport | None:
    """Build a pending export's ZIP and store it (Django storage). None if it is not pending."""
    export = (
        DataExport.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .select_related("customer", "customer__tenant")
        .filter(pk=export_id, status=ExportStatus.PENDING)
        .first()
    )
    if export is None:
        return None
    with tempfile.TemporaryFile() as archive:
        write_export_zip(export.customer, archive)
        archive.seek(0)
        export.file.save(f"data-{now():%Y-%m-%d}.zip", File(archive), save=False)
    moment = now()
    export.status = ExportStatus.READY
    export.size = export.file.size
    export.completed_at = moment
    export.expires_at = moment + timedelta(seconds=settings.PORTAL_EXPORT_KEEP_SECONDS)
    export.save(update_fields=["status", "file", "size", "completed_at", "expires_at"])
    audit_record(
        tenant=tenant,
        actor=None,
        action="portal.data_export_ready",
        target=export,
        metadata={"size": export.size},
    )
    return export


@transaction.atomic
def data_export_fail(*, tenant: Tenant, export_id: int) -> None:
    """Mark an export that could not be built; the customer may ask again at once."""
    updated = (
        DataExport.objects.for_tenant(tenant)
        .filter(pk=export_id, status=ExportStatus.PENDING)
        .update(status=ExportStatus.FAILED, completed_at=now())
    )
    if updated:
        audit_record(
            tenant=tenant,
            actor=None,
            action="portal.data_export_failed",
            target=("portal.dataexport", export_id),
        )


@transaction.atomic
def data_export_download_record(*, customer: Customer, export: DataExport) -> None:
    DataExport.objects.for_tenant(customer.tenant_id).filter(pk=export.pk).update(downloaded_at=now())
    audit_record(
        tenant=customer.tenant, actor=customer, action="portal.data_export_downloaded", target=export
    )


@transaction.atomic
def data_export_expire(*, tenant: Tenant, export: DataExport) -> None:
    """Delete an expired export's file (after commit) and mark it expired."""
    updated = (
        DataExport.objects.for_tenant(tenant)
        .filter(pk=export.pk, status=ExportStatus.READY)
        .update(status=ExportStatus.EXPIRED, file="")
    )
    if not updated:
        return
    if export.file.name:
        transaction.on_commit(partial(export.file.storage.delete, export.file.name), robust=True)
    audit_record(tenant=tenant, actor=None, action="portal.data_export_expired", target=export)
