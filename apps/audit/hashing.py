"""The content hash of an audit row. Shared by the writer and the verifier so they cannot drift."""

import hashlib
import json
from datetime import datetime
from typing import Any


def event_hash(
    *,
    tenant_id: int,
    seq: int,
    occurred_at: datetime,
    actor_type: str,
    actor_id: str,
    action: str,
    target_type: str,
    target_id: str,
    changes: dict[str, Any],
    metadata: dict[str, Any],
    prev_hash: str,
) -> str:
    content = {
        "tenant_id": tenant_id,
        "seq": seq,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor": [actor_type, actor_id],
        "action": action,
        "target": [target_type, target_id],
        "changes": changes,
        "metadata": metadata,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
