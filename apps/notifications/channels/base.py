"""The one interface every channel implements (after healthchecks' `hc/api/transports.py`).

A channel turns one frozen `OutboundMessage` into one provider call. It returns a `ProviderResult`
when the provider took the message and raises `DeliveryError` when it did not. The caller (the
outbox task) decides what to do with the error:

- `permanent=False`: worth retrying later (timeouts, connection errors, 429, 5xx);
- `permanent=True`: retrying cannot help (the provider refused this message);
- `bad_address=True` (always permanent): the recipient address itself is unusable (hard bounce,
  invalid number, unsubscribed by STOP, not a mobile number): suppress it and try the next channel.

Channels never touch the database of the pipeline and never sleep or retry on their own.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import requests


@dataclass(frozen=True)
class OutboundMessage:
    """Everything needed to send one message; content is frozen when the notification is created."""

    tenant_id: int
    channel: str
    to: str  # email address, E.164 number, or (portal) the customer id
    text: str = ""
    subject: str = ""
    html: str = ""
    voice_script: str = ""
    # Stable across retries of the same notification: providers or inboxes may dedupe on it.
    idempotency_key: str = ""
    # Threads replies back: emails carry it in the Reply-To address (`reply+<token>@…`).
    reply_token: str = ""
    # Display name of the sender for email ("Alpha Ltd"); the address comes from settings.
    sender_name: str = ""
    # Small, non-personal values echoed back by providers that support it (ids, trigger keys).
    metadata: dict[str, str] = field(default_factory=dict)


class ProviderStatus(StrEnum):
    ACCEPTED = "accepted"  # the provider took it; a delivery receipt may follow
    QUEUED = "queued"  # the provider took it but says delivery is delayed
    DELIVERED = "delivered"  # stored at its destination (portal inbox, dev outbox): no receipt follows


@dataclass(frozen=True)
class ProviderResult:
    provider: str
    provider_message_id: str
    status: ProviderStatus = ProviderStatus.ACCEPTED
    # A short, non-personal summary of the provider's answer for the notification log.
    raw: dict[str, Any] = field(default_factory=dict)


class DeliveryError(Exception):
    def __init__(self, message: str, permanent: bool, code: str | None = None, *, bad_address: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent or bad_address
        self.code = code
        self.bad_address = bad_address

    def __repr__(self) -> str:
        return f"DeliveryError({self.message!r}, permanent={self.permanent}, code={self.code!r})"


def error_for_http_status(status: int, detail: str, code: str | None = None) -> DeliveryError:
    """429 and 5xx are worth retrying; any other 4xx is the provider refusing this message."""
    transient = status == 429 or status >= 500
    return DeliveryError(detail, permanent=not transient, code=code or f"http_{status}")


def error_for_network(exc: BaseException) -> DeliveryError:
    """No HTTP answer at all (timeout, refused or dropped connection): always worth retrying."""
    code = "timeout" if isinstance(exc, requests.Timeout) else "connection"
    return DeliveryError(f"No answer from the provider ({code}).", permanent=False, code=code)


class Channel:
    """Base class. Subclasses set `name` and `provider` and implement `send`."""

    name: str = ""
    provider: str = ""

    def send(self, message: OutboundMessage) -> ProviderResult:
        raise NotImplementedError

    def send_batch(self, messages: Sequence[OutboundMessage]) -> list[ProviderResult | DeliveryError]:
        """Send several messages; one outcome per message, in order.

        This default sends them one by one. Channels whose provider has a batch endpoint override it
        so that throughput is not bounded by one HTTP round trip per message.
        """
        outcomes: list[ProviderResult | DeliveryError] = []
        for message in messages:
            try:
                outcomes.append(self.send(message))
            except DeliveryError as error:
                outcomes.append(error)
        return outcomes
