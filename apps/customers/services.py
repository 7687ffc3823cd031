"""Writes about customers, their contact points and consent, and their orders.

Every function here is one use case: keyword-only, one transaction, one audit event, and where other
parts of Tidings react (welcome message, SLA targets, order notifications) one `domain_event_publish`
call. A change to a customer publishes `customer.updated` with the changed field names in `data["fields"]`
("contact_points" and "consents" stand for those); the SLA engine re-targets open cases on "tags" and
"update_cadence" and retries a welcome that found no way to reach the customer.
Audit payloads carry field names, statuses and ids only, never names, addresses or numbers.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.audit.services import audit_record
from apps.common.actors import Actor, actor_reference
from apps.common.changes import apply_changes
from apps.common.clock import now
from apps.common.domain_events import DomainEvent, domain_event_publish
from apps.common.tags import normalize_tags
from apps.customers.contact import customer_search_text, normalize_email, normalize_phone
from apps.customers.models import (
    Channel,
    ChannelConsent,
    ConsentEvent,
    ConsentSource,
    ConsentState,
    ContactKind,
    ContactPoint,
    Customer,
    CustomerSearchVector,
    Order,
    OrderStatus,
    OrderStatusEvent,
)
from apps.tenants.models import Tenant

LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")

CUSTOMER_UPDATABLE_FIELDS = frozenset(
    {
        "name",
        "locale",
        "time_zone",
        "preferred_channels",
        "quiet_hours_start",
        "quiet_hours_end",
        "update_cadence",
        "tags",
        "onboarded_on",
        "external_id",
    }
)


def _full_clean(instance: Any, *, exclude: Iterable[str] = ()) -> None:
    """Model validation: choices, validators, and the unique and check constraints (which Django
    checks only when none of their fields is excluded, so `tenant` stays in)."""
    instance.full_clean(exclude=list(exclude))


def _clean_customer_fields(customer: Customer) -> None:
    customer.name = (customer.name or "").strip()
    customer.external_id = (customer.external_id or "").strip()
    customer.tags = normalize_tags(customer.tags or [])
    if not customer.name:
        raise ValidationError({"name": "Give the customer's name."})
    if not LOCALE_PATTERN.match(customer.locale or ""):
        raise ValidationError({"locale": f"“{customer.locale}” is not a language code such as en or de-AT."})
    channels = list(customer.preferred_channels or [])
    if len(set(channels)) != len(channels):
        raise ValidationError({"preferred_channels": "List each channel once, most preferred first."})
    if not channels:
        raise ValidationError({"preferred_channels": "Choose at least one channel."})
    if (customer.quiet_hours_start is None) != (customer.quiet_hours_end is None):
        raise ValidationError(
            {"quiet_hours_end": "Give both the start and the end of the quiet hours, or neither."}
        )
    if customer.quiet_hours_start is not None and customer.quiet_hours_start == customer.quiet_hours_end:
        raise ValidationError({"quiet_hours_end": "Quiet hours must not start and end at the same time."})
    _full_clean(customer)


def _normalized_contacts(emails: Iterable[str], phones: Iterable[str]) -> tuple[list[str], list[str]]:
    errors: dict[str, list[str]] = {}
    clean_emails: list[str] = []
    clean_phones: list[str] = []
    for value in emails:
        try:
            clean_emails.append(normalize_email(value))
        except ValidationError as exc:
            errors.setdefault("emails", []).extend(exc.messages)
    for value in phones:
        try:
            clean_phones.append(normalize_phone(value))
        except ValidationError as exc:
            errors.setdefault("phones", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(clean_emails)), list(dict.fromkeys(clean_phones))


def _refuse_contacts_of_others(customer: Customer, kind: str, values: list[str]) -> None:
    taken = (
        ContactPoint.objects.for_tenant(customer.tenant_id)
        .filter(kind=kind, value__in=values)
        .exclude(customer_id=customer.pk)
        .values_list("value", flat=True)
    )
    taken = list(taken)
    if taken:
        field = "emails" if kind == ContactKind.EMAIL else "phones"
        raise ValidationError({field: [f"{value} already belongs to another customer." for value in taken]})


def _store_contacts(customer: Customer, kind: str, values: list[str]) -> None:
    """Make the customer's contact points of `kind` exactly `values`, the first one primary.

    Points that stay keep their verification; removed ones are deleted.
    """
    _refuse_contacts_of_others(customer, kind, values)
    existing = {point.value: point for point in customer.contact_points.filter(kind=kind)}
    customer.contact_points.filter(kind=kind).exclude(value__in=values).delete()
    # Clear primary first: the one-primary-per-kind constraint is checked row by row.
    customer.contact_points.filter(kind=kind, is_primary=True).update(is_primary=False)
    for position, value in enumerate(values):
        point = existing.get(value)
        if point is None:
            ContactPoint.objects.create(
                tenant_id=customer.tenant_id,
                customer=customer,
                kind=kind,
                value=value,
                is_primary=position == 0,
            )
        elif position == 0:
            customer.contact_points.filter(pk=point.pk).update(is_primary=True)


def _refresh_search(customer: Customer) -> None:
    """Rewrite what the customer is found by, and the search vectors of their cases (which carry
    the customer's name, addresses and numbers, so one index answers a case search)."""
    points = list(customer.contact_points.values_list("kind", "value"))
    document = customer_search_text(
        name=customer.name,
        external_id=customer.external_id,
        emails=[value for kind, value in points if kind == ContactKind.EMAIL],
        phones=[value for kind, value in points if kind == ContactKind.PHONE],
    )
    CustomerSearchVector.objects.for_tenant(customer.tenant_id).update_or_create(
        customer=customer, defaults={"tenant_id": customer.tenant_id, "document": document}
    )
    # Imported here: cases build on customers, not the other way round; this is the one place a
    # customer change reaches into case data.
    from apps.cases.search import case_search_refresh_for_customer

    case_search_refresh_for_customer(customer=customer)


def _publish_updated(customer: Customer, fields: Iterable[str]) -> None:
    domain_event_publish(
        DomainEvent(
            name="customer.updated",
            tenant_id=customer.tenant_id,
            customer_id=customer.pk,
            data={"fields": sorted(fields)},
        )
    )


@transaction.atomic
def customer_create(
    *,
    tenant: Tenant,
    actor: Actor,
    name: str,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    locale: str = "",
    time_zone: str = "",
    preferred_channels: Iterable[str] | None = None,
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
    update_cadence: str = "",
    tags: Iterable[str] = (),
    onboarded_on: date | None = None,
    external_id: str = "",
    consents: Mapping[str, bool] | None = None,
    consent_source: str = ConsentSource.AGENT,
) -> Customer:
    """Create a customer with contact points (the first of each kind primary) and initial consent.

    Locale and time zone default to the tenant's. `consents` maps channel → granted; each entry is
    logged as a consent event with `consent_source`.
    """
    clean_emails, clean_phones = _normalized_contacts(emails, phones)
    customer = Customer(
        tenant=tenant,
        name=name,
        locale=locale or tenant.default_locale,
        time_zone=time_zone or tenant.time_zone,
        quiet_hours_start=quiet_hours_start,
        quiet_hours_end=quiet_hours_end,
        tags=list(tags),
        onboarded_on=onboarded_on or now().date(),
        external_id=external_id,
    )
    if preferred_channels is not None:
        customer.preferred_channels = list(preferred_channels)
    if update_cadence:
        customer.update_cadence = update_cadence
    _clean_customer_fields(customer)
    customer.save()
    _store_contacts(customer, ContactKind.EMAIL, clean_emails)
    _store_contacts(customer, ContactKind.PHONE, clean_phones)
    _refresh_search(customer)
    for channel, granted in (consents or {}).items():
        _consent_change(
            actor=actor, customer=customer, channel=channel, granted=granted, source=consent_source
        )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="customer.created",
        target=customer,
        metadata={
            "emails": len(clean_emails),
            "phones": len(clean_phones),
            "consents": sorted(consents or {}),
        },
    )
    domain_event_publish(DomainEvent(name="customer.created", tenant_id=tenant.pk, customer_id=customer.pk))
    return customer


@transaction.atomic
def customer_update(*, actor: Actor, customer: Customer, changes: Mapping[str, Any]) -> Customer:
    """Change the given profile fields (see CUSTOMER_UPDATABLE_FIELDS); others are refused."""
    changed = apply_changes(customer, changes, CUSTOMER_UPDATABLE_FIELDS)
    if not changed:
        return customer
    _clean_customer_fields(customer)
    customer.save(update_fields=[*changed, "updated_at"])
    if {"name", "external_id"} & set(changed):
        _refresh_search(customer)
    audit_record(
        tenant=customer.tenant,
        actor=actor,
        action="customer.updated",
        target=customer,
        changes={"fields": changed},
    )
    _publish_updated(customer, changed)
    return customer


@transaction.atomic
def customer_set_contact_points(
    *, actor: Actor, customer: Customer, emails: Iterable[str], phones: Iterable[str]
) -> Customer:
    """Replace the customer's email addresses and phone numbers; the first of each is primary."""
    clean_emails, clean_phones = _normalized_contacts(emails, phones)
    _store_contacts(customer, ContactKind.EMAIL, clean_emails)
    _store_contacts(customer, ContactKind.PHONE, clean_phones)
    _refresh_search(customer)
    Customer.objects.for_tenant(customer.tenant_id).filter(pk=customer.pk).update(updated_at=now())
    audit_record(
        tenant=customer.tenant,
        actor=actor,
        action="customer.contact_points_changed",
        target=customer,
        metadata={"emails": len(clean_emails), "phones": len(clean_phones)},
    )
    _publish_updated(customer, ["contact_points"])
    return customer


@transaction.atomic
def contact_point_mark_verified(*, actor: Actor, contact_point: ContactPoint) -> ContactPoint:
    """Record that the customer proved control of this address (e.g. a portal one-time code)."""
    if contact_point.is_verified:
        return contact_point
    contact_point.is_verified = True
    contact_point.verified_at = now()
    contact_point.save(update_fields=["is_verified", "verified_at"])
    audit_record(
        tenant=contact_point.customer.tenant,
        actor=actor,
        action="customer.contact_point_verified",
        target=contact_point,
        metadata={"customer_id": contact_point.customer_id, "kind": contact_point.kind},
    )
    return contact_point


def _consent_change(
    *, actor: Actor, customer: Customer, channel: str, granted: bool, source: str, note: str = ""
) -> ChannelConsent | None:
    """Set consent and log it; None when nothing changed (no log row for a repeat)."""
    if channel not in Channel.values:
        raise ValidationError({"channel": f"“{channel}” is not a channel ({', '.join(Channel.values)})."})
    if source not in ConsentSource.values:
        raise ValidationError({"source": f"“{source}” is not a consent source."})
    state = ConsentState.GRANTED if granted else ConsentState.WITHDRAWN
    moment = now()
    current = customer.consents.filter(channel=channel).first()
    if current is not None and current.state == state:
        return None
    if current is None:
        current = ChannelConsent(tenant_id=customer.tenant_id, customer=customer, channel=channel)
    current.state, current.source, current.changed_at = state, source, moment
    current.save()
    actor_type, actor_id = actor_reference(actor)
    ConsentEvent.objects.create(
        tenant_id=customer.tenant_id,
        customer=customer,
        channel=channel,
        state=state,
        source=source,
        actor_type=actor_type,
        actor_id=actor_id,
        recorded_by=actor if actor_type == "user" else None,
        note=note[:300],
        created_at=moment,
    )
    return current


@transaction.atomic
def consent_set(
    *, actor: Actor, customer: Customer, channel: str, granted: bool, source: str, note: str = ""
) -> ChannelConsent | None:
    """Grant or withdraw consent for one channel, logging who, what, when and the source.

    Returns the current consent row, or None when the state was already as asked (nothing logged).
    """
    consent = _consent_change(
        actor=actor, customer=customer, channel=channel, granted=granted, source=source, note=note
    )
    if consent is not None:
        audit_record(
            tenant=customer.tenant,
            actor=actor,
            action="customer.consent_changed",
            target=customer,
            changes={"channel": channel, "state": consent.state},
            metadata={"source": source},
        )
        _publish_updated(customer, ["consents"])
    return consent


# --- orders ---------------------------------------------------------------------------------------

# Which status an order may move to from each status. A move to the same status is an update
# of a delay (new reason and date) and is allowed only for processing and delayed.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset(
        {
            OrderStatus.CONFIRMED,
            OrderStatus.PROCESSING,
            OrderStatus.DELAYED,
            OrderStatus.SHIPPED,
            OrderStatus.CANCELLED,
        }
    ),
    OrderStatus.CONFIRMED: frozenset(
        {OrderStatus.PROCESSING, OrderStatus.DELAYED, OrderStatus.SHIPPED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PROCESSING: frozenset(
        {OrderStatus.PROCESSING, OrderStatus.DELAYED, OrderStatus.SHIPPED, OrderStatus.CANCELLED}
    ),
    OrderStatus.DELAYED: frozenset(
        {
            OrderStatus.DELAYED,
            OrderStatus.PROCESSING,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
            OrderStatus.CANCELLED,
        }
    ),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELAYED, OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

ORDER_UPDATABLE_FIELDS = frozenset(
    {
        "items_summary",
        "total",
        "currency",
        "carrier",
        "tracking_number",
        "tracking_url",
        "expected_delivery",
        "shipping_postcode",
    }
)


def order_event_name(*, to_status: str, reason: str) -> str:
    """The domain event (and notification trigger) a move to `to_status` stands for."""
    if to_status == OrderStatus.PROCESSING and reason:
        return "order.processing_delayed"
    return f"order.{to_status}"


def _check_order_requirements(
    *, to_status: str, reason: str, expected_delivery: date | None, carrier: str, tracking_number: str
) -> None:
    if to_status == OrderStatus.DELAYED and not (reason and expected_delivery):
        message = "A delay needs its reason and the new expected delivery date (the customer is told both)."
        raise ValidationError({"reason": message})
    if to_status == OrderStatus.PROCESSING and reason and not expected_delivery:
        raise ValidationError({"expected_delivery": "A processing delay needs the new expected date."})
    if to_status == OrderStatus.SHIPPED and not (carrier and tracking_number):
        raise ValidationError({"tracking_number": "A shipment needs the carrier and the tracking number."})


def _record_order_status(
    *, order: Order, actor: Actor, from_status: str, reason: str, source_event: str
) -> OrderStatusEvent:
    actor_type, actor_id = actor_reference(actor)
    return OrderStatusEvent.objects.create(
        tenant_id=order.tenant_id,
        order=order,
        from_status=from_status,
        to_status=order.status,
        reason=reason,
        expected_delivery=order.expected_delivery,
        source_event=source_event,
        actor_type=actor_type,
        actor_id=actor_id,
        occurred_at=now(),
    )


def _publish_order_event(order: Order, *, from_status: str, reason: str) -> DomainEvent:
    return domain_event_publish(
        DomainEvent(
            name=order_event_name(to_status=order.status, reason=reason),
            tenant_id=order.tenant_id,
            customer_id=order.customer_id,
            order_id=order.pk,
            data={
                "from_status": from_status,
                "to_status": order.status,
                "expected_delivery": order.expected_delivery.isoformat() if order.expected_delivery else None,
            },
        )
    )


@transaction.atomic
def order_create(
    *,
    tenant: Tenant,
    actor: Actor,
    customer: Customer,
    order_number: str,
    items_summary: str = "",
    total: Decimal | None = None,
    currency: str = "",
    status: str = OrderStatus.PLACED,
    carrier: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
    expected_delivery: date | None = None,
    delay_reason: str = "",
    shipping_postcode: str = "",
    placed_at: datetime | None = None,
    source_event: str = "",
) -> Order:
    """Record an order. Usually it starts as placed; an order first heard of in a later state (see
    the unknown-order rule in docs/cases.md) starts in that state, with the same requirements as a
    move into it (a delay needs its reason and date, a shipment its tracking number)."""
    if customer.tenant_id != tenant.pk:
        raise ValidationError({"customer": "No such customer."})
    if status not in OrderStatus.values:
        raise ValidationError({"status": f"“{status}” is not an order status."})
    _check_order_requirements(
        to_status=status,
        reason=delay_reason,
        expected_delivery=expected_delivery,
        carrier=carrier,
        tracking_number=tracking_number,
    )
    order = Order(
        tenant=tenant,
        customer=customer,
        order_number=(order_number or "").strip(),
        items_summary=items_summary,
        total=total,
        currency=(currency or "").upper(),
        status=status,
        carrier=carrier,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
        expected_delivery=expected_delivery,
        delay_reason=delay_reason,
        shipping_postcode=shipping_postcode.strip().upper(),
        placed_at=placed_at or now(),
        delivered_at=now() if status == OrderStatus.DELIVERED else None,
    )
    if not order.order_number:
        raise ValidationError({"order_number": "Give the order number."})
    _full_clean(order, exclude=["customer"])
    order.save()
    _record_order_status(
        order=order, actor=actor, from_status="", reason=delay_reason, source_event=source_event
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="order.created",
        target=order,
        changes={"status": status},
        metadata={"customer_id": customer.pk, "source_event": source_event},
    )
    _publish_order_event(order, from_status="", reason=delay_reason)
    return order


@transaction.atomic
def order_update(*, actor: Actor, order: Order, changes: Mapping[str, Any]) -> Order:
    """Change order details other than status (status moves through `order_transition`)."""
    changed = apply_changes(order, changes, ORDER_UPDATABLE_FIELDS)
    if not changed:
        return order
    order.currency = (order.currency or "").upper()
    order.shipping_postcode = (order.shipping_postcode or "").strip().upper()
    _full_clean(order, exclude=["customer"])
    order.save(update_fields=[*changed, "updated_at"])
    audit_record(
        tenant=order.tenant, actor=actor, action="order.updated", target=order, changes={"fields": changed}
    )
    return order


@transaction.atomic
def order_transition(
    *,
    actor: Actor,
    order: Order,
    to_status: str,
    reason: str = "",
    expected_delivery: date | None = None,
    carrier: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
    source_event: str = "",
) -> Order:
    """Move an order to `to_status` if ORDER_TRANSITIONS allows it; record history, audit, publish.

    Delays need `reason` and `expected_delivery`; shipments need `carrier` and `tracking_number`
    (the URL is optional). Given values replace the order's; others are kept.
    """
    order = (
        Order.objects.for_tenant(order.tenant_id)
        .select_for_update()
        .select_related("tenant")
        .get(pk=order.pk)
    )
    if to_status not in OrderStatus.values:
        raise ValidationError({"status": f"“{to_status}” is not an order status."})
    from_status = order.status
    if to_status not in ORDER_TRANSITIONS[from_status]:
        current = OrderStatus(from_status).label.lower()
        raise ValidationError({"status": f"An order that is {current} cannot become {to_status}."})
    if to_status == from_status and not reason:
        raise ValidationError({"reason": "Give the reason for the further delay."})
    carrier = carrier or (order.carrier if to_status == OrderStatus.SHIPPED else "")
    tracking_number = tracking_number or (order.tracking_number if to_status == OrderStatus.SHIPPED else "")
    _check_order_requirements(
        to_status=to_status,
        reason=reason,
        expected_delivery=expected_delivery,
        carrier=carrier,
        tracking_number=tracking_number,
    )
    order.status = to_status
    if expected_delivery is not None:
        order.expected_delivery = expected_delivery
    if carrier:
        order.carrier = carrier
    if tracking_number:
        order.tracking_number = tracking_number
    if tracking_url:
        order.tracking_url = tracking_url
    order.delay_reason = reason if to_status in (OrderStatus.DELAYED, OrderStatus.PROCESSING) else ""
    if to_status == OrderStatus.DELIVERED:
        order.delivered_at = now()
    _full_clean(order, exclude=["customer"])
    order.save()
    _record_order_status(
        order=order, actor=actor, from_status=from_status, reason=reason, source_event=source_event
    )
    audit_record(
        tenant=order.tenant,
        actor=actor,
        action="order.status_changed",
        target=order,
        changes={"status": [from_status, to_status]},
        metadata={"source_event": source_event},
    )
    _publish_order_event(order, from_status=from_status, reason=reason)
    return order


# --- added for the agent workspace's customer form ------------------------------------------------


@transaction.atomic
def customer_edit(
    *,
    actor: Actor,
    customer: Customer,
    changes: Mapping[str, Any],
    emails: Iterable[str],
    phones: Iterable[str],
) -> Customer:
    """Profile fields and contact points saved as one change, as the staff form edits them together:
    both are saved or neither. Contact points are rewritten only when they differ."""
    clean_emails, clean_phones = _normalized_contacts(emails, phones)
    customer = customer_update(actor=actor, customer=customer, changes=changes)
    current = {
        kind: list(
            customer.contact_points.filter(kind=kind)
            .order_by("-is_primary", "id")
            .values_list("value", flat=True)
        )
        for kind in (ContactKind.EMAIL, ContactKind.PHONE)
    }
    if current != {ContactKind.EMAIL: clean_emails, ContactKind.PHONE: clean_phones}:
        customer_set_contact_points(actor=actor, customer=customer, emails=clean_emails, phones=clean_phones)
    return customer
