"""Cross-tenant access to every staff page (/app/) and API endpoint (/api/v1/).

Every URL pattern under those prefixes must be listed in REGISTRY below, saying how to build its
URL for an object of tenant A and what kind of URL it is; an unlisted pattern fails
`test_every_app_and_api_url_is_in_the_registry`, which prints the line to add. Then, for each entry:

- a page: tenant B's staff member (an admin there), signed in on tenant A's host, is sent to the
  sign-in page; if the URL names an object of tenant A, the same URL on tenant B's own host is 404;
- an API endpoint: tenant B's API key (every scope) and tenant B's staff session on tenant A's host
  get 401; if the URL names an object of tenant A, tenant B's key on tenant B's host gets 404;
- as a control, tenant A's own admin (page) or key (API) does NOT get 404 there, which proves the
  builder made a real URL of a real object.

Adding an entry is one line. The builder gets the `actors` fixture (tests/conftest.py) and returns a
path; create tenant A's object in it with your factory:

    "app/cases/<int:pk>/": object_page(lambda a: f"/app/cases/{CaseFactory(tenant=a.tenant_a).pk}/"),
    "app/cases/<int:pk>/close/": object_page(lambda a: f"/app/cases/{case_of(a).pk}/close/", "post"),
    "api/v1/cases/": api("/api/v1/cases/"),
    "api/v1/cases/<int:pk>/": object_api(lambda a: f"/api/v1/cases/{case_of(a).pk}/"),
    "app/password/reset/": public("the sign-in flow is open to anyone"),
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import Actors, client_for
from tests.factories import bearer, make_api_key
from tests.notifications.factories import DevOutboxMessageFactory

CHECKED_PREFIXES = ("app/", "api/v1/")

UrlBuilder = Callable[[Actors], str] | str


@dataclass(frozen=True)
class Probe:
    kind: str  # "page", "api" or "public"
    url: UrlBuilder | None = None
    method: str = "get"
    names_object: bool = False  # the URL points at one object of tenant A
    why_public: str = ""

    def build(self, actors: Actors) -> str:
        return self.url(actors) if callable(self.url) else self.url


def page(url: UrlBuilder, method: str = "get") -> Probe:
    """A staff page that shows the host tenant's own data (a list, a form)."""
    return Probe("page", url, method)


def object_page(url: UrlBuilder, method: str = "get") -> Probe:
    """A staff page or action about one object of tenant A."""
    return Probe("page", url, method, names_object=True)


def api(url: UrlBuilder, method: str = "get") -> Probe:
    """An API endpoint over the caller's tenant (a collection, `me`)."""
    return Probe("api", url, method)


def object_api(url: UrlBuilder, method: str = "get") -> Probe:
    """An API endpoint about one object of tenant A."""
    return Probe("api", url, method, names_object=True)


def public(why: str) -> Probe:
    """Open to anyone on purpose (say why); nothing to check across tenants."""
    return Probe("public", why_public=why)


def _member_of_a(actors: Actors) -> int:
    return actors.agent_a.memberships.get().pk


def _key_of_a(actors: Actors) -> int:
    return make_api_key(actors.tenant_a, name="Tenant A's key")[0].pk


def _team_of_a(actors: Actors) -> int:
    from tests.cases.factories import TeamFactory

    return TeamFactory(tenant=actors.tenant_a).pk


def _team_member_path_of_a(actors: Actors) -> str:
    from apps.cases.services import team_add_member
    from tests.cases.factories import TeamFactory

    team = TeamFactory(tenant=actors.tenant_a)
    team_add_member(actor=None, team=team, user=actors.agent_a)
    return f"/app/settings/teams/{team.pk}/members/{actors.agent_a.pk}/remove/"


def _customer_of_a(actors: Actors) -> int:
    from tests.customers.factories import CustomerFactory

    return CustomerFactory(tenant=actors.tenant_a).pk


def _order_of_a(actors: Actors) -> str:
    from tests.customers.factories import OrderFactory

    return OrderFactory(customer__tenant=actors.tenant_a).order_number


def _case_of_a(actors: Actors) -> str:
    from tests.cases.factories import CaseFactory

    return CaseFactory(customer__tenant=actors.tenant_a).reference


def _attachment_of_a(actors: Actors) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.cases.selectors import TENANT_WIDE, case_by_reference
    from apps.cases.services import case_add_note

    case = case_by_reference(tenant=actors.tenant_a, membership=TENANT_WIDE, reference=_case_of_a(actors))
    note = case_add_note(
        actor=None,
        case=case,
        body="See file",
        attachments=[SimpleUploadedFile("a.txt", b"text", "text/plain")],
    )
    return note.attachments.get().pk


def _escalation_of_a(actors: Actors) -> int:
    from apps.cases.services import case_escalate
    from apps.sla.models import Escalation
    from tests.cases.factories import CaseFactory

    case = case_escalate(actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), reason="Probe")
    return Escalation.objects.for_tenant(actors.tenant_a).get(case=case).pk


def _notice_of_a(actors: Actors) -> int:
    from apps.sla.notices import staff_notify

    (notice,) = staff_notify(
        tenant=actors.tenant_a, user_ids=[actors.admin_a.pk], case=None, kind="warning", text="Probe"
    )
    return notice.pk


def _calendar_of_a(actors: Actors) -> int:
    from apps.sla.services import calendar_create

    return calendar_create(tenant=actors.tenant_a, actor=None, name="Tenant A's hours", time_zone="UTC").pk


def _policy_of_a(actors: Actors) -> int:
    from apps.sla.services import policy_create

    return policy_create(tenant=actors.tenant_a, actor=None, name="Tenant A's policy").pk


def _closure_path_of_a(actors: Actors) -> str:
    from datetime import date

    from apps.sla.selectors import default_calendar
    from apps.sla.services import closure_add

    calendar_id = _calendar_of_a(actors)
    calendar = default_calendar(tenant=actors.tenant_a)
    closure = closure_add(
        tenant=actors.tenant_a, actor=None, calendar=calendar, name="Move", start_date=date(2030, 1, 2)
    )
    return f"/app/settings/sla/calendars/{calendar_id}/closures/{closure.pk}/delete/"


def _notification_of_a(actors: Actors) -> int:
    from tests.notifications.outbox_fixtures import make_customer, queued_notifications

    return queued_notifications(actors.tenant_a, make_customer(actors.tenant_a), 1, status="failed")[0].pk


def _template_of_a(actors: Actors) -> int:
    from tests.message_templates.factories import MessageTemplateFactory

    return MessageTemplateFactory(tenant=actors.tenant_a).pk


def _template_version_of_a(actors: Actors) -> str:
    from tests.message_templates.factories import TemplateVersionFactory

    return f"/app/templates/versions/{TemplateVersionFactory(template__tenant=actors.tenant_a).pk}/"


REGISTRY: dict[str, Probe] = {
    # ---- apps/web: shell, sign-in, tenant settings
    "app/": page("/app/"),
    "app/login/": public("the sign-in page must be reachable before signing in"),
    "app/logout/": public("signing out only ends the caller's own session"),
    "app/password/reset/": public("password reset is part of signing in"),
    "app/password/reset/sent/": public("password reset is part of signing in"),
    "app/password/reset/<uidb64>/<token>/": public("guarded by its one-time token (tested in tests/web)"),
    "app/password/reset/complete/": public("password reset is part of signing in"),
    "app/settings/": page("/app/settings/"),
    "app/settings/members/": page("/app/settings/members/"),
    "app/settings/members/<int:pk>/role/": object_page(
        lambda a: f"/app/settings/members/{_member_of_a(a)}/role/", "post"
    ),
    "app/settings/members/<int:pk>/deactivate/": object_page(
        lambda a: f"/app/settings/members/{_member_of_a(a)}/deactivate/", "post"
    ),
    "app/settings/members/<int:pk>/reactivate/": object_page(
        lambda a: f"/app/settings/members/{_member_of_a(a)}/reactivate/", "post"
    ),
    "app/settings/api-keys/": page("/app/settings/api-keys/"),
    "app/settings/api-keys/<int:pk>/revoke/": object_page(
        lambda a: f"/app/settings/api-keys/{_key_of_a(a)}/revoke/", "post"
    ),
    # ---- apps/cases: Settings → Teams
    "app/settings/teams/": page("/app/settings/teams/"),
    "app/settings/teams/<int:pk>/": object_page(lambda a: f"/app/settings/teams/{_team_of_a(a)}/"),
    "app/settings/teams/<int:pk>/members/": object_page(
        lambda a: f"/app/settings/teams/{_team_of_a(a)}/members/", "post"
    ),
    "app/settings/teams/<int:pk>/members/<int:user_pk>/remove/": object_page(_team_member_path_of_a, "post"),
    "app/settings/teams/<int:pk>/calendar/": object_page(
        lambda a: f"/app/settings/teams/{_team_of_a(a)}/calendar/", "post"
    ),
    "app/settings/teams/<int:pk>/delete/": object_page(
        lambda a: f"/app/settings/teams/{_team_of_a(a)}/delete/", "post"
    ),
    # ---- apps/notifications: dev outbox (the /webhooks/ URLs are checked in tests/notifications)
    "app/dev-outbox/": page("/app/dev-outbox/"),
    "app/dev-outbox/<int:message_id>/": object_page(
        lambda a: f"/app/dev-outbox/{DevOutboxMessageFactory(tenant=a.tenant_a).pk}/"
    ),
    "app/dev-outbox/clear/": page("/app/dev-outbox/clear/", "post"),
    "app/notifications/": page("/app/notifications/"),
    "app/notifications/<int:notification_id>/": object_page(
        lambda a: f"/app/notifications/{_notification_of_a(a)}/"
    ),
    "app/notifications/<int:notification_id>/resend/": object_page(
        lambda a: f"/app/notifications/{_notification_of_a(a)}/resend/", "post"
    ),
    "app/settings/notifications/": page("/app/settings/notifications/"),
    # ---- apps/sla: SLA settings
    "app/settings/sla/": page("/app/settings/sla/"),
    "app/settings/sla/install-defaults/": page("/app/settings/sla/install-defaults/", "post"),
    "app/settings/sla/policies/new/": page("/app/settings/sla/policies/new/"),
    "app/settings/sla/policies/preview/": page("/app/settings/sla/policies/preview/", "post"),
    "app/settings/sla/policies/<int:pk>/": object_page(
        lambda a: f"/app/settings/sla/policies/{_policy_of_a(a)}/"
    ),
    "app/settings/sla/policies/<int:pk>/delete/": object_page(
        lambda a: f"/app/settings/sla/policies/{_policy_of_a(a)}/delete/", "post"
    ),
    "app/settings/sla/calendars/": page("/app/settings/sla/calendars/"),
    "app/settings/sla/calendars/new/": page("/app/settings/sla/calendars/new/"),
    "app/settings/sla/calendars/regions/": page("/app/settings/sla/calendars/regions/?country=GB"),
    "app/settings/sla/calendars/<int:pk>/": object_page(
        lambda a: f"/app/settings/sla/calendars/{_calendar_of_a(a)}/"
    ),
    "app/settings/sla/calendars/<int:pk>/delete/": object_page(
        lambda a: f"/app/settings/sla/calendars/{_calendar_of_a(a)}/delete/", "post"
    ),
    "app/settings/sla/calendars/<int:pk>/teams/": object_page(
        lambda a: f"/app/settings/sla/calendars/{_calendar_of_a(a)}/teams/", "post"
    ),
    "app/settings/sla/calendars/<int:pk>/closures/": object_page(
        lambda a: f"/app/settings/sla/calendars/{_calendar_of_a(a)}/closures/", "post"
    ),
    "app/settings/sla/calendars/<int:pk>/closures/<int:closure_pk>/delete/": object_page(
        _closure_path_of_a, "post"
    ),
    "app/settings/sla/escalation/": page("/app/settings/sla/escalation/"),
    "app/settings/sla/timers/": page("/app/settings/sla/timers/"),
    # ---- apps/sla: escalation queue, staff notices, case clocks
    "app/escalations/": page("/app/escalations/"),
    "app/escalations/<int:pk>/acknowledge/": object_page(
        lambda a: f"/app/escalations/{_escalation_of_a(a)}/acknowledge/", "post"
    ),
    "app/escalations/<int:pk>/reassign/": object_page(
        lambda a: f"/app/escalations/{_escalation_of_a(a)}/reassign/", "post"
    ),
    "app/escalations/<int:pk>/deescalate/": object_page(
        lambda a: f"/app/escalations/{_escalation_of_a(a)}/deescalate/", "post"
    ),
    "app/notices/": page("/app/notices/"),
    "app/notices/read/": page("/app/notices/read/", "post"),
    "app/notices/bell/": page("/app/notices/bell/"),
    "app/notices/<int:pk>/": object_page(lambda a: f"/app/notices/{_notice_of_a(a)}/"),
    "app/sla/clock/<str:reference>/": object_page(lambda a: f"/app/sla/clock/{_case_of_a(a)}/"),
    # ---- apps/api: platform endpoints
    "api/v1/schema/": public("the API description is public documentation"),
    "api/v1/docs/": public("the API description is public documentation"),
    "api/v1/redoc/": public("the API description is public documentation"),
    "api/v1/me/": api("/api/v1/me/"),
    # ---- apps/customers and apps/cases: API
    "api/v1/customers/": api("/api/v1/customers/"),
    "api/v1/customers/<int:customer_id>/": object_api(lambda a: f"/api/v1/customers/{_customer_of_a(a)}/"),
    "api/v1/orders/": api("/api/v1/orders/"),
    "api/v1/orders/<str:order_number>/": object_api(lambda a: f"/api/v1/orders/{_order_of_a(a)}/"),
    "api/v1/cases/": api("/api/v1/cases/"),
    "api/v1/cases/<str:reference>/": object_api(lambda a: f"/api/v1/cases/{_case_of_a(a)}/"),
    "api/v1/cases/<str:reference>/transition/": object_api(
        lambda a: f"/api/v1/cases/{_case_of_a(a)}/transition/", "post"
    ),
    "api/v1/cases/<str:reference>/assign/": object_api(
        lambda a: f"/api/v1/cases/{_case_of_a(a)}/assign/", "post"
    ),
    "api/v1/cases/<str:reference>/escalate/": object_api(
        lambda a: f"/api/v1/cases/{_case_of_a(a)}/escalate/", "post"
    ),
    "api/v1/cases/<str:reference>/delay/": object_api(
        lambda a: f"/api/v1/cases/{_case_of_a(a)}/delay/", "post"
    ),
    "api/v1/cases/<str:reference>/messages/": object_api(
        lambda a: f"/api/v1/cases/{_case_of_a(a)}/messages/", "post"
    ),
    "api/v1/cases/<str:reference>/notes/": object_api(
        lambda a: f"/api/v1/cases/{_case_of_a(a)}/notes/", "post"
    ),
    "api/v1/teams/": api("/api/v1/teams/"),
    # ---- apps/cases and apps/customers: the agent workspace
    "app/cases/": page("/app/cases/"),
    "app/cases/new/": page("/app/cases/new/"),
    "app/cases/attachments/<int:pk>/": object_page(
        lambda a: f"/app/cases/attachments/{_attachment_of_a(a)}/"
    ),
    "app/cases/<str:reference>/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/"),
    "app/cases/<str:reference>/reply/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/reply/", "post"),
    "app/cases/<str:reference>/note/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/note/", "post"),
    "app/cases/<str:reference>/status/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/status/", "post"),
    "app/cases/<str:reference>/assign/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/assign/", "post"),
    "app/cases/<str:reference>/team/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/team/", "post"),
    "app/cases/<str:reference>/escalate/": object_page(
        lambda a: f"/app/cases/{_case_of_a(a)}/escalate/", "post"
    ),
    "app/cases/<str:reference>/delay/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/delay/", "post"),
    "app/cases/<str:reference>/order/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/order/", "post"),
    "app/cases/<str:reference>/tags/": object_page(lambda a: f"/app/cases/{_case_of_a(a)}/tags/", "post"),
    "app/cases/<str:reference>/priority/": object_page(
        lambda a: f"/app/cases/{_case_of_a(a)}/priority/", "post"
    ),
    "app/customers/": page("/app/customers/"),
    "app/customers/new/": page("/app/customers/new/"),
    "app/customers/<int:pk>/": object_page(lambda a: f"/app/customers/{_customer_of_a(a)}/"),
    "app/customers/<int:pk>/edit/": object_page(lambda a: f"/app/customers/{_customer_of_a(a)}/edit/"),
    "app/customers/<int:pk>/consent/": object_page(
        lambda a: f"/app/customers/{_customer_of_a(a)}/consent/", "post"
    ),
    # ---- apps/message_templates: staff pages and API
    "app/templates/": page("/app/templates/"),
    "app/templates/new/": page("/app/templates/new/"),
    "app/templates/review/": page("/app/templates/review/"),
    "app/templates/<int:pk>/": object_page(lambda a: f"/app/templates/{_template_of_a(a)}/"),
    "app/templates/<int:pk>/details/": object_page(
        lambda a: f"/app/templates/{_template_of_a(a)}/details/", "post"
    ),
    "app/templates/<int:pk>/versions/new/": object_page(
        lambda a: f"/app/templates/{_template_of_a(a)}/versions/new/", "post"
    ),
    "app/templates/versions/<int:pk>/": object_page(_template_version_of_a),
    "app/templates/versions/<int:pk>/edit/": object_page(lambda a: f"{_template_version_of_a(a)}edit/"),
    "app/templates/versions/<int:pk>/lint/": object_page(
        lambda a: f"{_template_version_of_a(a)}lint/", "post"
    ),
    "app/templates/versions/<int:pk>/submit/": object_page(
        lambda a: f"{_template_version_of_a(a)}submit/", "post"
    ),
    "app/templates/versions/<int:pk>/discard/": object_page(
        lambda a: f"{_template_version_of_a(a)}discard/", "post"
    ),
    "app/templates/versions/<int:pk>/review/": object_page(
        lambda a: f"{_template_version_of_a(a)}review/", "post"
    ),
    "app/templates/versions/<int:pk>/diff/": object_page(lambda a: f"{_template_version_of_a(a)}diff/"),
    "api/v1/templates/": api("/api/v1/templates/"),
    "api/v1/templates/<int:pk>/": object_api(lambda a: f"/api/v1/templates/{_template_of_a(a)}/"),
    "api/v1/events/": api("/api/v1/events/", "post"),
}


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def checked_routes() -> set[str]:
    return {route for route in _walk(get_resolver().url_patterns) if route.startswith(CHECKED_PREFIXES)}


def _suggested_entry(route: str) -> str:
    """A starting point for the missing line (fix the kind, builder and method as needed)."""
    kind = "api" if route.startswith("api/") else "page"
    path = route.replace("^", "").replace("$", "")  # DRF routers give regex routes: api/v1/^cases/$
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>", lambda m: f"{{{m[1] or m[2]}_of_tenant_a}}", path)
    if path == route.replace("^", "").replace("$", ""):
        return f'    "{route}": {kind}("/{path}"),'
    return f'    "{route}": object_{kind}(lambda a: f"/{path}"),  # build the object with your factory'


def test_every_app_and_api_url_is_in_the_registry():
    missing = sorted(checked_routes() - set(REGISTRY))
    lines = "\n".join(_suggested_entry(route) for route in missing)
    assert not missing, (
        f"{len(missing)} URL pattern(s) under /app/ or /api/v1/ have no cross-tenant check. "
        f"Add each to REGISTRY in tests/test_cross_tenant.py (see its docstring), e.g.:\n{lines}"
    )


def test_the_registry_lists_no_url_that_no_longer_exists():
    assert sorted(set(REGISTRY) - checked_routes()) == []


def test_every_public_entry_says_why():
    assert [
        route for route, probe in REGISTRY.items() if probe.kind == "public" and not probe.why_public
    ] == []


def _send(client, probe: Probe, url: str, **extra):
    return getattr(client, probe.method)(url, **extra)


CHECKED = sorted(route for route, probe in REGISTRY.items() if probe.kind != "public")


@pytest.mark.django_db
@pytest.mark.parametrize("route", CHECKED)
def test_tenant_b_cannot_reach_tenant_a(route, actors):
    probe = REGISTRY[route]
    url = probe.build(actors)
    if probe.kind == "page":
        _page_is_closed_to_tenant_b(probe, url, actors)
    else:
        _api_is_closed_to_tenant_b(probe, url, actors)


def _page_is_closed_to_tenant_b(probe: Probe, url: str, actors: Actors) -> None:
    on_a_host = _send(client_for(actors.tenant_a, actors.staff_b), probe, url)
    assert on_a_host.status_code == 302, f"{url} on tenant A's host answered {on_a_host.status_code}"
    assert on_a_host["Location"].startswith("/app/login/"), on_a_host["Location"]
    if probe.names_object:
        on_b_host = _send(client_for(actors.tenant_b, actors.staff_b), probe, url)
        assert on_b_host.status_code == 404, f"{url} on tenant B's host answered {on_b_host.status_code}"
        control = _send(client_for(actors.tenant_a, actors.admin_a), probe, url)
        assert control.status_code != 404, f"{url} is 404 for tenant A's own admin: the builder is wrong"


def _api_is_closed_to_tenant_b(probe: Probe, url: str, actors: Actors) -> None:
    _, key_of_b = make_api_key(actors.tenant_b, name="Tenant B's key")
    with_key = _send(client_for(actors.tenant_a), probe, url, **bearer(key_of_b))
    assert with_key.status_code == 401, f"{url} with B's key on A's host answered {with_key.status_code}"
    with_session = _send(client_for(actors.tenant_a, actors.staff_b), probe, url)
    assert with_session.status_code == 401, f"{url} with B's session on A's host: {with_session.status_code}"
    if probe.names_object:
        on_b_host = _send(client_for(actors.tenant_b), probe, url, **bearer(key_of_b))
        assert on_b_host.status_code == 404, f"{url} on tenant B's host answered {on_b_host.status_code}"
        _, key_of_a = make_api_key(actors.tenant_a, name="Tenant A's control key")
        control = _send(client_for(actors.tenant_a), probe, url, **bearer(key_of_a))
        assert control.status_code != 404, f"{url} is 404 for tenant A's own key: the builder is wrong"
