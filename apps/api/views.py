"""Platform endpoints: health, and who the API caller is."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.authentication import ApiKeyPrincipal
from apps.tenants.models import ApiScope, Role


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: 200 when PostgreSQL and Redis answer, 503 naming what does not."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not ready"; report which
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["redis"] = "ok" if cache.get("healthz") == "1" else "error: read-back failed"
    except Exception as exc:  # any failure means "not ready"; report which
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


class PrincipalSerializer(serializers.Serializer):
    tenant = serializers.CharField(help_text="Slug of the tenant whose host was called.")
    kind = serializers.ChoiceField(choices=["key", "user"], help_text="An API key or a staff session.")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices), required=False, help_text="For keys."
    )
    key_prefix = serializers.CharField(required=False, help_text="For keys: the public part of the key.")
    role = serializers.ChoiceField(choices=Role.choices, required=False, help_text="For sessions.")
    user_id = serializers.IntegerField(required=False, help_text="For sessions.")


class MeView(APIView):
    """Who is calling: a quick way to check a key (its tenant and scopes) or a staff session."""

    @extend_schema(
        summary="The calling principal",
        responses={200: PrincipalSerializer},
        tags=["platform"],
    )
    def get(self, request: Request) -> Response:
        tenant = request._request.tenant
        if isinstance(request.user, ApiKeyPrincipal):
            api_key = request.user.api_key
            data = {
                "tenant": tenant.slug,
                "kind": "key",
                "scopes": api_key.scopes,
                "key_prefix": api_key.prefix,
            }
        else:
            membership = request._request.membership
            data = {
                "tenant": tenant.slug,
                "kind": "user",
                "role": membership.role,
                "user_id": request.user.pk,
            }
        return Response(PrincipalSerializer(data).data)
