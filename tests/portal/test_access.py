"""Cross-customer and cross-tenant access to every portal URL.

Every URL pattern under /portal/ is listed in REGISTRY (a missing one fails
`test_every_portal_url_is_in_the_registry`). For each:

- `mine(...)`: names one object of customer A (tenant A). Customer A gets it (the control); another
  customer of tenant A gets 404; a customer of tenant B gets 404 on tenant B's host; tenant B's
  customer's session on tenant A's host counts as not signed in.
- `own(...)`: a page about the signed-in customer's own data (a list, a form). Another customer
  sees none of customer A's data there; tenant B's session on tenant A's host is not signed in.
- `token(...)`: a signed link for one case of customer A: 404 on tenant B's host and for another
  case's reference; the control answers.
- `public(why)`: open to anyone on purpose.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from apps.common.clock import now
from apps.notifications.channels.base import OutboundMessage
from apps.notifications.services import portal_inbox_deliver
from apps.portal.links import confirm_link, csat_link
from apps.portal.models import DataExport, ExportStatus
from tests.cases.factories import CaseFactory
from tests.conftest import client_for
from tests.customers.factories import OrderFactory
from tests.portal.conftest import World, signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test"


@dataclass
class Objects:
    case: object
    other_case: object
    attachment_id: int
    order: object
    message_id: int
    export_id: int


@pytest.fixture
def objects(world: World) -> Objects:
    order = OrderFactory(customer=world.customer, order_number="A-1001")
    case = CaseFactory(
        customer=world.customer,
        subject="Lamp arrived broken",
        order=order,
        attachments=[SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf")],
    )
    other_case = CaseFactory(customer=world.customer, subject="Second question")
    attachment = case.timeline.get(data__event="opened").attachments.get()
    message = portal_inbox_deliver(
        message=OutboundMessage(
            tenant_id=world.tenant_a.pk,
            channel="portal",
            to=str(world.customer.pk),
            subject="Hi",
            text="Hello",
        ),
        customer_id=world.customer.pk,
    )
    export = DataExport(
        tenant=world.tenant_a,
        customer=world.customer,
        status=ExportStatus.READY,
        completed_at=now(),
        expires_at=now() + timedelta(days=7),
    )
    export.file.save("data.zip", ContentFile(b"PK\x03\x04"), save=False)
    export.save()
    return Objects(case, other_case, attachment.pk, order, message.pk, export.pk)


Builder = Callable[[World, Objects], str]


@dataclass(frozen=True)
class Probe:
    kind: str  # mine, own, token, public
    url: Builder | None = None
    method: str = "get"
    why: str = ""


def mine(url: Builder, method: str = "get") -> Probe:
    return Probe("mine", url, method)


def own(url: str, method: str = "get") -> Probe:
    return Probe("own", lambda w, o: url, method)


def token(url: Builder) -> Probe:
    return Probe("token", url)


def public(why: str) -> Probe:
    return Probe("public", why=why)


def _path(full_url: str) -> str:
    return urlsplit(full_url).path


REGISTRY: dict[str, Probe] = {
    "portal/": own("/portal/"),
    "portal/sign-in/": public("signing in is open to anyone"),
    "portal/sign-in/code/": public("the code page serves whoever asked for a code (tested in test_sign_in)"),
    "portal/sign-in/code/resend/": public("resends to the address this session asked for"),
    "portal/sign-in/link/<str:token>/": public("guarded by its one-time token (tested in test_sign_in)"),
    "portal/sign-out/": public("signing out only ends the caller's own session"),
    "portal/language/": public("sets the visitor's own language"),
    "portal/cases/": own("/portal/cases/"),
    "portal/cases/new/": own("/portal/cases/new/"),
    "portal/cases/<str:reference>/": mine(lambda w, o: f"/portal/cases/{o.case.reference}/"),
    "portal/cases/<str:reference>/reply/": mine(
        lambda w, o: f"/portal/cases/{o.case.reference}/reply/", "post"
    ),
    "portal/cases/<str:reference>/confirm/": mine(
        lambda w, o: f"/portal/cases/{o.case.reference}/confirm/", "post"
    ),
    "portal/cases/<str:reference>/rate/": mine(
        lambda w, o: f"/portal/cases/{o.case.reference}/rate/", "post"
    ),
    "portal/cases/<str:reference>/attachments/<int:pk>/": mine(
        lambda w, o: f"/portal/cases/{o.case.reference}/attachments/{o.attachment_id}/"
    ),
    "portal/orders/": own("/portal/orders/"),
    "portal/orders/<int:pk>/": mine(lambda w, o: f"/portal/orders/{o.order.pk}/"),
    "portal/messages/": own("/portal/messages/"),
    "portal/messages/<int:pk>/": mine(lambda w, o: f"/portal/messages/{o.message_id}/"),
    "portal/preferences/": own("/portal/preferences/"),
    "portal/my-data/": own("/portal/my-data/"),
    "portal/my-data/export/": own("/portal/my-data/export/", "post"),
    "portal/my-data/exports/<int:pk>/": mine(lambda w, o: f"/portal/my-data/exports/{o.export_id}/"),
    "portal/track/": public("order tracking without signing in (tested in test_order_lookup)"),
    "portal/l/<str:reference>/solved/<str:token>/": token(lambda w, o: _path(confirm_link(o.case))),
    "portal/l/<str:reference>/rate/<str:token>/": token(lambda w, o: _path(csat_link(o.case))),
    "portal/^(?P<path>.*)$": public("the portal's own not-found page"),
}


def _walk(patterns: list, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def portal_routes() -> set[str]:
    return {route for route in _walk(get_resolver().url_patterns) if route.startswith("portal/")}


def test_every_portal_url_is_in_the_registry():
    assert sorted(portal_routes() - set(REGISTRY)) == []
    assert sorted(set(REGISTRY) - portal_routes()) == []


def _send(client, probe: Probe, url: str):
    return getattr(client, probe.method)(url)


def _not_signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")


CHECKED = sorted(route for route, probe in REGISTRY.items() if probe.kind != "public")


@pytest.mark.parametrize("route", CHECKED)
def test_no_customer_reaches_another_customers_portal_data(route, world, objects):
    probe = REGISTRY[route]
    url = probe.url(world, objects)

    if probe.kind == "token":
        assert client_for(world.tenant_a).get(url).status_code == 200, "the control failed"
        assert client_for(world.tenant_b).get(url).status_code == 404
        swapped = url.replace(f"/{objects.case.reference}/", f"/{objects.other_case.reference}/")
        assert client_for(world.tenant_a).get(swapped).status_code == 404
        return

    # Tenant B's customer, with their session, on tenant A's host: not signed in there.
    session_of_b = signed_in(world.stranger)
    session_of_b.defaults["HTTP_HOST"] = client_for(world.tenant_a).defaults["HTTP_HOST"]
    assert _not_signed_in(_send(session_of_b, probe, url)), f"{url}: B's session counted on A's host"

    if probe.kind == "mine":
        control = _send(signed_in(world.customer), probe, url)
        assert control.status_code != 404, f"{url} is 404 for its own customer: the builder is wrong"
        neighbour = _send(signed_in(world.neighbour), probe, url)
        assert neighbour.status_code == 404, f"{url} answered {neighbour.status_code} to another customer"
        stranger = _send(signed_in(world.stranger), probe, url)
        assert stranger.status_code == 404, f"{url} answered {stranger.status_code} on tenant B's host"
        return

    neighbour = _send(signed_in(world.neighbour), probe, url)
    assert neighbour.status_code in (200, 302)
    page = neighbour.content.decode()
    for secret in (objects.case.reference, objects.case.subject, objects.order.order_number, "Emma"):
        assert secret not in page, f"{url} shows customer A's {secret!r} to another customer"


def test_an_unknown_portal_path_gets_the_portal_not_found_page(world):
    response = client_for(world.tenant_a).get("/portal/no/such/page/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert "portal.css" in response.content.decode()
