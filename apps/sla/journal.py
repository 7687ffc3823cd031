"""The record every SLA action leaves: a timeline entry on the case and an audit event.

Timeline entries are written with `case_timeline_record`, which does not raise the case's version:
a clock pausing or a warning going out changes nothing an agent edits, so a form they have open
stays valid. The audit actor is the system (None).
"""

from typing import Any

from apps.audit.services import audit_record
from apps.cases.models import Case, Visibility
from apps.cases.services import case_timeline_record


def sla_journal(
    *, case: Case, action: str, body: str, data: dict[str, Any] | None = None, visible: bool = False
) -> None:
    """Record `action` ("sla.warned") on the case's timeline and in the audit log, in this transaction.

    `data` holds ids, kinds and statuses only (it goes to the audit log too).
    """
    data = data or {}
    case_timeline_record(
        case=case,
        body=body,
        data={"event": action, **data},
        visibility=Visibility.CUSTOMER if visible else Visibility.INTERNAL,
    )
    audit_record(
        tenant=case.tenant,
        actor=None,
        action=action,
        target=case,
        metadata={"reference": case.reference, **data},
    )
