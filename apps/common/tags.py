"""Tags on customers and cases: lower-case words, deduplicated, in the order given."""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-:.]{0,49}$")


def normalize_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        value = str(tag).strip().lower().replace(" ", "-")
        if not value:
            continue
        if not TAG_PATTERN.match(value):
            raise ValidationError(
                f"“{tag}” is not a usable tag: up to 50 letters, digits, '-', '_', ':' or '.'."
            )
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def split_tags(text: str) -> list[str]:
    """Tags typed into one field, separated by commas (or semicolons); normalised by the services."""
    return [tag.strip() for tag in (text or "").replace(";", ",").split(",") if tag.strip()]
