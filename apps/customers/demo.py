"""Demo customers and orders (registered in seed_demo's DEMO_SEEDERS).

Fifty customers with varied languages, time zones, channel preferences, quiet hours, update
cadences and consent (some withdrew SMS by texting STOP), and orders in every status with a
believable history. Deterministic per tenant, and idempotent: customers are found by external id
and orders by number before anything is created.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

import phonenumbers
from django.core.management.base import OutputWrapper

from apps.common.clock import now
from apps.customers.models import Channel, ConsentSource, Customer, Order, OrderStatus, OrderStatusEvent
from apps.customers.selectors import customer_by_external_id
from apps.customers.services import consent_set, customer_create, order_create, order_transition
from apps.tenants.models import Tenant

CUSTOMER_COUNT = 50
ORDER_COUNT = 90

FIRST_NAMES = [
    "Olivia", "Noah", "Amara", "Lukas", "Sofia", "Mateo", "Hannah", "Kenji", "Chloe", "Arjun",
    "Freya", "Diego", "Ingrid", "Yusuf", "Maya", "Felix", "Zara", "Oscar", "Leila", "Hugo",
    "Aisha", "Jonas", "Elena", "Tariq", "Nora",
]  # fmt: skip
LAST_NAMES = [
    "Thompson", "Müller", "Okafor", "García", "Schmidt", "Tanaka", "Dubois", "Patel", "Johansson",
    "Rossi", "Nowak", "O'Brien", "Haddad", "Silva", "Kowalski", "Andersen", "Brennan", "Fischer",
    "Moreau", "Nakamura",
]  # fmt: skip
# (time zone, locale, phone country, example national numbers to vary)
PLACES = [
    ("Europe/London", "en-GB", "GB", "+44 7911 123{:03d}"),
    ("Europe/Berlin", "de", "DE", "+49 151 2345{:04d}"),
    ("America/New_York", "en", "US", "+1 212 555 {:04d}"),
    ("America/Los_Angeles", "en", "US", "+1 415 555 {:04d}"),
    ("Europe/Madrid", "es", "ES", "+34 612 34{:04d}"),
    ("Asia/Tokyo", "ja", "JP", "+81 90 1234 {:04d}"),
    ("Australia/Sydney", "en-AU", "AU", "+61 412 345 {:03d}"),
]
CHANNEL_ORDERS = [
    ["email", "portal"],
    ["sms", "email", "portal"],
    ["email", "sms"],
    ["portal", "email"],
    ["voice", "sms", "email"],
    ["sms", "portal"],
]
TAGS = ["vip", "wholesale", "new", "at-risk", "b2b", "loyalty"]
ITEMS = [
    "1 x Walnut desk lamp",
    "2 x Linen cushion cover (sand)",
    "1 x Cast-iron casserole, 28 cm",
    "3 x Beeswax candle set",
    "1 x Ergonomic office chair",
    "1 x Wool throw, charcoal",
    "4 x Stoneware mug",
    "1 x Oak bookshelf, 5 tiers",
]
CARRIERS = [("DHL", "https://www.dhl.com/track?id={}"), ("UPS", "https://www.ups.com/track?tracknum={}"),
            ("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{}")]  # fmt: skip
DELAYS = [
    "a supplier shortage of the walnut veneer",
    "high demand after the seasonal sale",
    "a carrier backlog at the regional hub",
    "severe weather closing the depot",
]
# Each order's path through its life; the last status is where it rests.
_SHIPPING = [OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED]
PATHS = {
    OrderStatus.PLACED: [OrderStatus.PLACED],
    OrderStatus.CONFIRMED: [OrderStatus.PLACED, OrderStatus.CONFIRMED],
    OrderStatus.PROCESSING: _SHIPPING[:3],
    OrderStatus.DELAYED: [OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.DELAYED],
    OrderStatus.SHIPPED: _SHIPPING,
    OrderStatus.DELIVERED: [*_SHIPPING, OrderStatus.DELIVERED],
    OrderStatus.CANCELLED: [OrderStatus.PLACED, OrderStatus.CANCELLED],
}
STATUS_WEIGHTS = {
    OrderStatus.PLACED: 8,
    OrderStatus.CONFIRMED: 10,
    OrderStatus.PROCESSING: 12,
    OrderStatus.DELAYED: 10,
    OrderStatus.SHIPPED: 18,
    OrderStatus.DELIVERED: 26,
    OrderStatus.CANCELLED: 6,
}


def _phone(pattern: str, rng: random.Random) -> str | None:
    for _ in range(20):
        candidate = pattern.format(rng.randrange(0, 1000))
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate, None)):
            return candidate
    return None


def _email(name: str, index: int, domain: str) -> str:
    local = "".join(
        ch for ch in name.lower().replace(" ", ".") if ch.isascii() and (ch.isalnum() or ch == ".")
    )
    return f"{local}.{index}@{domain}"


def _seed_customer(tenant: Tenant, index: int, rng: random.Random) -> Customer:
    external_id = f"CRM-{10000 + index}"
    existing = customer_by_external_id(tenant=tenant, external_id=external_id)
    if existing is not None:
        return existing
    name = f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index * 7) % len(LAST_NAMES)]}"
    time_zone, locale, _, phone_pattern = PLACES[index % len(PLACES)]
    channels = CHANNEL_ORDERS[index % len(CHANNEL_ORDERS)]
    phone = _phone(phone_pattern, rng) if index % 5 != 0 else None
    consents = {channel: True for channel in channels if channel != Channel.PORTAL}
    quiet = (time(21, 0), time(8, 0)) if index % 3 == 0 else (None, None)
    customer = customer_create(
        tenant=tenant,
        actor=None,
        name=name,
        emails=[_email(name, index, "example.com")],
        phones=[phone] if phone else [],
        locale=locale,
        time_zone=time_zone,
        preferred_channels=channels,
        quiet_hours_start=quiet[0],
        quiet_hours_end=quiet[1],
        update_cadence=["events", "daily", "weekly", "biweekly"][index % 4],
        tags=rng.sample(TAGS, k=index % 3),
        onboarded_on=now().date() - timedelta(days=30 + index * 11),
        external_id=external_id,
        consents=consents,
        consent_source=ConsentSource.API if index % 2 else ConsentSource.AGENT,
    )
    if phone and "sms" in channels and index % 7 == 3:
        stop = ConsentSource.SMS_KEYWORD
        consent_set(
            actor=customer, customer=customer, channel="sms", granted=False, source=stop, note="Replied STOP"
        )
    return customer


def _seed_order(tenant: Tenant, index: int, customer: Customer, status: str, rng: random.Random) -> Order:
    number = f"W{100200 + index}"
    existing = Order.objects.for_tenant(tenant).filter(order_number=number).first()
    if existing is not None:
        return existing
    placed_at = now() - timedelta(days=2 + (index % 40), hours=rng.randrange(0, 12))
    expected = (placed_at + timedelta(days=5)).date()
    order = order_create(
        tenant=tenant,
        actor=None,
        customer=customer,
        order_number=number,
        items_summary=ITEMS[index % len(ITEMS)],
        total=Decimal(rng.randrange(1500, 42000)) / 100,
        currency="GBP" if customer.time_zone == "Europe/London" else "EUR",
        expected_delivery=expected,
        shipping_postcode=f"SW1A {index % 9}AA" if customer.time_zone == "Europe/London" else "",
        placed_at=placed_at,
    )
    for step in PATHS[status][1:]:
        extra: dict = {}
        if step == OrderStatus.PROCESSING and index % 4 == 0:
            extra = {"reason": rng.choice(DELAYS), "expected_delivery": expected + timedelta(days=3)}
        elif step == OrderStatus.DELAYED:
            extra = {"reason": rng.choice(DELAYS), "expected_delivery": expected + timedelta(days=6)}
        elif step == OrderStatus.SHIPPED:
            carrier, url = CARRIERS[index % len(CARRIERS)]
            tracking = f"{carrier[:2].upper()}{rng.randrange(10**9, 10**10)}"
            extra = {"carrier": carrier, "tracking_number": tracking, "tracking_url": url.format(tracking)}
        order = order_transition(actor=None, order=order, to_status=step, **extra)
    _spread_history(order, placed_at)
    return order


def _spread_history(order: Order, placed_at: datetime) -> None:
    """Give the history the pace of a real order (a day or so between steps), not seed time."""
    events = list(OrderStatusEvent.objects.for_tenant(order.tenant_id).filter(order=order).order_by("id"))
    moment = placed_at
    for event in events:
        event.occurred_at = moment
        moment += timedelta(hours=20 + (event.pk % 30))
    OrderStatusEvent.objects.for_tenant(order.tenant_id).bulk_update(events, ["occurred_at"])
    if order.status == OrderStatus.DELIVERED:
        Order.objects.for_tenant(order.tenant_id).filter(pk=order.pk).update(
            delivered_at=events[-1].occurred_at
        )


def seed(*, tenant: Tenant, stdout: OutputWrapper) -> None:
    rng = random.Random(f"customers:{tenant.slug}")  # noqa: S311  (demo data, not security)
    customers = [_seed_customer(tenant, index, rng) for index in range(CUSTOMER_COUNT)]
    statuses = [status for status, weight in STATUS_WEIGHTS.items() for _ in range(weight)]
    for index in range(ORDER_COUNT):
        _seed_order(
            tenant, index, customers[(index * 3) % len(customers)], statuses[index % len(statuses)], rng
        )
    stdout.write(f"  {tenant.slug}: {len(customers)} customers, {ORDER_COUNT} orders")
