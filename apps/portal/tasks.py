"""Celery tasks of the portal: thin, each enters its tenant's context and calls a service."""

import logging
import random

from celery import shared_task

from apps.audit.services import audit_record
from apps.notifications.channels.base import DeliveryError
from apps.notifications.channels.registry import channel_for
from apps.portal.emails import sign_in_code_message
from apps.portal.selectors import data_exports_expired, sign_in_code_for_delivery
from apps.portal.services.account import data_export_build, data_export_expire, data_export_fail
from apps.tenants.context import system_context, tenant_context
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)


def _tenant(tenant_id: int) -> Tenant | None:
    return Tenant.objects.filter(pk=tenant_id, is_active=True).first()


@shared_task(bind=True, max_retries=4)
def send_sign_in_code(
    self, *, tenant_id: int, code_id: int | None, code: str, link_token: str, base_url: str
) -> None:
    """Deliver a sign-in code: the one message the portal sends directly through a channel.

    Retried with backoff on transient provider errors while the code is still live; a permanent
    error is audited (the customer sees no difference and may ask for a new code). `code_id` is
    None for an address that is not on file: nothing to send (see `sign_in_code_request`).
    """
    tenant = _tenant(tenant_id) if code_id is not None else None
    if tenant is None:
        return
    # The send runs inside the tenant's context because the dev outbox stores the message as a
    # tenant row. Nothing is locked meanwhile: the code row was committed before this task ran.
    with tenant_context(tenant):
        row = sign_in_code_for_delivery(tenant=tenant, code_id=code_id)
        if row is None:  # used, retired by a newer code, or expired: nothing worth sending
            return
        message = sign_in_code_message(
            tenant=tenant, row=row, code=code, link_token=link_token, base_url=base_url
        )
        try:
            channel_for(row.channel).send(message)
        except DeliveryError as error:
            if not error.permanent:
                countdown = 2**self.request.retries * 5 + random.uniform(0, 3)  # noqa: S311
                raise self.retry(exc=error, countdown=countdown) from error
            audit_record(
                tenant=tenant,
                actor=None,
                action="portal.sign_in_code_undeliverable",
                target=row.customer,
                metadata={"code_id": row.pk, "channel": row.channel, "error": error.code or ""},
            )


@shared_task
def build_data_export(*, tenant_id: int, export_id: int) -> None:
    tenant = _tenant(tenant_id)
    if tenant is None:
        return
    try:
        with tenant_context(tenant):
            data_export_build(tenant=tenant, export_id=export_id)
    except Exception:
        logger.exception("Data export %s of tenant %s failed", export_id, tenant_id)
        with tenant_context(tenant):
            data_export_fail(tenant=tenant, export_id=export_id)


@shared_task
def purge_expired_data_exports() -> int:
    """Hourly (beat): delete the files of exports past their download window, in every tenant."""
    with system_context():
        expired = list(data_exports_expired())
    for export in expired:
        with tenant_context(export.tenant):
            data_export_expire(tenant=export.tenant, export=export)
    return len(expired)
