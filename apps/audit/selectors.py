"""Reads of the audit log, and verification of each tenant's hash chain."""

from dataclasses import dataclass

from django.db.models import QuerySet

from apps.audit.hashing import event_hash
from apps.audit.models import AuditEvent
from apps.tenants.models import Tenant


@dataclass(frozen=True)
class ChainReport:
    tenant_slug: str
    events_checked: int
    broken_at_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at_seq is None


def audit_events_for_target(*, tenant: Tenant, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.for_tenant(tenant)
        .filter(target_type=target_type, target_id=target_id)
        .order_by("seq")
    )


def audit_chain_verify(*, tenant: Tenant, batch_size: int = 5000) -> ChainReport:
    """Recompute every link of the tenant's chain; report the first one that does not hold."""
    expected_seq, prev_hash, checked = 1, "", 0
    events = AuditEvent.objects.for_tenant(tenant).order_by("seq").iterator(chunk_size=batch_size)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(
                tenant.slug, checked, event.seq, f"expected seq {expected_seq}, found {event.seq}"
            )
        if event.prev_hash != prev_hash:
            return ChainReport(tenant.slug, checked, event.seq, "prev_hash does not match the previous row")
        recomputed = event_hash(
            tenant_id=event.tenant_id,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_type=event.actor_type,
            actor_id=event.actor_id,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            changes=event.changes,
            metadata=event.metadata,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return ChainReport(
                tenant.slug, checked, event.seq, "content does not match its hash (row altered)"
            )
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    return ChainReport(tenant.slug, checked)
