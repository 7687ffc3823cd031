"""Creating notifications: in the caller's transaction, once per (event, recipient, channel).

`notification_request` sends a trigger's approved template (order events, welcome, and what the SLA
timers ask for: acknowledgements, status updates). `notification_for_timeline_entry` sends an
outbound case entry (an agent's reply, a hand-over notice) and links the entry to it.

A replayed event finds the notification it created before and creates nothing: the row is looked
up by event and customer first, and the insert itself is `ON CONFLICT DO NOTHING` on the unique
idempotency key, so two concurrent replays cannot both insert. Queued rows are dispatched after
commit (`enqueue.dispatch_soon`); rows held back for quiet hours wait for the sweep.
"""

import secrets
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.cases.models import Case, TimelineEntry
from apps.cases.services import timeline_entry_link_notification
from apps.common.clock import now
from apps.customers.models import Customer, Order
from apps.customers.selectors import customer_detail
from apps.message_templates.models import TemplateVersion
from apps.message_templates.rendering import ChannelNotAvailable
from apps.message_templates.sandbox import TemplateRenderError, prepare_context
from apps.message_templates.selectors import approved_version
from apps.notifications.models import ChannelName
from apps.notifications.outbox.content import Content, case_message, render_for_channel
from apps.notifications.outbox.context import trigger_context
from apps.notifications.outbox.enqueue import dispatch_soon
from apps.notifications.outbox.models import (
    UNSUCCESSFUL_STATUSES,
    Notification,
    NotificationStatus,
    Suppression,
    TriggerRule,
)
from apps.notifications.outbox.routing import Route, customer_routes
from apps.notifications.outbox.rules import default_rule_fields
from apps.tenants.models import Tenant

Renderer = Callable[[str], Content]
REPLY_TRIGGER = "reply"
HANDOFF_TRIGGER = "case.handoff"
DELAY_TRIGGER = "case.delayed"
# Customer-visible case entries that announce an event (see apps.cases.services) go with the
# approved template of that event; any other outbound entry is an agent's reply, sent as written.
ENTRY_EVENT_TRIGGERS = {"handover": HANDOFF_TRIGGER, "delay": DELAY_TRIGGER}


def idempotency_key(*, event_key: str, customer_id: int, channel: str) -> str:
    return f"{event_key}:{customer_id}:{channel}"


def effective_rule(*, tenant: Tenant, trigger: str) -> TriggerRule:
    """The tenant's rule for `trigger`; the default (unsaved) while the tenant has none."""
    rule = TriggerRule.objects.for_tenant(tenant).filter(trigger=trigger).first()
    return rule or TriggerRule(tenant=tenant, **default_rule_fields(trigger))


def _insert_once(row: Notification) -> int | None:
    """INSERT … ON CONFLICT (tenant, idempotency key) DO NOTHING; the new id, or None if it existed."""
    fields = [field for field in Notification._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [field.get_db_prep_save(field.pre_save(row, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Notification._meta.db_table} ({columns}) "  # noqa: S608 (names from the model)
            f"VALUES ({', '.join(['%s'] * len(fields))}) "
            "ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id",
            values,
        )
        found = cursor.fetchone()
    return found[0] if found else None


def _store(row: Notification) -> Notification:
    """Insert the row unless its idempotency key exists; return whichever row holds the key."""
    row.idempotency_key = idempotency_key(
        event_key=row.event_key, customer_id=row.customer_id, channel=row.channel
    )
    new_id = _insert_once(row)
    if new_id is None:
        return Notification.objects.for_tenant(row.tenant_id).get(idempotency_key=row.idempotency_key)
    row.pk = new_id
    if row.status == NotificationStatus.QUEUED and row.not_before is None:
        transaction.on_commit(partial(dispatch_soon, row.tenant_id, row.channel))
    return row


def _previous(*, tenant: Tenant, event_key: str, customer_id: int) -> Notification | None:
    """The notification already created for this event and customer (the first one, not a fallback)."""
    return (
        Notification.objects.for_tenant(tenant)
        .filter(event_key=event_key, customer_id=customer_id, fallback_of__isnull=True)
        .order_by("id")
        .first()
    )


def _unsendable(row: Notification, *, channel: str, address: str, code: str, reason: str) -> Notification:
    """Record that nothing could be sent for this event (rule off, no channel, no template)."""
    row.channel, row.to_address = channel, address
    row.status = NotificationStatus.SKIPPED
    row.last_error_code, row.last_error = code, reason[:300]
    row.failed_at = now()
    return _store(row)


def _queue(row: Notification, route: Route, content: Content) -> Notification:
    row.channel, row.to_address = route.channel, route.address
    row.subject, row.text, row.html, row.voice_script = (
        content.subject[:998],
        content.text,
        content.html,
        content.voice_script,
    )
    row.not_before = route.not_before
    row.next_attempt_at = route.not_before or now()
    row.status = NotificationStatus.QUEUED
    return _store(row)


def create_on_first_route(
    row: Notification, *, routes: list[Route], render: Renderer, fallback_channel: str
) -> Notification:
    """Queue `row` on the first route its content renders for; else record why nothing was sent.

    A template without a variant for a channel (no voice script) moves on to the next channel, as
    does one that cannot be rendered with the data we have for that channel.
    """
    row.reply_token = row.reply_token or secrets.token_hex(10)
    errors: list[str] = []
    for route in routes:
        try:
            content = render(route.channel)
        except ChannelNotAvailable:
            continue
        except TemplateRenderError as error:
            errors.append(f"{ChannelName(route.channel).label}: {error}")
            continue
        return _queue(row, route, content)
    if not routes:
        return _unsendable(
            row,
            channel=fallback_channel,
            address="",
            code="no_channel",
            reason="No channel left: the customer has no consented, usable, unsuppressed address "
            "on any channel this trigger allows.",
        )
    first = routes[0]
    if errors:
        return _unsendable(
            row, channel=first.channel, address=first.address, code="render", reason="; ".join(errors)
        )
    return _unsendable(
        row,
        channel=first.channel,
        address=first.address,
        code="no_variant",
        reason="The template has no variant for any channel the customer can be reached on.",
    )


def template_renderer(version: TemplateVersion, prepared: dict[str, Any]) -> Renderer:
    return lambda channel: render_for_channel(version=version, channel=channel, prepared=prepared)


def _loaded(tenant: Tenant, customer: Customer) -> Customer:
    """The customer with contact points and consents loaded (routing reads them without queries)."""
    if "contact_points" in getattr(customer, "_prefetched_objects_cache", {}):
        return customer
    return customer_detail(tenant=tenant, customer_id=customer.pk)


def _first_preference(customer: Customer, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    preferred = [channel for channel in customer.preferred_channels if channel in allowed]
    return (preferred or allowed or [ChannelName.PORTAL])[0]


@transaction.atomic
def notification_request(
    *,
    tenant: Tenant,
    trigger: str,
    customer: Customer,
    event_key: str,
    case: Case | None = None,
    order: Order | None = None,
    context: Mapping[str, Any] | None = None,
    urgent: bool = False,
) -> Notification | None:
    """Send `trigger`'s approved template to `customer` about `event_key`, once.

    Call it inside the transaction of the change it announces. `event_key` names the occurrence
    (`case.acknowledged:<case id>`): the same key never sends twice. `context` adds or overrides
    template variables (nested plain data, e.g. `{"case": {"initial_assessment": "…"}}`).
    Returns the notification (queued, or skipped with the reason), or None when the tenant's rule for
    the trigger is off.
    """
    rule = effective_rule(tenant=tenant, trigger=trigger)
    if not rule.enabled:
        return None
    previous = _previous(tenant=tenant, event_key=event_key, customer_id=customer.pk)
    if previous is not None:
        return previous
    customer = _loaded(tenant, customer)
    urgent = urgent or rule.urgent
    row = Notification(
        tenant=tenant, trigger=trigger, event_key=event_key, customer=customer, case=case, order=order
    )
    row.urgent = urgent
    routes = customer_routes(customer=customer, allowed=rule.channels, moment=now(), urgent=urgent)
    fallback_channel = _first_preference(customer, rule.channels)
    version = approved_version(tenant=tenant, key=rule.template_key or trigger, locale=customer.locale)
    if version is None:
        first = routes[0] if routes else Route(fallback_channel, "")
        return _unsendable(
            row,
            channel=first.channel,
            address=first.address,
            code="no_template",
            reason=f"No approved template “{rule.template_key or trigger}” in the customer's language "
            "or a fallback language.",
        )
    raw = trigger_context(
        template_key=version.template.key,
        tenant=tenant,
        customer=customer,
        order=order,
        case=case,
        extra=context,
    )
    prepared = prepare_context(raw, locale=version.locale, zone=zoneinfo.ZoneInfo(tenant.time_zone))
    row.template_version, row.locale, row.context = version, version.locale, prepared
    return create_on_first_route(
        row, routes=routes, render=template_renderer(version, prepared), fallback_channel=fallback_channel
    )


def _entry_event_context(entry: TimelineEntry) -> dict[str, Any]:
    """The variables an event entry carries: why a hand-over happened; a delay's cause, impact and
    new expected time."""
    data = entry.data or {}
    if data.get("event") == "delay":
        return {
            "case": {
                "delay_reason": data.get("cause") or None,
                "delay_impact": data.get("impact") or None,
                "expected_resolution": datetime.fromisoformat(data["new_expected_at"]),
            }
        }
    return {"case": {"handoff_reason": data.get("reason") or None}}


def _entry_event_renderer(
    tenant: Tenant, case: Case, customer: Customer, row: Notification, entry: TimelineEntry
) -> Renderer | None:
    """The approved template of the entry's event, when the tenant has one; fills `row`'s template fields."""
    version = approved_version(tenant=tenant, key=row.trigger, locale=customer.locale)
    if version is None:
        return None
    raw = trigger_context(
        template_key=row.trigger,
        tenant=tenant,
        customer=customer,
        case=case,
        extra=_entry_event_context(entry),
    )
    prepared = prepare_context(raw, locale=version.locale, zone=zoneinfo.ZoneInfo(tenant.time_zone))
    row.template_version, row.locale, row.context = version, version.locale, prepared
    return template_renderer(version, prepared)


@transaction.atomic
def notification_for_timeline_entry(*, tenant: Tenant, case: Case, entry: TimelineEntry) -> Notification:
    """Send an outbound case entry waiting for delivery, and link the entry to its notification.

    An agent's reply goes as written, on the channel the agent chose first. A hand-over or delay
    notice uses the approved `case.handoff` / `case.delayed` template when there is one (else the
    entry's text). Either way the entry stops waiting: when nothing can be sent, the linked
    notification says why.
    """
    trigger = ENTRY_EVENT_TRIGGERS.get((entry.data or {}).get("event"), REPLY_TRIGGER)
    event_key = f"timeline:{entry.pk}"
    customer = customer_detail(tenant=tenant, customer_id=case.customer_id)
    row = Notification(
        tenant=tenant,
        trigger=trigger,
        event_key=event_key,
        customer=customer,
        case=case,
        order_id=case.order_id,
        timeline_entry=entry,
    )
    previous = _previous(tenant=tenant, event_key=event_key, customer_id=customer.pk)
    if previous is not None:
        notification = previous
    else:
        rule = effective_rule(tenant=tenant, trigger=trigger)
        first_choice = entry.channel if entry.channel in ChannelName.values else ""
        routes = customer_routes(
            customer=customer,
            allowed=rule.channels,
            moment=now(),
            urgent=rule.urgent,
            first_choice=first_choice,
        )
        row.urgent = rule.urgent
        fallback_channel = first_choice or _first_preference(customer, rule.channels)
        if not rule.enabled:
            notification = _unsendable(
                row, channel=fallback_channel, address="", code="rule_off", reason="The rule for this is off."
            )
        else:
            is_event = trigger != REPLY_TRIGGER
            render = (_entry_event_renderer(tenant, case, customer, row, entry) if is_event else None) or (
                lambda channel: case_message(case=case, body=entry.body, channel=channel)
            )
            notification = create_on_first_route(
                row, routes=routes, render=render, fallback_channel=fallback_channel
            )
    timeline_entry_link_notification(entry=entry, notification_id=notification.pk)
    return notification


@transaction.atomic
def notification_resend(*, tenant: Tenant, actor: User, notification: Notification) -> Notification:
    """Send a failed notification again as a new one: same channel, address and frozen content.

    Refused unless it failed, bounced, was suppressed or skipped, and while its address is on the
    suppression list (lift the suppression first). Audited.
    """
    original = Notification.objects.for_tenant(tenant).select_for_update().get(pk=notification.pk)
    if original.status not in UNSUCCESSFUL_STATUSES:
        raise ValidationError("Only a notification that failed can be sent again.")
    if not original.to_address:
        raise ValidationError("This notification has no address to send to.")
    if (
        Suppression.objects.for_tenant(tenant)
        .filter(channel=original.channel, address=original.to_address)
        .exists()
    ):
        raise ValidationError("The address is on the suppression list; it cannot be sent to.")
    resends = Notification.objects.for_tenant(tenant).filter(resend_of=original)
    pending = resends.exclude(status__in=UNSUCCESSFUL_STATUSES).first()
    if pending is not None:
        raise ValidationError(f"This notification was already sent again (notification {pending.pk}).")
    copy = Notification(
        tenant=tenant,
        trigger=original.trigger,
        event_key=f"{original.event_key}:resend:{original.pk}:{resends.count() + 1}",
        customer_id=original.customer_id,
        case_id=original.case_id,
        order_id=original.order_id,
        timeline_entry_id=original.timeline_entry_id,
        template_version_id=original.template_version_id,
        locale=original.locale,
        context=original.context,
        urgent=original.urgent,
        resend_of=original,
        reply_token=secrets.token_hex(10),
    )
    content = Content(
        subject=original.subject, text=original.text, html=original.html, voice_script=original.voice_script
    )
    resent = _queue(copy, Route(original.channel, original.to_address), content)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="notification.resent",
        target=original,
        metadata={"resend_id": resent.pk, "channel": original.channel},
    )
    return resent
