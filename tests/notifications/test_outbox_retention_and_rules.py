"""Retention of notification records, and the per-tenant trigger rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.audit.models import AuditEvent
from apps.common.clock import now
from apps.message_templates.triggers import automatic_triggers
from apps.notifications.outbox.models import Notification, NotificationAttempt, TriggerRule
from apps.notifications.outbox.retention import notifications_purge
from apps.notifications.outbox.rules import trigger_rule_update
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create
from tests.notifications.outbox_fixtures import make_customer, queued_notifications

pytestmark = pytest.mark.django_db


def aged(tenant, customer, days: int, count: int = 1) -> list[Notification]:
    rows = queued_notifications(tenant, customer, count, created_at=now() - timedelta(days=days))
    for row in rows:
        NotificationAttempt.objects.create(
            tenant=tenant, notification=row, number=1, outcome="accepted", started_at=row.created_at
        )
    return rows


def test_notifications_older_than_the_retention_period_are_purged_and_the_purge_audited(shop):
    Tenant.objects.filter(pk=shop.pk).update(notification_retention_days=200)
    shop.refresh_from_db()
    customer = make_customer(shop)
    old = aged(shop, customer, days=201, count=3)
    kept = aged(shop, customer, days=199)

    assert notifications_purge(tenant=shop) == 3

    remaining = set(Notification.objects.for_tenant(shop).values_list("pk", flat=True))
    assert remaining == {row.pk for row in kept}
    assert (
        not NotificationAttempt.objects.for_tenant(shop)
        .filter(notification_id__in=[r.pk for r in old])
        .exists()
    )
    event = AuditEvent.objects.filter(tenant=shop, action="notifications.purged").get()
    assert event.metadata == {"deleted": 3, "retention_days": 200}


def test_nothing_younger_than_six_months_is_ever_purged(shop):
    aged(shop, make_customer(shop), days=182)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tenant.objects.filter(pk=shop.pk).update(notification_retention_days=30)

    assert notifications_purge(tenant=shop) == 0
    assert not AuditEvent.objects.filter(tenant=shop, action="notifications.purged").exists()


def test_a_new_tenant_gets_a_rule_for_every_automatic_trigger_and_replies():
    tenant = tenant_create(slug="gamma", name="Gamma GmbH")

    rules = {rule.trigger: rule for rule in TriggerRule.objects.for_tenant(tenant)}

    assert set(rules) == {trigger.key for trigger in automatic_triggers()} | {"reply"}
    assert rules["order.delayed"].channels == ["email", "sms", "voice", "portal"]
    assert rules["order.shipped"].channels == ["email", "sms", "portal"]
    assert rules["order.shipped"].template_key == "order.shipped" and rules["reply"].template_key == ""


def test_a_rule_change_is_saved_and_audited_with_old_and_new_values(shop, actors):
    rule = TriggerRule.objects.for_tenant(shop).get(trigger="order.shipped")

    trigger_rule_update(
        tenant=shop,
        actor=actors.supervisor_a,
        rule=rule,
        enabled=True,
        channels=["sms", "email"],
        urgent=True,
    )

    rule.refresh_from_db()
    assert (rule.channels, rule.urgent) == (["email", "sms"], True)
    event = AuditEvent.objects.filter(tenant=shop, action="notification_rule.changed").get()
    assert event.changes == {
        "channels": [["email", "sms", "portal"], ["email", "sms"]],
        "urgent": [False, True],
    }


@pytest.mark.parametrize(
    ("channels", "message"), [([], "at least one channel"), (["fax"], "Unknown channels: fax")]
)
def test_a_rule_without_usable_channels_is_refused(shop, actors, channels, message):
    rule = TriggerRule.objects.for_tenant(shop).get(trigger="order.shipped")

    with pytest.raises(ValidationError, match=message):
        trigger_rule_update(
            tenant=shop, actor=actors.supervisor_a, rule=rule, enabled=True, channels=channels, urgent=False
        )
