"""Who did something: a staff user, a customer (portal, inbound message), an API key, or the system.

Services take `actor` and pass it on to `audit_record`; the domain tables that keep their own
history (consent log, order history, case timeline) store the short reference from here.
"""

from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import models

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.customers.models import Customer
    from apps.tenants.models import ApiKey

Actor: TypeAlias = "User | Customer | ApiKey | None"

ACTOR_KINDS = {"accounts.user": "user", "customers.customer": "customer", "tenants.apikey": "api_key"}


def actor_reference(actor: Any) -> tuple[str, str]:
    """(kind, id): ("user", "7"), ("customer", "12"), ("api_key", "3") or ("system", "")."""
    if actor is None:
        return "system", ""
    if isinstance(actor, models.Model) and actor._meta.label_lower in ACTOR_KINDS:
        return ACTOR_KINDS[actor._meta.label_lower], str(actor.pk)
    raise TypeError(f"{actor!r} cannot act in Tidings.")
