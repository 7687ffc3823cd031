"""Fixtures and builders for the outbox tests (imported by tests/notifications/conftest.py)."""

import itertools
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import connection

from apps.message_templates.services import template_install_defaults
from apps.notifications import tasks
from apps.notifications.outbox.enqueue import _flags
from apps.notifications.outbox.models import Notification
from apps.notifications.outbox.rules import trigger_rules_install_defaults
from tests.customers.factories import CustomerFactory


@dataclass
class Nudges:
    """Celery tasks the code under test asked for, instead of sending them to the broker."""

    dispatch: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)

    def channels(self) -> list[str]:
        return [kwargs["channel"] for kwargs in self.dispatch]


@pytest.fixture
def nudges(monkeypatch) -> Nudges:
    """Record dispatch and record-processing tasks; clear this database's pending flags first."""
    flags = _flags(settings.REDIS_URL)
    for key in flags.scan_iter(f"tidings:outbox:{connection.settings_dict['NAME']}:*"):
        flags.delete(key)
    recorded = Nudges()
    recorders = ((tasks.dispatch_notifications, recorded.dispatch), (tasks.process_records, recorded.records))
    for task, calls in recorders:
        monkeypatch.setattr(task, "apply_async", lambda kwargs, calls=calls, **options: calls.append(kwargs))
    return recorded


@pytest.fixture
def shop(actors, nudges, settings):
    """Tenant A with Tidings' approved default templates and trigger rules installed.

    Only the outbox receives domain events: the SLA engine's messages have their own tests.
    """
    settings.DOMAIN_EVENT_HANDLERS = ["apps.notifications.handlers.on_domain_event"]
    template_install_defaults(tenant=actors.tenant_a)
    trigger_rules_install_defaults(tenant=actors.tenant_a)
    return actors.tenant_a


def make_customer(tenant, **fields):
    """A customer reachable by email and SMS (consent for both), preferring email."""
    defaults = {
        "name": "Ada Lovelace",
        "emails": ["ada@example.test"],
        "phones": ["+447911123456"],
        "consents": {"email": True, "sms": True, "voice": True},
        "preferred_channels": ["email", "sms", "portal"],
    }
    return CustomerFactory(tenant=tenant, **{**defaults, **fields})


def notifications_of(tenant, **filters):
    return list(Notification.objects.for_tenant(tenant).filter(**filters).order_by("id"))


_batches = itertools.count()


def queued_notifications(tenant, customer, count: int, channel: str = "email", **fields) -> list:
    """`count` queued notifications ready to send (content as a template would have made it)."""
    address = {"email": "ada@example.test", "sms": "+447911123456", "voice": "+447911123456"}
    start = next(_batches) * 100_000
    rows = [
        Notification(
            tenant=tenant,
            trigger="order.shipped",
            event_key=f"test:{channel}:{index}",
            idempotency_key=f"test:{channel}:{index}:{customer.pk}:{channel}",
            customer=customer,
            channel=channel,
            to_address=address.get(channel, str(customer.pk)),
            subject=f"Your order {index} is on its way",
            text=f"Order {index} shipped.",
            voice_script=f"Order {index} shipped." if channel == "voice" else "",
            reply_token=f"token{channel}{index:06d}",
            **fields,
        )
        for index in range(start, start + count)
    ]
    return Notification.objects.bulk_create(rows)
