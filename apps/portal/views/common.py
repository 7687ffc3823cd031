"""Small helpers the portal views share."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from apps.portal.forms import apply_service_errors

Result = TypeVar("Result")


def form_submit(form: forms.Form, action: Callable[[dict[str, Any]], Result]) -> Result | None:
    """`action(cleaned_data)` for a valid form; None when the form, or the service behind `action`
    (its ValidationError is put on the form), refused."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


def client_ip(request: HttpRequest) -> str:
    """The client address throttles count against (the proxy in front sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "")


def mask_address(kind: str, value: str) -> str:
    """Enough of an address to recognise it, not enough to read it off a shoulder-surfed screen:
    "j•••@example.com", "+44•••••••123"."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}•••@{domain}"
    return f"{value[:3]}{'•' * max(len(value) - 6, 3)}{value[-3:]}"
