"""Writing to the audit log. Call `audit_record` inside the transaction of the write it records."""

from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from apps.audit.hashing import event_hash
from apps.audit.models import AuditChainHead, AuditEvent
from apps.tenants.models import Tenant

SYSTEM = "system"


def _reference(obj: Any) -> tuple[str, str]:
    """(type, id) for a model instance, a ("type", id) pair, or None/"system"."""
    if obj is None or obj == SYSTEM:
        return SYSTEM, ""
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk)
    raise TypeError(f"Cannot reference {obj!r} in the audit log.")


def _lock_chain_head(tenant: Tenant) -> tuple[int, str]:
    """(last seq, last hash) of the tenant's chain, its head row locked until the transaction ends.

    One statement: INSERT … ON CONFLICT DO UPDATE creates the head for a tenant's first event (two
    first writers cannot both create it) and otherwise takes the row lock, which serialises
    appenders per tenant, keeping one chain. The no-op update returns the committed values.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditchainhead (tenant_id, last_seq, last_hash) VALUES (%s, 0, '') "
            "ON CONFLICT (tenant_id) DO UPDATE SET last_seq = audit_auditchainhead.last_seq "
            "RETURNING last_seq, last_hash",
            [tenant.pk],
        )
        last_seq, last_hash = cursor.fetchone()
    return last_seq, last_hash


# No savepoint of its own: called inside the transaction of the write it records, an error here
# fails that whole transaction anyway (and outside one, this is the transaction).
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    tenant: Tenant,
    actor: Any,
    action: str,
    target: Any,
    changes: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the tenant's chain.

    `actor` and `target` are model instances (or `("type", id)` pairs, or None for the system).
    `changes` and `metadata` must hold no personal data: ids, field names, statuses, counts.
    """
    last_seq, last_hash = _lock_chain_head(tenant)
    actor_type, actor_id = _reference(actor)
    target_type, target_id = _reference(target)
    fields = {
        "tenant_id": tenant.pk,
        "seq": last_seq + 1,
        "occurred_at": timezone.now(),
        "actor_type": actor_type,
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "changes": changes or {},
        "metadata": metadata or {},
        "prev_hash": last_hash,
    }
    digest = event_hash(**fields)
    event = AuditEvent.objects.create(**fields, hash=digest)
    AuditChainHead.objects.filter(tenant=tenant).update(last_seq=event.seq, last_hash=digest)
    return event
