"""Small helpers the portal views share."""

from django.http import HttpRequest


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
