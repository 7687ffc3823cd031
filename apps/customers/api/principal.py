"""Who is calling the API, in the terms services want (audit actor, consent source)."""

from rest_framework.request import Request

from apps.accounts.models import User
from apps.api.authentication import ApiKeyPrincipal
from apps.customers.models import ConsentSource
from apps.tenants.models import ApiKey


def request_actor(request: Request) -> ApiKey | User:
    """The API key for key requests, the staff user for sessions: the audit actor."""
    if isinstance(request.user, ApiKeyPrincipal):
        return request.auth
    return request.user


def request_consent_source(request: Request) -> str:
    return ConsentSource.API if isinstance(request.user, ApiKeyPrincipal) else ConsentSource.AGENT
