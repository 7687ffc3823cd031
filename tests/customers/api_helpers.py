"""Calling the API as a tenant's key, and reading the common error shape."""

from collections.abc import Callable

from django.test.client import Client

from apps.tenants.models import Tenant
from tests.conftest import client_for
from tests.factories import bearer, make_api_key


def key_client(tenant: Tenant, scopes: tuple[str, ...] = ("read", "write")) -> Callable:
    """`call(method, path, data=None, **extra)` as a fresh API key of `tenant` with `scopes`, JSON."""
    _, key = make_api_key(tenant, scopes=scopes)
    client: Client = client_for(tenant)

    def call(method: str, path: str, data=None, **extra):
        return getattr(client, method)(
            path, data=data, content_type="application/json", **bearer(key), **extra
        )

    return call


def error(response) -> dict:
    """The `error` object of a 4xx answer, after checking it has exactly the common shape."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]
