"""Normalising contact points, and the text a customer is found by."""

import re
from collections.abc import Iterable

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def normalize_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"“{value}” is not a valid email address.") from None
    return email


def normalize_phone(value: str) -> str:
    """An E.164 string (+4915112345678). Numbers must carry their country code."""
    raw = (value or "").strip()
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            f"“{value}” is not a phone number in international form (start with + and the country code)."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"“{value}” is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_forms(e164: str) -> list[str]:
    """Digit strings an agent might type for this number: 4915112345678 and 015112345678."""
    number = phonenumbers.parse(e164, None)
    international = e164.lstrip("+")
    national = re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return list(dict.fromkeys([international, national]))


def email_search_forms(email: str) -> list[str]:
    """The address, its local part and domain, and their words: "jane", "doe", "example.com" and
    "example" each find jane.doe@example.com."""
    local, _, domain = email.partition("@")
    return [email, local, domain, *[part for part in re.split(r"[.@+_-]+", email) if part]]


def customer_search_text(*, name: str, external_id: str, emails: Iterable[str], phones: Iterable[str]) -> str:
    words = [name, external_id]
    for email in emails:
        words.extend(email_search_forms(email))
    for phone in phones:
        words.extend(phone_search_forms(phone))
    return " ".join(word for word in words if word)
