"""The notification pipeline's receiver of domain events (listed in settings.DOMAIN_EVENT_HANDLERS).

Called inside the transaction of the change, so the outbox rows commit or roll back with it. Which
event sends what:

| event | sends |
|---|---|
| order.placed, order.confirmed | `order.confirmed` (once per order) |
| order.processing_delayed, order.shipped, order.delivered, order.delayed | the trigger of the same name |
| case.replied, case.team_changed, case.delay_announced | the entry waiting for delivery |

The case messages with timing rules (acknowledgement, status updates, resolution confirmation, closure
notice) and the welcome (within 24 hours, outside quiet hours) are sent by the SLA engine
(`apps.sla.messaging`), which calls `notification_request`; the welcome's key is `welcome_event_key`.
"""

from apps.cases.models import TimelineEntry
from apps.cases.selectors import TENANT_WIDE, case_by_id
from apps.common.domain_events import DomainEvent
from apps.customers.models import Order
from apps.customers.selectors import customer_detail
from apps.notifications.outbox.services import notification_for_timeline_entry, notification_request
from apps.tenants.context import current_tenant
from apps.tenants.models import Tenant

# Order events whose trigger happens at most once per order; the others may repeat (a further delay).
ONCE_PER_ORDER = {"order.placed": "order.confirmed", "order.confirmed": "order.confirmed"}
ORDER_TRIGGERS = {
    **ONCE_PER_ORDER,
    "order.processing_delayed": "order.processing_delayed",
    "order.shipped": "order.shipped",
    "order.delivered": "order.delivered",
    "order.delayed": "order.delayed",
}


def welcome_event_key(customer_id: int) -> str:
    """The welcome's event key (used by the SLA engine's welcome timer): one welcome per customer."""
    return f"customer.welcome:{customer_id}"


def _occurrence(event: DomainEvent) -> str:
    return f"{event.occurred_at.timestamp():.6f}"


def _order_event(tenant: Tenant, event: DomainEvent) -> None:
    trigger = ORDER_TRIGGERS[event.name]
    order = Order.objects.for_tenant(tenant).filter(pk=event.order_id).first()
    if order is None:
        return
    order.tenant = tenant
    suffix = "" if event.name in ONCE_PER_ORDER else f":{_occurrence(event)}"
    notification_request(
        tenant=tenant,
        trigger=trigger,
        customer=customer_detail(tenant=tenant, customer_id=order.customer_id),
        order=order,
        event_key=f"{trigger}:{order.pk}{suffix}",
    )


def _entry_event(tenant: Tenant, event: DomainEvent) -> None:
    entry_id = event.data.get("entry_id")
    entry = TimelineEntry.objects.for_tenant(tenant).filter(pk=entry_id, pending_delivery=True).first()
    if entry is None:
        return  # a phone call logged, an internal change: nothing waits for delivery
    case = case_by_id(tenant=tenant, membership=TENANT_WIDE, case_id=entry.case_id)
    notification_for_timeline_entry(tenant=tenant, case=case, entry=entry)


HANDLERS = {
    **dict.fromkeys(ORDER_TRIGGERS, _order_event),
    "case.replied": _entry_event,
    "case.team_changed": _entry_event,
    "case.delay_announced": _entry_event,
}


def on_domain_event(event: DomainEvent) -> None:
    """Create the outbox rows `event` calls for, in the publishing transaction."""
    handler = HANDLERS.get(event.name)
    if handler is None:
        return
    tenant = current_tenant()  # the publishing service runs in its tenant's context: no query
    if tenant is None or tenant.pk != event.tenant_id:
        tenant = Tenant.objects.get(pk=event.tenant_id)
    handler(tenant, event)
