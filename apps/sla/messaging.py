"""What the SLA engine tells customers, through the notification outbox (`notification_request`).

One function sends (`customer_message`); the others build the variables each trigger declares
(`apps.message_templates.triggers`) that only the SLA engine knows: the initial assessment and the
expected resolution of an acknowledgement, the text of an automatic status update, what was done
for a resolution, why a case closed. The outbox adds the rest (customer, company, links).

Called inside the transaction of the change (the outbox's rule): the notification row commits with
it, and each `event_key` sends at most once, however often a sweeper retries.
"""

from datetime import datetime
from typing import Any

from apps.cases.models import Case, CaseKind, CaseStatus
from apps.customers.models import Customer
from apps.notifications.outbox.models import Notification, NotificationStatus
from apps.notifications.outbox.services import notification_request

ACKNOWLEDGED = "case.acknowledged"
STATUS_UPDATE = "case.status_update"
RESOLVED = "case.resolved"
CLOSED = "case.closed"
WELCOME = "customer.welcome"


def customer_message(
    *,
    trigger: str,
    event_key: str,
    customer: Customer,
    case: Case | None = None,
    context: dict[str, Any] | None = None,
) -> Notification | None:
    """Ask the outbox to send `trigger`'s approved template; None when the tenant switched it off."""
    return notification_request(
        tenant=customer.tenant,
        trigger=trigger,
        customer=customer,
        case=case,
        order=case.order if case is not None and case.order_id else None,
        event_key=event_key,
        context=context or {},
    )


def was_sent(notification: Notification | None) -> bool:
    """Whether a message is on its way (queued or further), not skipped for want of a template or channel."""
    return notification is not None and notification.status != NotificationStatus.SKIPPED


def why_not_sent(notification: Notification | None) -> str:
    if notification is None:
        return "the tenant's rule for this message is off"
    return notification.last_error or "no channel could take it"


def initial_assessment(case: Case) -> str:
    """The line the agent wrote when opening the case, else "we have logged your complaint and our
    Billing team is looking into it" (no trailing stop)."""
    if case.initial_assessment:
        return case.initial_assessment.rstrip(". ")
    kind = CaseKind(case.kind).label.lower()
    team = f"our {case.team.name} team" if case.team_id else "our team"
    return f"we have logged your {kind} and {team} is looking into it"


def acknowledgement_context(
    case: Case, *, expected_resolution: datetime | None, assessment: str = ""
) -> dict:
    values: dict[str, Any] = {"initial_assessment": (assessment or initial_assessment(case)).rstrip(". ")}
    if expected_resolution is not None:
        values["expected_resolution"] = expected_resolution
    return {"case": values}


def status_update_context(case: Case, *, expected_resolution: datetime | None) -> dict:
    """The automatic update Tidings sends when the assignee did not: where the case stands."""
    team = f"our {case.team.name} team" if case.team_id else "our team"
    status = CaseStatus(case.status).label.lower()
    values: dict[str, Any] = {
        "update": f"your case is {status} and {team} is working on it",
        "next_steps": "we will write again as soon as there is news, and at the latest at the next update",
        "delay_reason": None,
    }
    if expected_resolution is not None:
        values["expected_resolution"] = expected_resolution
    return {"case": values}


def resolution_context(case: Case, *, summary: str, auto_close_days: int) -> dict:
    summary = (summary or "").strip().rstrip(".") or "we have resolved the issue you reported"
    return {"case": {"resolution_summary": summary, "auto_close_days": auto_close_days}}


def closed_context(*, closed_because: str) -> dict:
    return {"case": {"closed_because": closed_because}}
