"""Resolve the tenant from the request host and run the request inside its context."""

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import render

from apps.api.errors import error_body
from apps.tenants.context import tenant_context
from apps.tenants.selectors import membership_for_user, tenant_for_host

# Paths that answer on any host, with or without a tenant (load-balancer health checks use an IP).
HOSTLESS_PATHS = ("/healthz",)


class TenantMiddleware:
    """Sets `request.tenant` and wraps the rest of the request in `tenant_context` (one transaction).

    A response of 500 or more rolls the transaction back, as `ATOMIC_REQUESTS` would.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host, _port = split_domain_port(request.get_host())
        tenant = tenant_for_host(host)
        request.tenant = tenant
        if tenant is None:
            if request.path.startswith(HOSTLESS_PATHS):
                return self.get_response(request)
            if request.path.startswith("/api/"):
                body = error_body("unknown_host", f"No Tidings workspace is served at {host}.")
                return JsonResponse(body, status=404)
            return render(request, "tenants/unknown_host.html", {"host": host}, status=404)

        with tenant_context(tenant):
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response


class MembershipMiddleware:
    """Sets `request.membership`: the signed-in user's active role in the host's tenant, or None.

    A user with memberships in several tenants sees only the host's tenant.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        tenant = getattr(request, "tenant", None)
        if tenant is not None and request.user.is_authenticated:
            request.membership = membership_for_user(tenant=tenant, user=request.user)
        return self.get_response(request)
