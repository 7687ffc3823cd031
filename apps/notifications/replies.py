"""How replies find their way back: reply tokens in addresses, case references in subjects.

Outgoing email carries `Reply-To: reply+<token>@<reply domain>` (plus-addressing on
`NOTIFY_REPLY_TO_ADDRESS`). An inbound email is matched by that token when the customer's mail
program kept the address, else by a case reference such as `[ACME-1042]` in the subject.
"""

import re
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings

# Lowercase only: mail systems may change the case of an address's local part.
TOKEN_PATTERN = r"[a-z0-9_-]{6,64}"  # noqa: S105  (a regex, not a secret)
CASE_REFERENCE = re.compile(r"\[([A-Z][A-Z0-9]{1,11}-\d{1,10})\]")


def _reply_parts() -> tuple[str, str]:
    local, _, domain = parseaddr(settings.NOTIFY_REPLY_TO_ADDRESS)[1].partition("@")
    return local, domain


def reply_address(token: str) -> str:
    """The Reply-To address that carries `token`: `reply+<token>@inbound.example`."""
    if not re.fullmatch(TOKEN_PATTERN, token):
        raise ValueError("A reply token is 6 to 64 lowercase letters, digits, '-' or '_'.")
    local, domain = _reply_parts()
    return f"{local}+{token}@{domain}"


def reply_token_from_addresses(addresses: Iterable[str]) -> str:
    """The token of the first `reply+<token>@<our reply domain>` among `addresses` (any case), else ""."""
    local, domain = _reply_parts()
    pattern = re.compile(rf"{re.escape(local)}\+({TOKEN_PATTERN})@{re.escape(domain)}", re.IGNORECASE)
    for address in addresses:
        match = pattern.fullmatch(parseaddr(address)[1])
        if match:
            return match.group(1).lower()
    return ""


def case_reference_from_subject(subject: str) -> str:
    """`ACME-1042` from "Re: Your order [ACME-1042]", else ""."""
    match = CASE_REFERENCE.search(subject or "")
    return match.group(1) if match else ""
