"""Domain events: the one hand-off from a business change to the parts that react to it.

A service that changes something other parts care about (an order shipped, a case handed over to
another team, an agent's reply waiting to be sent) ends with exactly one call:
`domain_event_publish(DomainEvent(...))`. Each handler listed in `settings.DOMAIN_EVENT_HANDLERS`
(dotted paths to callables taking the event) is called right there, *inside the service's
transaction*, in the listed order. That is deliberate: the notification pipeline creates its outbox
rows and the SLA engine moves its timers in the same transaction as the change, so either both
happen or neither does (see DESIGN.md, "the transactional outbox"). Handlers must not do network
I/O; they schedule that with `transaction.on_commit`.

This is an explicit call with an explicit list, not Django signals: a reader of a service sees the
hand-off, and a reader of the settings sees every receiver.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from apps.common.clock import now


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened to one tenant's data.

    `name` is `<entity>.<verb>` (see docs/cases.md for the catalogue). The ids point at the rows the
    event is about; `data` carries the non-personal facts a receiver needs without reloading
    (statuses, reason codes, dates as ISO strings, the timeline entry id of a message to send).
    """

    name: str
    tenant_id: int
    customer_id: int | None = None
    order_id: int | None = None
    case_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=now)


Handler = Callable[[DomainEvent], None]


@cache
def _handlers(paths: tuple[str, ...]) -> tuple[Handler, ...]:
    return tuple(import_string(path) for path in paths)


def domain_event_handlers() -> tuple[Handler, ...]:
    return _handlers(tuple(getattr(settings, "DOMAIN_EVENT_HANDLERS", ())))


def domain_event_publish(event: DomainEvent) -> DomainEvent:
    """Hand `event` to every configured handler, in this transaction; return it for the caller."""
    for handler in domain_event_handlers():
        handler(event)
    return event
