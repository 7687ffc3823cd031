"""Channel choice: which channels may carry a message to a customer, in which order, and from when.

The order is the customer's preference, minus channels without consent or without an address
(`customer_reachable_channels`), minus channels the trigger rule does not allow, minus addresses on
the tenant's suppression list. SMS and calls are held back until the end of the customer's quiet
hours (in the customer's time zone) unless the notice is urgent.
"""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from apps.customers.models import ContactKind, Customer
from apps.customers.selectors import contact_points_of, customer_reachable_channels
from apps.notifications.models import ChannelName
from apps.notifications.outbox.models import Suppression

# The kind of address each channel sends to; the portal inbox is addressed by customer id.
ADDRESS_KIND = {
    ChannelName.EMAIL: ContactKind.EMAIL,
    ChannelName.SMS: ContactKind.PHONE,
    ChannelName.VOICE: ContactKind.PHONE,
}
QUIET_CHANNELS = (ChannelName.SMS, ChannelName.VOICE)


@dataclass(frozen=True)
class Route:
    channel: str
    address: str
    not_before: datetime | None = None


def suppressed_addresses(*, customer: Customer) -> set[tuple[str, str]]:
    """(channel, address) pairs of this customer's addresses that are on the suppression list."""
    addresses = [point.value for point in customer.contact_points.all()]
    if not addresses:
        return set()
    return set(
        Suppression.objects.for_tenant(customer.tenant_id)
        .filter(address__in=addresses)
        .values_list("channel", "address")
    )


def quiet_hours_end(*, customer: Customer, moment: datetime) -> datetime | None:
    """When the customer's quiet hours that contain `moment` end; None outside quiet hours.

    Quiet hours may span midnight (21:00 to 08:00). Times are in the customer's time zone.
    """
    start, end = customer.quiet_hours_start, customer.quiet_hours_end
    if start is None or end is None:
        return None
    zone = zoneinfo.ZoneInfo(customer.time_zone or "UTC")
    local = moment.astimezone(zone)
    clock: time = local.time().replace(tzinfo=None)
    if start < end:
        inside, end_day = start <= clock < end, local.date()
    else:
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=zone)


def _address(customer: Customer, channel: str, suppressed: set[tuple[str, str]]) -> str:
    if channel == ChannelName.PORTAL:
        return str(customer.pk)
    for point in contact_points_of(customer=customer, kind=ADDRESS_KIND[channel]):
        if (channel, point.value) not in suppressed:
            return point.value
    return ""


def customer_routes(
    *,
    customer: Customer,
    allowed: Iterable[str],
    moment: datetime,
    urgent: bool = False,
    first_choice: str = "",
    exclude: Iterable[str] = (),
) -> list[Route]:
    """The channels to try for `customer`, best first, each with its address and hold-back time.

    `first_choice` (an agent's explicit pick) goes first even if the customer ranks it lower or the
    rule does not list it; it still needs consent and an unsuppressed address. `exclude` drops
    channels already tried for the same event (fallbacks). Works on the customer's prefetched
    contact points and consents plus one query for suppressions.
    """
    allowed = set(allowed)
    reachable = customer_reachable_channels(customer=customer)
    if first_choice == ChannelName.PORTAL and first_choice not in reachable:
        reachable.insert(0, first_choice)  # the portal inbox needs neither consent nor an address
    order = [first_choice] if first_choice else []
    order += [channel for channel in reachable if channel in allowed and channel != first_choice]
    suppressed = suppressed_addresses(customer=customer)
    skipped = set(exclude)
    routes = []
    for channel in order:
        if channel in skipped or channel not in reachable:
            continue
        address = _address(customer, channel, suppressed)
        if not address:
            continue
        held = None
        if channel in QUIET_CHANNELS and not urgent:
            held = quiet_hours_end(customer=customer, moment=moment)
        routes.append(Route(channel, address, held))
    return routes
