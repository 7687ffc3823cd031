"""One-time codes, link tokens and address digests: made with `secrets`, kept only as HMAC-SHA256.

The HMAC key is derived from SECRET_KEY (`salted_hmac`), so a copy of the database alone does not
let anyone test the 10^6 possible codes offline. Each digest is bound to its tenant.
"""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

CODE_DIGITS = 6


def new_code() -> str:
    """Six random digits, leading zeros kept ("042917")."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def _digest(purpose: str, tenant_id: int, value: str) -> str:
    return salted_hmac(f"tidings.portal.{purpose}", f"{tenant_id}:{value}", algorithm="sha256").hexdigest()


def address_digest(*, tenant_id: int, address: str) -> str:
    """Digest of a normalised email address or E.164 number."""
    return _digest("address", tenant_id, address)


def code_digest(*, tenant_id: int, address_digest: str, code: str) -> str:
    return _digest("code", tenant_id, f"{address_digest}:{code}")


def link_digest(*, tenant_id: int, token: str) -> str:
    return _digest("link", tenant_id, token)


def digests_match(a: str, b: str) -> bool:
    return constant_time_compare(a, b)
