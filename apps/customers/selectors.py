"""Reads about customers and orders, shared by the staff UI, the API, the portal and notifications."""

from django.db.models import Prefetch, Q, QuerySet

from apps.common.search import prefix_term_query, search_terms
from apps.customers.contact import normalize_email, normalize_phone
from apps.customers.models import (
    Channel,
    ConsentEvent,
    ContactKind,
    ContactPoint,
    Customer,
    Order,
    OrderStatusEvent,
)
from apps.tenants.models import Tenant


def customer_search_filter(text: str) -> Q | None:
    """A filter on Customer matching every word of `text` in name, addresses, phone or external id."""
    terms = search_terms(text)
    if not terms:
        return None
    condition = Q()
    for term in terms:
        condition &= Q(search_vector__vector=prefix_term_query(term))
    return condition


def customer_list(
    *,
    tenant: Tenant,
    query: str = "",
    tag: str = "",
    email: str = "",
    phone: str = "",
    external_id: str = "",
) -> QuerySet[Customer]:
    """Customers of the tenant, filtered; contact points and consents prefetched. Newest first."""
    customers = Customer.objects.for_tenant(tenant)
    search = customer_search_filter(query)
    if search is not None:
        customers = customers.filter(search)
    if tag:
        customers = customers.filter(tags__contains=[tag.strip().lower()])
    if external_id:
        customers = customers.filter(external_id=external_id.strip())
    for kind, raw, normalize in (
        (ContactKind.EMAIL, email, normalize_email),
        (ContactKind.PHONE, phone, normalize_phone),
    ):
        if raw:
            try:
                value = normalize(raw)
            except Exception:
                return customers.none()
            customers = customers.filter(
                pk__in=ContactPoint.objects.for_tenant(tenant)
                .filter(kind=kind, value=value)
                .values("customer_id")
            )
    return customers.prefetch_related("contact_points", "consents").order_by("-created_at", "-id")


def customer_detail(*, tenant: Tenant, customer_id: int) -> Customer | None:
    """One customer with contact points and current consents loaded (3 queries)."""
    return (
        Customer.objects.for_tenant(tenant)
        .filter(pk=customer_id)
        .prefetch_related("contact_points", "consents")
        .first()
    )


def customer_by_contact(*, tenant: Tenant, kind: str, value: str) -> Customer | None:
    """The customer owning an email address or phone number (inbound messages, portal sign-in)."""
    normalize = normalize_email if kind == ContactKind.EMAIL else normalize_phone
    try:
        value = normalize(value)
    except Exception:
        return None
    point = (
        ContactPoint.objects.for_tenant(tenant)
        .filter(kind=kind, value=value)
        .select_related("customer")
        .first()
    )
    return point.customer if point else None


def contact_point_by_value(*, tenant: Tenant, kind: str, value: str) -> ContactPoint | None:
    """The contact point with this already-normalised address, with its customer (portal sign-in)."""
    return (
        ContactPoint.objects.for_tenant(tenant)
        .filter(kind=kind, value=value)
        .select_related("customer", "customer__tenant")
        .first()
    )


def customer_by_external_id(*, tenant: Tenant, external_id: str) -> Customer | None:
    if not external_id:
        return None
    return Customer.objects.for_tenant(tenant).filter(external_id=external_id).first()


def contact_points_of(*, customer: Customer, kind: str) -> list[ContactPoint]:
    """The customer's addresses of `kind`, primary first. Uses prefetched contact points."""
    points = [point for point in customer.contact_points.all() if point.kind == kind]
    return sorted(points, key=lambda point: (not point.is_primary, point.pk))


def customer_reachable_channels(*, customer: Customer) -> list[str]:
    """The customer's preferred channels, in order, that may and can be used.

    A channel counts when consent for it is granted and the customer has an address for it (email
    → an email address; sms and voice → a phone number). The portal inbox needs neither and is
    always reachable. Works on prefetched `contact_points` and `consents` without extra queries.
    """
    kinds = {point.kind for point in customer.contact_points.all()}
    granted = {consent.channel for consent in customer.consents.all() if consent.granted}
    needs = {
        Channel.EMAIL: ContactKind.EMAIL,
        Channel.SMS: ContactKind.PHONE,
        Channel.VOICE: ContactKind.PHONE,
    }
    reachable = []
    for channel in customer.preferred_channels:
        if channel == Channel.PORTAL or (channel in granted and needs[channel] in kinds):
            reachable.append(channel)
    return reachable


def customer_consent_history(*, customer: Customer) -> QuerySet[ConsentEvent]:
    return customer.consent_events.select_related("recorded_by").order_by("-created_at", "-id")


def customer_orders(*, customer: Customer) -> QuerySet[Order]:
    """The customer's orders, newest first, each with its status history (2 queries)."""
    history = OrderStatusEvent.objects.for_tenant(customer.tenant_id).order_by("occurred_at", "id")
    return customer.orders.prefetch_related(Prefetch("status_events", queryset=history)).order_by(
        "-placed_at", "-id"
    )


def order_list(*, tenant: Tenant, customer_id: int | None = None, status: str = "") -> QuerySet[Order]:
    orders = Order.objects.for_tenant(tenant).select_related("customer")
    if customer_id is not None:
        orders = orders.filter(customer_id=customer_id)
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-id")


def order_by_number(*, tenant: Tenant, order_number: str) -> Order | None:
    """The order with this number and its history, or None."""
    history = OrderStatusEvent.objects.for_tenant(tenant).order_by("occurred_at", "id")
    return (
        Order.objects.for_tenant(tenant)
        .filter(order_number=order_number.strip())
        .select_related("customer")
        .prefetch_related(Prefetch("status_events", queryset=history))
        .first()
    )
