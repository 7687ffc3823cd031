"""Links into the portal for messages sent without a request (notifications, the sign-in email).

`portal_url(tenant, path)` builds an absolute URL on the tenant's primary host. The notification
pipeline fills the template variables `links.portal`, `links.preferences`, `links.case` and
`links.order` from here, and offers "was this solved?" and "rate us" as signed links
(`confirm_link`, `csat_link`) that work without signing in (see `apps.portal.tokens`).
"""

from django.conf import settings
from django.urls import reverse

from apps.cases.models import Case
from apps.customers.models import Order
from apps.portal.tokens import LinkPurpose, link_token
from apps.tenants.models import Tenant
from apps.tenants.selectors import primary_host


def portal_base_url(tenant: Tenant) -> str:
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{primary_host(tenant)}{port}"


def portal_url(tenant: Tenant, path: str) -> str:
    return portal_base_url(tenant) + path


def home_link(tenant: Tenant) -> str:
    return portal_url(tenant, reverse("portal:home"))


def preferences_link(tenant: Tenant) -> str:
    return portal_url(tenant, reverse("portal:preferences"))


def case_link(case: Case) -> str:
    """The case page; a customer who is not signed in signs in first and lands there."""
    return portal_url(case.tenant, reverse("portal:case", args=[case.reference]))


def order_link(order: Order) -> str:
    return portal_url(order.tenant, reverse("portal:order", args=[order.pk]))


def confirm_link(case: Case) -> str:
    """ "Was this solved?": answers yes or no for this one case, without signing in."""
    token = link_token(case=case, purpose=LinkPurpose.CONFIRM)
    return portal_url(case.tenant, reverse("portal:link_confirm", args=[case.reference, token]))


def csat_link(case: Case) -> str:
    """ "How did we do?": rates this one case, without signing in."""
    token = link_token(case=case, purpose=LinkPurpose.CSAT)
    return portal_url(case.tenant, reverse("portal:link_rate", args=[case.reference, token]))
