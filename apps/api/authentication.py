"""API authentication: per-tenant API keys (Bearer) and the staff browser session.

Either way the principal must belong to the host's tenant: a key of tenant B presented on tenant A's
host is refused exactly like an unknown key.
"""

import hmac

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from apps.tenants.models import ApiKey
from apps.tenants.services import API_KEY_PREFIX, hash_api_secret

# Writing last_used_at on every request would make each API call a write; once a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60


class ApiKeyPrincipal:
    """`request.user` for API-key requests: not a person, but answers what views ask of a user."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key
        self.pk = None

    def __str__(self) -> str:
        return f"api-key:{self.api_key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        if keyword != self.keyword:
            return None
        parts = token.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
            raise exceptions.AuthenticationFailed("Malformed API key.")
        _, prefix, secret = parts
        tenant = getattr(request._request, "tenant", None)
        if tenant is None:
            raise exceptions.AuthenticationFailed("Unknown tenant host.")
        api_key = ApiKey.objects.for_tenant(tenant).filter(prefix=prefix).first()
        if api_key is None or not hmac.compare_digest(api_key.secret_hash, hash_api_secret(secret)):
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if not api_key.is_active:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        now = timezone.now()
        if (
            api_key.last_used_at is None
            or (now - api_key.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiKey.objects.for_tenant(tenant).filter(pk=api_key.pk).update(last_used_at=now)
        return ApiKeyPrincipal(api_key), api_key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class TenantSessionAuthentication(authentication.SessionAuthentication):
    """Staff browser session; only counts when the user is a member of the host's tenant."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        if getattr(request._request, "membership", None) is None:
            return None
        return result


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "tdk_<prefix>_<secret>",
            "description": "A tenant API key, created under Settings → API keys "
            "or with `manage.py create_api_key`.",
        }


class TenantSessionAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.authentication.TenantSessionAuthentication"
    name = "staffSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
