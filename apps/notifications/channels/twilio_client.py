"""Twilio for the SMS and voice channels: the REST client, the error mapping and their common base class.

`TimeoutTwilioHttpClient` always sends a timeout (the stock client sends none unless given one) and,
when `TWILIO_API_BASE` is set, sends every request to that base URL instead of `*.twilio.com`: tests
and benchmarks point it at the fake server in `tests/fakes/twilio.py`.
"""

import time
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from apps.notifications.channels.base import (
    Channel,
    DeliveryError,
    OutboundMessage,
    ProviderResult,
    ProviderStatus,
    error_for_http_status,
    error_for_network,
)
from apps.tenants.models import Domain

# Twilio error codes that condemn the address: suppress it instead of retrying.
BAD_ADDRESS_CODES = {
    21211: "The number is not a valid phone number.",
    21217: "The number does not appear to be valid for calls.",
    21610: "The recipient unsubscribed by replying STOP.",
    21614: "The number is not a mobile number.",
}


class TimeoutTwilioHttpClient(TwilioHttpClient):
    def __init__(self, *, timeout: float, base_url: str = "") -> None:
        if not timeout or timeout <= 0:
            raise ValueError("Twilio requests need a positive timeout.")
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args, timeout: float | None = None, **kwargs) -> Response:
        if self.base_url:
            base = urlsplit(self.base_url)
            parts = urlsplit(url)
            url = urlunsplit((base.scheme, base.netloc, base.path + parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, timeout=timeout or self.timeout, **kwargs)


def twilio_configured() -> bool:
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM_NUMBER)


@lru_cache(maxsize=4)
def _client(account_sid: str, auth_token: str, base_url: str, timeout: float) -> Client:
    # One client (and one pooled HTTP session) per configuration and process.
    http_client = TimeoutTwilioHttpClient(timeout=timeout, base_url=base_url)
    return Client(account_sid, auth_token, http_client=http_client)


def twilio_client() -> Client:
    if not twilio_configured():
        raise ImproperlyConfigured("Set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER.")
    return _client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        settings.TWILIO_API_BASE,
        float(settings.NOTIFY_HTTP_TIMEOUT_SECONDS),
    )


def send_options(message: OutboundMessage) -> dict[str, str]:
    """Sender, recipient and (when the tenant has a host) where Twilio reports the outcome."""
    options = {"to": message.to, "from_": settings.TWILIO_FROM_NUMBER}
    callback = status_callback_url(message.tenant_id)
    if callback:
        options["status_callback"] = callback
    return options


# Tenant hosts change rarely; the outbox sends thousands of SMS a minute. Looked up once a minute.
HOST_CACHE_SECONDS = 60.0
_hosts: dict[int, tuple[float, str]] = {}


def _callback_host(tenant_id: int) -> str:
    cached = _hosts.get(tenant_id)
    if cached is not None and time.monotonic() - cached[0] < HOST_CACHE_SECONDS:
        return cached[1]
    host = (
        Domain.objects.filter(tenant_id=tenant_id)
        .order_by("-is_primary", "id")
        .values_list("host", flat=True)
        .first()
    ) or ""
    _hosts[tenant_id] = (time.monotonic(), host)
    return host


def status_callback_url(tenant_id: int) -> str:
    """Where Twilio reports delivery: the status webhook on the tenant's own host."""
    host = _callback_host(tenant_id)
    if not host:
        return ""
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{host}{port}{reverse('notifications:twilio_status')}"


def twilio_error(exc: TwilioRestException | requests.RequestException) -> DeliveryError:
    """Map what the Twilio client raised to a DeliveryError (the table is in docs/notifications.md)."""
    if isinstance(exc, requests.RequestException):
        return error_for_network(exc)
    if exc.code in BAD_ADDRESS_CODES:
        return DeliveryError(BAD_ADDRESS_CODES[exc.code], True, str(exc.code), bad_address=True)
    detail = f"Twilio answered {exc.status}: {exc.msg}"[:300]
    return error_for_http_status(int(exc.status), detail, code=str(exc.code) if exc.code else None)


class TwilioChannel(Channel):
    """What SMS and voice share: the client, sender, status callback and error mapping."""

    provider = "twilio"

    def __init__(self) -> None:
        self.client = twilio_client()

    def _create(self, resources, message: OutboundMessage, **content: str) -> ProviderResult:
        """Create a message or call (`resources` is `client.messages` or `client.calls`)."""
        try:
            created = resources.create(**send_options(message), **content)
        except (TwilioRestException, requests.RequestException) as exc:
            raise twilio_error(exc) from exc
        status = (
            ProviderStatus.QUEUED if created.status in ("queued", "scheduled") else ProviderStatus.ACCEPTED
        )
        raw = {"status": created.status}
        if getattr(created, "num_segments", None):  # messages only: what the carrier bills
            raw["num_segments"] = created.num_segments
        return ProviderResult(provider=self.provider, provider_message_id=created.sid, status=status, raw=raw)
