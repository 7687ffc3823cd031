"""One error shape for every 4xx of the API, and the health endpoint."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from tests.api.shapes import error_of
from tests.conftest import client_for
from tests.factories import bearer, make_api_key

pytestmark = pytest.mark.django_db


class _AmountSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1)


class _ValidatingView(APIView):
    """Stands in for any API view that validates input (the foundation has none of its own yet)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        if request.data.get("via") == "service":
            raise DjangoValidationError({"amount": "Must be a whole number of cents."})
        _AmountSerializer(data=request.data).is_valid(raise_exception=True)
        return None


def test_invalid_input_gets_400_with_field_errors():
    request = APIRequestFactory().post("/x/", {"amount": 0}, format="json")
    response = _ValidatingView.as_view()(request)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["amount"]


def test_a_services_django_validation_error_becomes_the_same_400():
    request = APIRequestFactory().post("/x/", {"via": "service"}, format="json")
    response = _ValidatingView.as_view()(request)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"amount": ["Must be a whole number of cents."]}


def test_no_credentials_gets_401(actors):
    response = client_for(actors.tenant_a).get("/api/v1/me/")

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


# 403 (missing scope) and 429 with the error shape: see test_api_keys.py.


def test_an_unknown_api_path_gets_404_in_the_error_shape(actors):
    response = client_for(actors.tenant_a).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


def test_an_api_path_on_an_unknown_host_gets_404_in_the_error_shape(client):
    response = client.get("/api/v1/me/", HTTP_HOST="nobody.localhost")

    assert response.status_code == 404
    assert error_of(response)["code"] == "unknown_host"


def test_a_method_the_endpoint_does_not_have_gets_405(actors):
    _, key = make_api_key(actors.tenant_a)

    response = client_for(actors.tenant_a).post("/api/v1/me/", **bearer(key))

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_the_schema_documents_the_me_endpoint(actors):
    response = client_for(actors.tenant_a).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/me/" in schema["paths"]
    assert {"apiKey", "staffSession"} <= set(schema["components"]["securitySchemes"])


def test_healthz_reports_ok_when_database_and_redis_answer(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_healthz_answers_503_naming_redis_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }

    response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error: ")


def test_healthz_also_answers_on_a_tenant_host(actors):
    response = client_for(actors.tenant_a).get("/healthz")

    assert response.status_code == 200
