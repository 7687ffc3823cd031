"""Event intake: other systems post order, customer and case events; each is applied once.

The contract (docs/cases.md, "Event intake"): every request carries an `Idempotency-Key`. Under a
per-(tenant, key) advisory lock held to the end of the request's transaction,

1. a key seen before with the same body gets the stored response again (a replay);
2. a key seen before with a different body is refused (409) and changes nothing;
3. otherwise the event is validated (400, nothing stored: fix it and resend, same key or not),
   then applied through the services in a savepoint. Applied: 201. Refused by a business rule
   (unknown order without customer, impossible order move): 422. Both outcomes are stored with the
   event, so a replay answers the same.

Applying calls the ordinary services (`order_create`, `order_transition`, `customer_create`,
`case_open`), and each of those hands its domain event to the notification pipeline through its
one `domain_event_publish` call, in this transaction.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.api.errors import error_body
from apps.audit.services import audit_record
from apps.cases.models import Case, IntakeEvent, Team
from apps.cases.services import case_open
from apps.common.actors import Actor
from apps.customers.models import Channel, ConsentSource, ContactKind, Customer, OrderStatus
from apps.customers.selectors import customer_by_contact, customer_by_external_id, order_by_number
from apps.customers.services import (
    customer_create,
    order_create,
    order_event_name,
    order_transition,
    order_update,
)
from apps.tenants.models import ApiKey, Tenant

ORDER_EVENT_STATUS = {
    "order.placed": OrderStatus.PLACED,
    "order.confirmed": OrderStatus.CONFIRMED,
    "order.processing_delayed": OrderStatus.PROCESSING,
    "order.delayed": OrderStatus.DELAYED,
    "order.shipped": OrderStatus.SHIPPED,
    "order.delivered": OrderStatus.DELIVERED,
}
ORDER_DETAIL_FIELDS = ("items_summary", "total", "currency", "shipping_postcode")


class IdempotencyConflict(Exception):
    """The key was used before with a different body."""


class EventRefused(Exception):
    """The event is well-formed but cannot be applied (answered 422 and stored)."""

    def __init__(self, code: str, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields or {}


@dataclass(frozen=True)
class Applied:
    domain_event: str
    result: dict[str, Any]


def intake_body_hash(body: Any) -> str:
    """SHA-256 of the body as canonical JSON: the same event with keys in another order or other
    whitespace is the same body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def intake_event_find(*, tenant: Tenant, key: str, body_hash: str) -> IntakeEvent | None:
    """Serialise requests with this key, then return the stored event for a replay (or None).

    Must run inside the request's transaction: the lock is released when it ends, by which time
    the first request's event row is committed and visible to the waiting one.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"intake:{tenant.pk}:{key}"])
    stored = IntakeEvent.objects.for_tenant(tenant).filter(key=key).first()
    if stored is not None and stored.body_hash != body_hash:
        raise IdempotencyConflict
    return stored


def _customer_from_event(*, tenant: Tenant, actor: Actor, ref: dict[str, Any]) -> Customer:
    customer = customer_by_external_id(tenant=tenant, external_id=ref.get("external_id", ""))
    if customer is None and ref.get("email"):
        customer = customer_by_contact(tenant=tenant, kind=ContactKind.EMAIL, value=ref["email"])
    if customer is None and ref.get("phone"):
        customer = customer_by_contact(tenant=tenant, kind=ContactKind.PHONE, value=ref["phone"])
    if customer is not None:
        return customer
    if not ref.get("name"):
        raise EventRefused(
            "unknown_customer",
            "No such customer; to create one from the event, give their name with an email or phone.",
            {"customer": ["Unknown customer."]},
        )
    return customer_create(
        tenant=tenant,
        actor=actor,
        name=ref["name"],
        emails=[ref["email"]] if ref.get("email") else [],
        phones=[ref["phone"]] if ref.get("phone") else [],
        external_id=ref.get("external_id", ""),
        locale=ref.get("locale", ""),
        time_zone=ref.get("time_zone", ""),
        preferred_channels=ref.get("preferred_channels"),
        consents=ref.get("consents") or {Channel.EMAIL: True},
        consent_source=ConsentSource.API,
    )


def _order_result(order) -> dict[str, Any]:
    return {
        "order": {"order_number": order.order_number, "status": order.status, "customer": order.customer_id}
    }


def _apply_order_event(*, tenant: Tenant, actor: Actor, event_type: str, data: dict) -> Applied:
    """The unknown-order rule: an event for an order number we have not seen creates the order in
    the event's state when the event carries `customer`; without it, the event is refused."""
    target = ORDER_EVENT_STATUS[event_type]
    reason = data.get("reason", "")
    shipment = {key: data[key] for key in ("carrier", "tracking_number", "tracking_url") if key in data}
    order = order_by_number(tenant=tenant, order_number=data["order_number"])
    if order is not None and event_type == "order.placed":
        raise EventRefused(
            "order_exists",
            f"Order {order.order_number} was placed before.",
            {"order_number": ["Already known."]},
        )
    if order is None:
        if "customer" not in data:
            raise EventRefused(
                "unknown_order",
                f"Unknown order {data['order_number']}: send order.placed first, or include `customer` "
                "so the order is created from this event.",
                {"order_number": ["Unknown order."]},
            )
        customer = _customer_from_event(tenant=tenant, actor=actor, ref=data["customer"])
        order = order_create(
            tenant=tenant,
            actor=actor,
            customer=customer,
            order_number=data["order_number"],
            status=target,
            delay_reason=reason,
            expected_delivery=data.get("expected_delivery"),
            placed_at=data.get("placed_at"),
            source_event=event_type,
            **{field: data[field] for field in ORDER_DETAIL_FIELDS if field in data},
            **shipment,
        )
    else:
        order = order_transition(
            actor=actor,
            order=order,
            to_status=target,
            reason=reason,
            expected_delivery=data.get("expected_delivery"),
            source_event=event_type,
            **shipment,
        )
        details = {field: data[field] for field in ORDER_DETAIL_FIELDS if field in data}
        if details:
            order = order_update(actor=actor, order=order, changes=details)
    return Applied(order_event_name(to_status=order.status, reason=reason), _order_result(order))


def _apply_customer_created(*, tenant: Tenant, actor: Actor, event_type: str, data: dict) -> Applied:
    if customer_by_external_id(tenant=tenant, external_id=data.get("external_id", "")):
        raise EventRefused(
            "customer_exists",
            f"A customer with external id {data['external_id']} exists.",
            {"external_id": ["Already known."]},
        )
    customer = customer_create(tenant=tenant, actor=actor, consent_source=ConsentSource.API, **data)
    return Applied("customer.created", {"customer": {"id": customer.pk, "external_id": customer.external_id}})


def _apply_case_created(*, tenant: Tenant, actor: Actor, event_type: str, data: dict) -> Applied:
    customer = _customer_from_event(tenant=tenant, actor=actor, ref=data["customer"])
    order = None
    if data.get("order_number"):
        order = order_by_number(tenant=tenant, order_number=data["order_number"])
        if order is None or order.customer_id != customer.pk:
            raise EventRefused(
                "unknown_order", "No such order of this customer.", {"order_number": ["Unknown order."]}
            )
    team = None
    if data.get("team"):
        team = Team.objects.for_tenant(tenant).filter(name__iexact=data["team"]).first()
        if team is None:
            raise EventRefused(
                "unknown_team", f"No team called “{data['team']}”.", {"team": ["Unknown team."]}
            )
    case: Case = case_open(
        tenant=tenant,
        actor=actor,
        customer=customer,
        subject=data["subject"],
        description=data["description"],
        kind=data["kind"],
        source_channel=data["source_channel"],
        priority=data["priority"],
        team=team,
        order=order,
        tags=data["tags"],
    )
    return Applied("case.opened", {"case": {"reference": case.reference, "status": case.status}})


APPLIERS: dict[str, Callable[..., Applied]] = {
    **dict.fromkeys(ORDER_EVENT_STATUS, _apply_order_event),
    "customer.created": _apply_customer_created,
    "case.created": _apply_case_created,
}


@transaction.atomic
def intake_event_apply(
    *,
    tenant: Tenant,
    actor: Actor,
    key: str,
    body: dict[str, Any],
    body_hash: str,
    event_type: str,
    data: dict[str, Any],
) -> IntakeEvent:
    """Apply a validated event and store it with its response (201 applied, 422 refused)."""
    try:
        with transaction.atomic():
            applied = APPLIERS[event_type](tenant=tenant, actor=actor, event_type=event_type, data=data)
    except EventRefused as refused:
        status, response = 422, error_body(refused.code, refused.message, refused.fields)
    except ValidationError as invalid:
        fields = (
            invalid.message_dict if hasattr(invalid, "error_dict") else {"non_field_errors": invalid.messages}
        )
        status, response = 422, error_body("unprocessable", "The event cannot be applied.", fields)
    else:
        status, response = 201, {"type": event_type, "status": "applied", **asdict(applied)}
    event = IntakeEvent.objects.create(
        tenant=tenant,
        key=key,
        body_hash=body_hash,
        type=event_type,
        payload=body,
        response_status=status,
        response_body=response,
        api_key=actor if isinstance(actor, ApiKey) else None,
    )
    if status == 201:
        event.response_body = response = {"id": event.pk, **response}
        event.save(update_fields=["response_body"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="intake_event.received",
        target=event,
        metadata={"type": event_type, "response_status": status},
    )
    return event
