"""Order status without signing in: order number plus the email address or postcode on the order.

The answer reveals the status, its history (statuses and dates) and tracking only — never the
name, address, items or amount. A wrong number and a wrong email/postcode get the same answer, and
failures are throttled per client IP.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.audit.services import audit_record
from apps.customers.contact import normalize_email
from apps.customers.models import ContactKind, Order
from apps.customers.selectors import contact_points_of, order_by_number
from apps.portal import throttle
from apps.tenants.models import Tenant


class LookupOutcome(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LookupResult:
    outcome: LookupOutcome
    order: Order | None = None


def _postcode(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def _proves(order: Order, proof: str) -> bool:
    """Whether `proof` is an email address of the order's customer or the order's postcode."""
    proof = (proof or "").strip()
    if "@" in proof:
        try:
            email = normalize_email(proof)
        except ValidationError:
            return False
        emails = {point.value for point in contact_points_of(customer=order.customer, kind=ContactKind.EMAIL)}
        return email in emails
    return bool(order.shipping_postcode) and _postcode(proof) == _postcode(order.shipping_postcode)


@transaction.atomic
def order_lookup(*, tenant: Tenant, order_number: str, proof: str, ip: str) -> LookupResult:
    checks = [(throttle.ORDER_LOOKUP_FAILURES_PER_IP, ip)]
    if throttle.is_throttled(checks):
        audit_record(
            tenant=tenant, actor=None, action="portal.order_lookup_throttled", target=("customers.order", "")
        )
        return LookupResult(LookupOutcome.THROTTLED)
    order = order_by_number(tenant=tenant, order_number=order_number or "")
    if order is None or not _proves(order, proof):
        throttle.hit(checks)
        audit_record(
            tenant=tenant,
            actor=None,
            action="portal.order_lookup_failed",
            target=("customers.order", str(order.pk) if order else ""),
            metadata={"reason": "no_such_order" if order is None else "proof_mismatch"},
        )
        return LookupResult(LookupOutcome.NOT_FOUND)
    audit_record(tenant=tenant, actor=None, action="portal.order_looked_up", target=order)
    return LookupResult(LookupOutcome.FOUND, order)
