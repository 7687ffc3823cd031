"""The portal session: one customer of one tenant, kept under its own key beside (never mixed with)
a staff sign-in, checked against the request's tenant on every request, and ended after
`PORTAL_SESSION_IDLE_SECONDS` without activity or `PORTAL_SESSION_MAX_SECONDS` in all."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from apps.common.clock import now
from apps.customers.models import Customer
from apps.customers.selectors import customer_detail

SESSION_KEY = "portal"
PENDING_KEY = "portal_pending"  # the address a code was asked for, and where to go afterwards
# Writing the session on every request costs a write each time; a minute's precision is plenty.
TOUCH_EVERY_SECONDS = 60


def safe_next(path: str | None) -> str:
    """`path` if it is a relative path inside the portal (no other host, no scheme), else ""."""
    path = (path or "").strip()
    if not path.startswith("/portal/") or "\\" in path:
        return ""
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=set()) else ""


def portal_session_start(request: HttpRequest, customer: Customer) -> None:
    # A new session key at sign-in: a key planted before signing in (session fixation) is useless.
    request.session.cycle_key()
    moment = int(now().timestamp())
    request.session.pop(PENDING_KEY, None)
    request.session[SESSION_KEY] = {
        "customer_id": customer.pk,
        "tenant_id": customer.tenant_id,
        "started": moment,
        "seen": moment,
    }


def portal_session_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(PENDING_KEY, None)
    request.session.cycle_key()


def portal_session_customer(request: HttpRequest) -> tuple[Customer | None, bool]:
    """(the signed-in customer or None, whether a session just expired)."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None, False
    if data.get("tenant_id") != request.tenant.pk:
        return None, False  # a session of another tenant gives nothing here
    moment = int(now().timestamp())
    idle = moment - int(data.get("seen", 0))
    age = moment - int(data.get("started", 0))
    if idle > settings.PORTAL_SESSION_IDLE_SECONDS or age > settings.PORTAL_SESSION_MAX_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return None, True
    customer = customer_detail(tenant=request.tenant, customer_id=data.get("customer_id"))
    if customer is None:
        request.session.pop(SESSION_KEY, None)
        return None, False
    if idle >= TOUCH_EVERY_SECONDS:
        request.session[SESSION_KEY] = {**data, "seen": moment}
    return customer, False
