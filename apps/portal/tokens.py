"""Signed links that allow exactly one action on one case, without signing in.

A token is `django.core.signing` output over {tenant id, case id, customer id} with a salt per
purpose, so a "rate us" token cannot confirm a resolution, and one case's token cannot act on
another case or on another tenant's host. Tokens expire after `PORTAL_LINK_MAX_AGE_SECONDS`. They
need no storage: each action can be done once anyway (a case is confirmed once; rated once).
"""

from enum import StrEnum

from django.conf import settings
from django.core import signing

from apps.cases.models import Case
from apps.tenants.models import Tenant


class LinkPurpose(StrEnum):
    CONFIRM = "confirm"  # "was this solved?"
    CSAT = "csat"  # "how did we do?"


def _salt(purpose: LinkPurpose) -> str:
    return f"tidings.portal.link.{purpose}"


def link_token(*, case: Case, purpose: LinkPurpose) -> str:
    payload = {"t": case.tenant_id, "c": case.pk, "u": case.customer_id}
    return signing.dumps(payload, salt=_salt(purpose))


def case_for_link(*, tenant: Tenant, reference: str, token: str, purpose: LinkPurpose) -> Case | None:
    """The case the token was made for, if it is valid for `purpose`, on this tenant, for this
    reference, and not expired; otherwise None."""
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=settings.PORTAL_LINK_MAX_AGE_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(payload, dict) or payload.get("t") != tenant.pk:
        return None
    return (
        Case.objects.for_tenant(tenant)
        .filter(pk=payload.get("c"), customer_id=payload.get("u"), reference=(reference or "").upper())
        .select_related("tenant", "customer")
        .defer("search_vector")
        .first()
    )
