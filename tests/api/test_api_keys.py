"""API keys: stored hashed, refused when revoked or presented on another tenant's host, scoped, throttled."""

import hashlib

import pytest
from django.db import connection

from apps.api.throttling import ApiKeyRateThrottle
from apps.tenants.models import ApiKey
from apps.tenants.services import api_key_revoke
from tests.api.shapes import error_of
from tests.conftest import client_for
from tests.factories import bearer, make_api_key

pytestmark = pytest.mark.django_db


def test_the_secret_is_stored_only_as_a_hash(actors):
    api_key, full_key = make_api_key(actors.tenant_a)
    _, prefix, secret = full_key.split("_", 2)

    row = ApiKey.objects.for_tenant(actors.tenant_a).get(pk=api_key.pk)
    assert row.prefix == prefix
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(k)::text FROM tenants_apikey k WHERE id = %s", [api_key.pk])
        stored = cursor.fetchone()[0]
    assert secret not in stored


def test_a_valid_key_identifies_its_tenant_and_scopes(actors):
    _, full_key = make_api_key(actors.tenant_a, scopes=("read", "events"))

    response = client_for(actors.tenant_a).get("/api/v1/me/", **bearer(full_key))

    assert response.status_code == 200
    assert response.json()["tenant"] == "alpha"
    assert response.json()["kind"] == "key"
    assert response.json()["scopes"] == ["events", "read"]


def test_a_staff_session_identifies_the_member_and_role(actors):
    response = client_for(actors.tenant_a, actors.supervisor_a).get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json() == {
        "tenant": "alpha",
        "kind": "user",
        "role": "supervisor",
        "user_id": actors.supervisor_a.pk,
    }


def test_a_revoked_key_is_refused_with_401(actors):
    api_key, full_key = make_api_key(actors.tenant_a)
    api_key_revoke(tenant=actors.tenant_a, actor=actors.admin_a, api_key=api_key)

    response = client_for(actors.tenant_a).get("/api/v1/me/", **bearer(full_key))

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    assert "revoked" in error_of(response)["message"]


def test_a_key_presented_on_another_tenants_host_is_refused_like_an_unknown_key(actors):
    _, key_of_b = make_api_key(actors.tenant_b)

    response = client_for(actors.tenant_a).get("/api/v1/me/", **bearer(key_of_b))

    assert response.status_code == 401
    assert error_of(response)["message"] == "Invalid API key."


def test_a_wrong_secret_with_a_real_prefix_is_refused(actors):
    _, full_key = make_api_key(actors.tenant_a)

    response = client_for(actors.tenant_a).get("/api/v1/me/", **bearer(full_key[:-4] + "AAAA"))

    assert response.status_code == 401


def test_a_malformed_key_is_refused(actors):
    response = client_for(actors.tenant_a).get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer not-a-key")

    assert response.status_code == 401
    assert error_of(response)["message"] == "Malformed API key."


def test_a_key_without_the_needed_scope_gets_403(actors):
    _, events_only = make_api_key(actors.tenant_a, scopes=("events",))

    response = client_for(actors.tenant_a).get("/api/v1/me/", **bearer(events_only))

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert "read" in error_of(response)["message"]


def test_using_a_key_records_when_it_was_last_used(actors):
    api_key, full_key = make_api_key(actors.tenant_a)
    assert api_key.last_used_at is None

    client_for(actors.tenant_a).get("/api/v1/me/", **bearer(full_key))

    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_requests_over_the_keys_rate_get_429_with_the_error_shape(actors, monkeypatch):
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "3/min"})
    _, full_key = make_api_key(actors.tenant_a)
    _, other_key = make_api_key(actors.tenant_a, name="Other system")
    client = client_for(actors.tenant_a)

    statuses = [client.get("/api/v1/me/", **bearer(full_key)).status_code for _ in range(4)]
    throttled = client.get("/api/v1/me/", **bearer(full_key))

    assert statuses == [200, 200, 200, 429]
    assert throttled.status_code == 429
    assert error_of(throttled)["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    # The limit is per key: another key of the same tenant is not slowed down.
    assert client.get("/api/v1/me/", **bearer(other_key)).status_code == 200
