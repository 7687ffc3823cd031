"""The welcome message: within 24 hours of a customer's creation, never inside their quiet hours.

A `welcome` timer per customer (created by the `customer.created` handler) is due 24 hours after
creation and acts at the first moment outside the customer's quiet hours — at once for most. The
sweeper re-checks the quiet hours when it acts, as the customer may have changed them meanwhile.
"""

from datetime import datetime, timedelta

from apps.audit.services import audit_record
from apps.customers.models import Customer
from apps.notifications.handlers import welcome_event_key
from apps.notifications.outbox.routing import quiet_hours_end
from apps.sla import messaging
from apps.sla.models import SlaTimer, TimerKind, TimerState
from apps.tenants.models import Tenant

WELCOME_WITHIN = timedelta(hours=24)


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
    notification = messaging.customer_message(
        trigger=messaging.WELCOME, event_key=welcome_event_key(customer.pk), customer=customer
    )
    sent = messaging.was_sent(notification)
    timer.state = TimerState.MET if sent else TimerState.CANCELLED
    timer.ended_at, timer.next_action_at = at, None
    audit_record(
        tenant=tenant,
        actor=None,
        action="sla.welcome_sent" if sent else "sla.welcome_not_sent",
        target=customer,
        metadata={"timer_id": timer.pk, "notification_id": notification.pk if notification else None},
    )
    return "welcome sent" if sent else "welcome not sent"
