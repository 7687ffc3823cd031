"""The append-only, hash-chained audit log.

Each tenant has one chain: `seq` counts 1, 2, 3… and every row stores `prev_hash` (the previous row's
`hash`) and `hash` = SHA-256 over its own content and `prev_hash`. A database trigger refuses UPDATE
and DELETE (migration 0002). Payloads hold references (ids, field names, non-personal values) only,
so erasing a customer never needs to touch the chain.
"""

from django.db import models

from apps.tenants.models import TenantOwnedModel


class AuditChainHead(TenantOwnedModel):
    """The last link of a tenant's chain; locked FOR UPDATE while a new link is appended."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="audit_chain_head_one_per_tenant")]


class AuditEvent(TenantOwnedModel):
    seq = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    actor_type = models.CharField(max_length=60, help_text="e.g. accounts.user, tenants.apikey, system")
    actor_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=80, help_text="<entity>.<verb>, e.g. case.status_changed")
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "seq"], name="audit_event_unique_seq")]
        indexes = [
            models.Index(fields=["tenant", "target_type", "target_id"], name="audit_tenant_target"),
            models.Index(fields=["tenant", "occurred_at"], name="audit_tenant_time"),
            models.Index(fields=["tenant", "action"], name="audit_tenant_action"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}#{self.seq} {self.action}"
