"""The welcome message: within 24 hours of a customer's creation, never inside their quiet hours.

A `welcome` timer per customer (created by the `customer.created` handler) is due 24 hours after
creation and acts at the first moment outside the customer's quiet hours — at once for most. The
sweeper re-checks the quiet hours when it acts, as the customer may have changed them meanwhile.

When the welcome cannot go out (no channel the customer can be reached on, no approved template)
the timer stays live and tries again 1, 4 and 12 hours after creation and a last time at the 24-hour
mark; a change to how the customer can be reached (an address, a consent, preferred channels,
language: `customer.updated`) brings the next try forward to now. Each try is a new outbox event
(`customer.welcome:<customer>`, then `…:2`, `…:3`), so a customer still gets one welcome at most:
the first try that goes out meets the timer. Every failed try is audited (`sla.welcome_not_sent`
with the reason and the next try), every re-arm too (`sla.welcome_rearmed`). A tenant that switched
the welcome off is not retried.
"""

from collections.abc import Collection
from datetime import datetime, timedelta

from apps.audit.services import audit_record
from apps.customers.models import Customer
from apps.notifications.handlers import welcome_event_key
from apps.notifications.outbox.models import Notification
from apps.notifications.outbox.routing import quiet_hours_end
from apps.sla import messaging
from apps.sla.models import SlaTimer, TimerKind, TimerState
from apps.tenants.models import Tenant

WELCOME_WITHIN = timedelta(hours=24)
# After a try that could not be sent, the next tries, counted from creation; the last is at the
# 24-hour mark.
WELCOME_RETRIES = (timedelta(hours=1), timedelta(hours=4), timedelta(hours=12))
# Customer changes (`customer.updated` fields) that may give a failed welcome a way through.
WELCOME_REACH_FIELDS = frozenset({"contact_points", "consents", "preferred_channels", "locale"})


def first_moment_outside_quiet_hours(customer: Customer, at: datetime) -> datetime:
    return quiet_hours_end(customer=customer, moment=at) or at


def welcome_schedule(*, tenant_id: int, customer_id: int, at: datetime) -> SlaTimer | None:
    """Plan the welcome of a new customer (once per customer)."""
    customer = Customer.objects.for_tenant(tenant_id).filter(pk=customer_id).first()
    if customer is None:
        return None
    timer, _ = SlaTimer.objects.for_tenant(tenant_id).get_or_create(
        tenant_id=tenant_id,
        customer=customer,
        case=None,
        kind=TimerKind.WELCOME,
        defaults={
            "duration": WELCOME_WITHIN,
            "business": False,
            "started_at": at,
            "due_at": at + WELCOME_WITHIN,
            "next_action_at": first_moment_outside_quiet_hours(customer, at),
            "created_at": at,
            "updated_at": at,
        },
    )
    return timer


def welcome_send(*, timer: SlaTimer, tenant: Tenant, at: datetime) -> str:
    """Send the welcome now, or move it to the end of the customer's quiet hours."""
    customer = (
        Customer.objects.for_tenant(tenant).select_related("tenant").filter(pk=timer.customer_id).first()
    )
    if customer is None:
        timer.state, timer.ended_at, timer.next_action_at = TimerState.CANCELLED, at, None
        return "cancelled (customer gone)"
    later = quiet_hours_end(customer=customer, moment=at)
    if later is not None:
        timer.next_action_at = later
        return "moved past quiet hours"
    tries = _tries(tenant, customer)
    notification = messaging.customer_message(
        trigger=messaging.WELCOME, event_key=_event_key(customer, tries + 1), customer=customer
    )
    sent = messaging.was_sent(notification)
    retry_at = None if sent or notification is None else welcome_next_try(timer, at)
    timer.automatic_attempted_at = at
    if retry_at is None:
        timer.state = TimerState.MET if sent else TimerState.CANCELLED
        timer.ended_at = at
    timer.next_action_at = retry_at
    audit_record(
        tenant=tenant,
        actor=None,
        action="sla.welcome_sent" if sent else "sla.welcome_not_sent",
        target=customer,
        metadata={
            "timer_id": timer.pk,
            "notification_id": notification.pk if notification else None,
            "attempt": tries + 1,
            **({} if sent else {"reason": _reason(notification), "retry_at": _iso(retry_at)}),
        },
    )
    if sent:
        return "welcome sent"
    return "welcome not sent, retry later" if retry_at else "welcome not sent"


def _event_key(customer: Customer, attempt: int) -> str:
    key = welcome_event_key(customer.pk)
    return key if attempt == 1 else f"{key}:{attempt}"


def _tries(tenant: Tenant, customer: Customer) -> int:
    """Welcome tries so far (each left a notification, skipped unless it went out)."""
    return (
        Notification.objects.for_tenant(tenant)
        .filter(customer=customer, trigger=messaging.WELCOME, fallback_of__isnull=True)
        .count()
    )


def _reason(notification: Notification | None) -> str:
    return "rule_off" if notification is None else notification.last_error_code or "not_sent"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def welcome_next_try(timer: SlaTimer, at: datetime) -> datetime | None:
    """When to try a failed welcome again: the next retry moment, the 24-hour mark, or never."""
    moments = [timer.started_at + after for after in WELCOME_RETRIES] + [timer.due_at]
    return next((moment for moment in moments if moment > at), None)


def welcome_rearm(*, tenant_id: int, customer_id: int, fields: Collection[str], at: datetime) -> bool:
    """The customer may be reachable now: bring a failed welcome's next try forward to `at`."""
    timer = (
        SlaTimer.objects.for_tenant(tenant_id)
        .select_for_update(of=("self",))
        .select_related("tenant", "customer")
        .filter(
            customer_id=customer_id,
            case=None,
            kind=TimerKind.WELCOME,
            state=TimerState.RUNNING,
            automatic_attempted_at__isnull=False,
            next_action_at__gt=at,
        )
        .first()
    )
    if timer is None:
        return False
    timer.next_action_at, timer.updated_at = at, at
    timer.save(update_fields=["next_action_at", "updated_at"])
    audit_record(
        tenant=timer.tenant,
        actor=None,
        action="sla.welcome_rearmed",
        target=timer.customer,
        metadata={"timer_id": timer.pk, "fields": sorted(fields)},
    )
    return True
