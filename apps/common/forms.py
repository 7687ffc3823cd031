"""Showing a service's ValidationError on the form whose input it was about."""

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(
    form: forms.Form, error: ValidationError, renamed: dict[str, str] | None = None
) -> None:
    """Put each message on the field the service names when the form has it (after `renamed`:
    service field → form field), else above the form."""
    renamed = renamed or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            field = renamed.get(field, field)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
