"""The plain-data context a trigger's template is rendered with (see `message_templates.triggers`).

Every optional variable the trigger declares is present (None prints as nothing, `{% if %}` works);
a required one is present only when we know its value, so a template that needs a value we lack
fails to render instead of sending a message with a blank where the tracking number should be.
Callers (`notification_request`) may add or override values with their own `context`.
"""

import re
import zoneinfo
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.urls import NoReverseMatch, reverse

from apps.cases.models import Case, CaseStatus
from apps.common.clock import now
from apps.customers.models import Customer, Order
from apps.message_templates.triggers import trigger_for_key
from apps.portal import links
from apps.portal.selectors import expected_resolutions
from apps.tenants.models import Tenant

# "We will update you by …" for a processing delay: the next working check-in we promise.
PROCESSING_UPDATE_DAYS = 2
# What the resolution and closure messages promise (the SLA timers close unanswered cases).
AUTO_CLOSE_DAYS = 7
REOPEN_DAYS = 14
# "2 x Walnut desk lamp", also with a multiplication sign (U+00D7) instead of the x.
ITEM_LINE = re.compile(r"^\s*(\d+)\s*[x\u00d7]\s*(.+?)\s*$", re.IGNORECASE)


def _put(context: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = context
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def _link(build: Callable[..., str], *args: Any) -> str:
    """A portal link, or "" while the portal's pages are not installed."""
    try:
        return build(*args)
    except NoReverseMatch:
        return ""


def _page(base: str, name: str, *args: Any) -> str:
    """A portal page under `base` (the tenant's portal address, looked up once per message)."""
    return _link(lambda: base + reverse(name, args=args))


def _items(summary: str) -> list[dict[str, Any]]:
    """Order lines from the order system's summary ("2 x Walnut desk lamp", one per line)."""
    items = []
    for line in (summary or "").splitlines():
        if not line.strip():
            continue
        match = ITEM_LINE.match(line)
        quantity, name = (int(match[1]), match[2]) if match else (1, line.strip())
        items.append({"name": name, "quantity": quantity, "price": ""})
    return items


def _customer_values(tenant: Tenant, customer: Customer, base: str) -> dict[str, Any]:
    first, _, last = customer.name.strip().partition(" ")
    return {
        "customer.first_name": first,
        "customer.last_name": last.strip(),
        "customer.full_name": customer.name,
        "company.name": tenant.public_name,
        "company.brand_colour": tenant.brand_colour,
        "links.portal": _page(base, "portal:home"),
        "links.preferences": _page(base, "portal:preferences"),
    }


def _order_values(tenant: Tenant, order: Order, base: str) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    total = f"{order.currency} {order.total}".strip() if order.total is not None else None
    return {
        "order.number": order.order_number,
        "order.date": order.placed_at.astimezone(zone).date(),
        "links.order": _page(base, "portal:order", order.pk),
        "order.items": _items(order.items_summary),
        "order.total": total,
        "order.expected_date": order.expected_delivery,
        "order.update_expected_by": (now().astimezone(zone) + timedelta(days=PROCESSING_UPDATE_DAYS)).date(),
        "order.carrier": order.carrier or None,
        "order.tracking_number": order.tracking_number or None,
        "order.tracking_url": order.tracking_url or None,
        "order.delivered_at": order.delivered_at,
        "order.delay_reason": order.delay_reason or None,
        "order.new_expected_date": order.expected_delivery,
    }


def _case_values(tenant: Tenant, customer: Customer, case: Case, base: str) -> dict[str, Any]:
    confirm = _link(links.confirm_link, case)
    values = {
        "case.reference": case.reference,
        "case.subject": case.subject,
        "case.status": CaseStatus(case.status).label,
        "links.case": _page(base, "portal:case", case.reference),
        "agent.name": case.assignee.full_name.split(" ")[0] if case.assignee_id else None,
        "case.team": case.team.name if case.team_id else None,
        "links.confirm_solved": f"{confirm}?answer=yes" if confirm else None,
        "links.not_solved": f"{confirm}?answer=no" if confirm else None,
        "links.csat": _link(links.csat_link, case) or None,
        "case.auto_close_days": AUTO_CLOSE_DAYS,
        "case.reopen_days": REOPEN_DAYS,
        "case.closed_because": "agent",
    }
    estimate = expected_resolutions(tenant=tenant, customer=customer, cases=[case]).get(case.pk)
    if estimate is not None:
        values["case.expected_resolution"] = estimate
    return values


def trigger_context(
    *,
    template_key: str,
    tenant: Tenant,
    customer: Customer,
    order: Order | None = None,
    case: Case | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Nested plain data with the variables of `template_key`'s trigger, plus `extra` (caller wins)."""
    trigger = trigger_for_key(template_key)
    base = links.portal_base_url(tenant)  # one host lookup for all the links of the message
    known = _customer_values(tenant, customer, base)
    if order is not None:
        known.update(_order_values(tenant, order, base))
    if case is not None:
        known.update(_case_values(tenant, customer, case, base))
    context: dict[str, Any] = {}
    for variable in trigger.variables:
        value = known.get(variable.name)
        if value is not None or not variable.required_in:
            _put(context, variable.name, [] if value is None and variable.is_list else value)
    return deep_merge(context, extra or {})
