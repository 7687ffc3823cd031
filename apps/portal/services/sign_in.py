"""Signing a customer in with a one-time code (or the link in the code's email).

The rules (docs/portal.md): a code is 6 digits, good for `PORTAL_CODE_TTL_SECONDS`, one use and
`PORTAL_CODE_MAX_TRIES` wrong guesses; asking for a new one retires the previous. Requests are
throttled per address and per client IP, failures likewise. Whether the address belongs to anyone
never changes the answer: an unknown address is counted, audited and answered exactly like a known
one, only no code is created. Audit rows name the customer by id only.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import partial

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from apps.audit.services import audit_record
from apps.common.clock import now
from apps.customers.contact import normalize_email, normalize_phone
from apps.customers.models import ContactKind, Customer
from apps.customers.selectors import contact_point_by_value
from apps.customers.services import contact_point_mark_verified
from apps.portal import throttle
from apps.portal.codes import (
    address_digest,
    code_digest,
    digests_match,
    link_digest,
    new_code,
    new_link_token,
)
from apps.portal.models import SignInChannel, SignInCode
from apps.sla.defaults import holiday_region_for
from apps.tenants.models import Tenant

UNKNOWN_CUSTOMER = ("customers.customer", "")


class SignInOutcome(StrEnum):
    SIGNED_IN = "signed_in"
    REFUSED = "refused"  # wrong, expired, used or blocked code, or no code at all: one answer
    THROTTLED = "throttled"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    customer: Customer | None = None
    next_path: str = ""


@dataclass(frozen=True)
class Address:
    """What the customer typed, normalised: an email address or an E.164 number."""

    kind: str  # ContactKind
    value: str

    @property
    def channel(self) -> str:
        return SignInChannel.EMAIL if self.kind == ContactKind.EMAIL else SignInChannel.SMS


def _international(raw: str, region: str) -> str:
    """A number typed the national way ("07700 900123") in international form, using `region`."""
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def address_parse(*, tenant: Tenant, raw: str) -> Address:
    """The typed address normalised as contact points are stored; ValidationError if it is neither.

    A phone number without a country code is read as one of the tenant's country (from its time zone).
    """
    raw = (raw or "").strip()
    if "@" in raw:
        return Address(ContactKind.EMAIL, normalize_email(raw))
    try:
        return Address(ContactKind.PHONE, normalize_phone(raw))
    except ValidationError:
        region = holiday_region_for(tenant.time_zone)[0]
        try:
            return Address(ContactKind.PHONE, normalize_phone(_international(raw, region)))
        except ValidationError:
            raise ValidationError("not an address") from None


def _address_key(tenant: Tenant, address: Address) -> str:
    return f"{tenant.pk}:{address_digest(tenant_id=tenant.pk, address=address.value)}"


@transaction.atomic
def sign_in_code_request(
    *, tenant: Tenant, address: Address, ip: str, next_path: str = "", base_url: str = ""
) -> bool:
    """Send a code (and, by email, a link) to `address` if it is on file. False when throttled.

    Sending happens after commit in a Celery task (`apps.portal.tasks.send_sign_in_code`); the code
    and link token travel only in that task's arguments. `base_url` is the scheme and host the
    customer used, for the link.
    """
    from apps.portal.tasks import send_sign_in_code  # the task module imports this one

    checks = [
        (throttle.CODE_REQUESTS_PER_ADDRESS, _address_key(tenant, address)),
        (throttle.CODE_REQUESTS_PER_IP, ip),
    ]
    point = contact_point_by_value(tenant=tenant, kind=address.kind, value=address.value)
    target = point.customer if point else UNKNOWN_CUSTOMER
    if throttle.is_throttled(checks):
        audit_record(
            tenant=tenant,
            actor=None,
            action="portal.sign_in_code_throttled",
            target=target,
            metadata={"channel": address.channel},
        )
        return False
    throttle.hit(checks)
    digest = address_digest(tenant_id=tenant.pk, address=address.value)
    moment = now()
    # Only the newest code works: a customer who asked twice must not face two live codes. (For an
    # unknown address nothing matches, but the statement runs all the same.)
    SignInCode.objects.for_tenant(tenant).filter(
        address_digest=digest, used_at__isnull=True, expires_at__gt=moment
    ).update(expires_at=moment)
    code, token, row = new_code(), "", None
    if point is not None:
        token = new_link_token() if address.kind == ContactKind.EMAIL else ""
        row = SignInCode.objects.create(
            tenant=tenant,
            customer=point.customer,
            contact_point=point,
            channel=address.channel,
            address_digest=digest,
            code_hash=code_digest(tenant_id=tenant.pk, address_digest=digest, code=code),
            link_hash=link_digest(tenant_id=tenant.pk, token=token) if token else "",
            next_path=next_path[:300],
            created_at=moment,
            expires_at=moment + timedelta(seconds=settings.PORTAL_CODE_TTL_SECONDS),
        )
    audit_record(
        tenant=tenant,
        actor=None,
        action="portal.sign_in_code_requested",
        target=target,
        metadata={"channel": address.channel, "known_address": row is not None, "code_id": row and row.pk},
    )
    # Enqueued for an unknown address too (the task then has nothing to send), so the request takes
    # the same steps and about the same time whether or not the address is on file.
    transaction.on_commit(
        partial(
            send_sign_in_code.delay,
            tenant_id=tenant.pk,
            code_id=row.pk if row else None,
            code=code if row else "",
            link_token=token,
            base_url=base_url,
        )
    )
    return True


def _refuse(tenant: Tenant, checks: list, row: SignInCode | None, reason: str) -> SignInResult:
    throttle.hit(checks)
    audit_record(
        tenant=tenant,
        actor=None,
        action="portal.sign_in_failed",
        target=("customers.customer", str(row.customer_id)) if row else UNKNOWN_CUSTOMER,
        metadata={"reason": reason, "code_id": row.pk if row else None},
    )
    return SignInResult(SignInOutcome.REFUSED)


def _claim(tenant: Tenant, row: SignInCode, method: str) -> SignInResult | None:
    """Use the code up (a conditional UPDATE: of two racing requests one wins) and sign in."""
    claimed = (
        SignInCode.objects.for_tenant(tenant).filter(pk=row.pk, used_at__isnull=True).update(used_at=now())
    )
    if claimed != 1:
        return None
    customer = row.customer
    contact_point_mark_verified(actor=customer, contact_point=row.contact_point)
    audit_record(
        tenant=tenant,
        actor=customer,
        action="portal.signed_in",
        target=customer,
        metadata={"method": method, "channel": row.channel, "code_id": row.pk},
    )
    return SignInResult(SignInOutcome.SIGNED_IN, customer=customer, next_path=row.next_path)


def _throttled(tenant: Tenant, checks: list) -> SignInResult | None:
    if not throttle.is_throttled(checks):
        return None
    audit_record(tenant=tenant, actor=None, action="portal.sign_in_throttled", target=UNKNOWN_CUSTOMER)
    return SignInResult(SignInOutcome.THROTTLED)


def _live_codes(tenant: Tenant):
    return (
        SignInCode.objects.for_tenant(tenant)
        .filter(used_at__isnull=True, expires_at__gt=now())
        .select_related("customer", "customer__tenant", "contact_point")
        .select_for_update(of=("self",))
    )


@transaction.atomic
def sign_in_code_verify(*, tenant: Tenant, address: Address, code: str, ip: str) -> SignInResult:
    """Check the code typed for `address`; SIGNED_IN uses it up."""
    key = _address_key(tenant, address)
    checks = [(throttle.SIGN_IN_FAILURES_PER_ADDRESS, key), (throttle.SIGN_IN_FAILURES_PER_IP, ip)]
    throttled = _throttled(tenant, checks)
    if throttled:
        return throttled
    digest = address_digest(tenant_id=tenant.pk, address=address.value)
    row = _live_codes(tenant).filter(address_digest=digest).order_by("-created_at", "-id").first()
    if row is None:
        return _refuse(tenant, checks, None, "no_live_code")
    if row.failed_attempts >= settings.PORTAL_CODE_MAX_TRIES:
        return _refuse(tenant, checks, row, "too_many_tries")
    typed = "".join((code or "").split())
    if not digests_match(code_digest(tenant_id=tenant.pk, address_digest=digest, code=typed), row.code_hash):
        SignInCode.objects.for_tenant(tenant).filter(pk=row.pk).update(
            failed_attempts=F("failed_attempts") + 1
        )
        return _refuse(tenant, checks, row, "wrong_code")
    result = _claim(tenant, row, "code")
    if result is None:
        return _refuse(tenant, checks, row, "already_used")
    throttle.reset(checks[:1])
    return result


def sign_in_link_is_live(*, tenant: Tenant, token: str) -> bool:
    """Whether a sign-in link would work now (for the page a GET of the link shows). Changes nothing."""
    digest = link_digest(tenant_id=tenant.pk, token=token or "")
    return (
        SignInCode.objects.for_tenant(tenant)
        .filter(
            link_hash=digest,
            used_at__isnull=True,
            expires_at__gt=now(),
            failed_attempts__lt=settings.PORTAL_CODE_MAX_TRIES,
        )
        .exists()
    )


@transaction.atomic
def sign_in_link_use(*, tenant: Tenant, token: str, ip: str) -> SignInResult:
    """Sign in with the link from the code's email (POST only: mail scanners fetch links with GET)."""
    checks = [(throttle.SIGN_IN_FAILURES_PER_IP, ip)]
    throttled = _throttled(tenant, checks)
    if throttled:
        return throttled
    digest = link_digest(tenant_id=tenant.pk, token=token or "")
    row = _live_codes(tenant).filter(link_hash=digest).first() if token else None
    if row is None:
        return _refuse(tenant, checks, None, "bad_link")
    if row.failed_attempts >= settings.PORTAL_CODE_MAX_TRIES:
        return _refuse(tenant, checks, row, "too_many_tries")
    return _claim(tenant, row, "link") or _refuse(tenant, checks, row, "already_used")


def portal_sign_out_record(*, tenant: Tenant, customer: Customer) -> None:
    audit_record(tenant=tenant, actor=customer, action="portal.signed_out", target=customer)
