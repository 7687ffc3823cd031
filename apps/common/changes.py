"""Applying a partial update (`{"field": value}`) to a model instance, for `<entity>_update` services."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def apply_changes(instance: models.Model, changes: Mapping[str, Any], allowed: frozenset[str]) -> list[str]:
    """Set the fields in `changes` that differ on `instance`; return their names (unsaved).

    A field outside `allowed` is refused as a whole, before anything is set.
    """
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in unknown})
    changed = [field for field, value in changes.items() if getattr(instance, field) != value]
    for field in changed:
        setattr(instance, field, changes[field])
    return changed
