"""Who may call what: tenant principals, roles for sessions, scopes for API keys."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.api.authentication import ApiKeyPrincipal
from apps.tenants.models import ApiScope


class IsTenantPrincipal(BasePermission):
    """An API key of the host's tenant (with the scope the method needs) or a staff member of it.

    Views may set `required_scope` to demand a scope other than read (safe methods) / write.
    """

    message = "Authentication with an API key or a staff session of this tenant is required."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.user, ApiKeyPrincipal):
            needed = getattr(view, "required_scope", None) or (
                ApiScope.READ if request.method in SAFE_METHODS else ApiScope.WRITE
            )
            if needed not in request.user.api_key.scopes:
                self.message = f"This API key lacks the “{needed}” scope."
                return False
            return True
        return getattr(request._request, "membership", None) is not None


class IsTenantSupervisor(IsTenantPrincipal):
    """As above, but a session must be a supervisor or admin (keys are judged by scope only)."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if isinstance(request.user, ApiKeyPrincipal):
            return True
        self.message = "Supervisor or admin role required."
        return request._request.membership.is_supervisor
