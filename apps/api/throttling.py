from rest_framework.throttling import SimpleRateThrottle

from apps.api.authentication import ApiKeyPrincipal


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Per API key (per staff user for sessions), counted in Redis through Django's cache."""

    scope = "api_key"

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.user, ApiKeyPrincipal):
            ident = f"key:{request.user.api_key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
