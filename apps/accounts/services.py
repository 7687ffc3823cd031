"""Staff sign-in on a tenant host: credentials, membership of that tenant, throttling, audit.

Throttling counts failed attempts in the Redis cache in fixed windows of
`LOGIN_THROTTLE_WINDOW_SECONDS`: per (tenant, email) — `LOGIN_THROTTLE_ATTEMPTS` — against guessing
one person's password, and per client IP — `LOGIN_THROTTLE_IP_ATTEMPTS`, higher because an office
shares one address — against spraying many accounts. Keys hold a hash, not the email address.
"""

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.tenants.models import Tenant
from apps.tenants.selectors import membership_for_user


class SignInOutcome(StrEnum):
    SIGNED_IN = "signed_in"
    REFUSED = "refused"  # wrong password, unknown email, or not a member of this tenant: one answer
    THROTTLED = "throttled"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None
    retry_after_seconds: int = 0


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _throttle_keys(*, tenant: Tenant, email: str, ip: str) -> list[tuple[str, int]]:
    return [
        (f"login-fail:acct:{tenant.pk}:{_digest(email)}", settings.LOGIN_THROTTLE_ATTEMPTS),
        (f"login-fail:ip:{_digest(ip)}", settings.LOGIN_THROTTLE_IP_ATTEMPTS),
    ]


def login_throttled(*, tenant: Tenant, email: str, ip: str) -> bool:
    """True when either counter has reached its limit in the current window."""
    keys = _throttle_keys(tenant=tenant, email=email, ip=ip)
    counts = cache.get_many([key for key, _ in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def login_failure_count(*, tenant: Tenant, email: str, ip: str) -> None:
    """Count one failed attempt against both the account and the address."""
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    for key, _limit in _throttle_keys(tenant=tenant, email=email, ip=ip):
        # add() starts the window only if none is running; incr() is atomic in Redis.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # the window expired between add() and incr()
            cache.set(key, 1, timeout=window)


def _user_id_for_email(email: str) -> str:
    """The id of the account an attempt named, for the audit trail (never the address itself)."""
    user_id = User.objects.filter(email=email).values_list("pk", flat=True).first()
    return str(user_id) if user_id is not None else ""


@transaction.atomic
def staff_sign_in(*, request: HttpRequest, tenant: Tenant, email: str, password: str) -> SignInResult:
    """Check a sign-in attempt on the tenant's host; the caller logs the user in on SIGNED_IN.

    Only an active member of this tenant may sign in; anyone else gets the same answer as a wrong
    password, so membership cannot be probed. Every outcome is audited with the user id only.
    """
    email = email.strip().lower()
    ip = request.META.get("REMOTE_ADDR", "")
    if login_throttled(tenant=tenant, email=email, ip=ip):
        audit_record(
            tenant=tenant,
            actor=None,
            action="auth.sign_in_throttled",
            target=("accounts.user", _user_id_for_email(email)),
        )
        return SignInResult(
            SignInOutcome.THROTTLED, retry_after_seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS
        )

    user = authenticate(request, email=email, password=password)
    membership = membership_for_user(tenant=tenant, user=user) if user is not None else None
    if membership is None:
        login_failure_count(tenant=tenant, email=email, ip=ip)
        reason = "bad_credentials" if user is None else "not_a_member"
        audit_record(
            tenant=tenant,
            actor=None,
            action="auth.sign_in_failed",
            target=("accounts.user", _user_id_for_email(email)),
            metadata={"reason": reason},
        )
        return SignInResult(SignInOutcome.REFUSED)

    cache.delete(_throttle_keys(tenant=tenant, email=email, ip=ip)[0][0])
    audit_record(tenant=tenant, actor=user, action="auth.signed_in", target=user)
    return SignInResult(SignInOutcome.SIGNED_IN, user=user)


def staff_sign_out_record(*, tenant: Tenant, user: User) -> None:
    audit_record(tenant=tenant, actor=user, action="auth.signed_out", target=user)


@transaction.atomic
def user_password_reset(*, tenant: Tenant, user: User, password: str) -> User:
    """Set a new password after a reset (or first-time set-up) link was followed."""
    if not password:
        raise ValidationError({"new_password1": "Choose a password."})
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(tenant=tenant, actor=user, action="auth.password_reset", target=user)
    return user
