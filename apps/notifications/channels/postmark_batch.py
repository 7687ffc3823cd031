"""Postmark's `/email/batch`: up to 500 messages with *different* content in one HTTP call.

Anymail's own batch sending covers one message to many recipients (merge data), not many different
messages, so this posts the batch itself. Each message is still prepared by anymail's Postmark payload
(addresses, headers, metadata, Reply-To exactly as a single send would), on the backend's open session
and with its timeout. Postmark answers 200 with one result per message, in order; a failure of the
whole call (timeout, 429, 5xx) applies to every message in it.
"""

import json
import re
from urllib.parse import urljoin

import requests
from anymail.backends.postmark import EmailBackend as PostmarkBackend
from anymail.exceptions import AnymailInvalidAddress
from django.core.mail import EmailMultiAlternatives

from apps.notifications.channels.base import (
    DeliveryError,
    ProviderResult,
    ProviderStatus,
    error_for_http_status,
    error_for_network,
)

MAX_BATCH = 500
INACTIVE_RECIPIENT = 406
INVALID_REQUEST = 300
INVALID_TO = re.compile(r"^(Invalid|Error\s+parsing)\s+'To'", re.IGNORECASE)

Outcome = ProviderResult | DeliveryError


def _outcome(item: dict) -> Outcome:
    code = item.get("ErrorCode", 0)
    text = str(item.get("Message", ""))
    if code == 0 and item.get("MessageID"):
        delayed = "delivery may be delayed" in text
        return ProviderResult(
            provider="postmark",
            provider_message_id=str(item["MessageID"]),
            status=ProviderStatus.QUEUED if delayed else ProviderStatus.ACCEPTED,
            raw={"error_code": 0},
        )
    if code == INACTIVE_RECIPIENT:
        return DeliveryError("Postmark marked the address inactive.", True, "rejected", bad_address=True)
    if code == INVALID_REQUEST and INVALID_TO.match(text):
        return DeliveryError("Postmark says the address is not valid.", True, "invalid", bad_address=True)
    return DeliveryError(f"Postmark refused the message: {text}"[:300], True, f"postmark_{code}")


def send_postmark_batch(backend: PostmarkBackend, emails: list[EmailMultiAlternatives]) -> list[Outcome]:
    """One outcome per email, in order. `backend` must be open (`with backend:`)."""
    outcomes: list[Outcome | None] = [None] * len(emails)
    payloads = []
    for index, email in enumerate(emails):
        try:
            payloads.append((index, backend.build_message_payload(email, backend.send_defaults)))
        except AnymailInvalidAddress as exc:
            outcomes[index] = DeliveryError(str(exc)[:300], True, "invalid", bad_address=True)
    if payloads:
        for (index, _payload), outcome in zip(
            payloads, _post(backend, [p for _, p in payloads]), strict=True
        ):
            outcomes[index] = outcome
    return outcomes  # type: ignore[return-value]  (every slot is filled above)


def _post(backend: PostmarkBackend, payloads: list) -> list[Outcome]:
    first = payloads[0]
    headers = {**first.headers, "X-Postmark-Server-Token": first.server_token}
    body = json.dumps([payload.data for payload in payloads])
    try:
        response = backend.session.post(
            urljoin(backend.api_url, "email/batch"),
            data=body.encode(),
            headers=headers,
            timeout=backend.timeout,
        )
    except requests.RequestException as exc:
        return [error_for_network(exc)] * len(payloads)
    if response.status_code != 200:
        try:
            detail = str(response.json().get("Message", ""))
        except (ValueError, AttributeError):
            detail = ""
        error = error_for_http_status(
            response.status_code, f"Postmark answered {response.status_code}: {detail}"[:300]
        )
        return [error] * len(payloads)
    try:
        items = response.json()
    except ValueError:
        items = None
    if not isinstance(items, list) or len(items) != len(payloads):
        # Some may have been sent; retrying risks duplicates, but dropping them risks loss. Retry.
        return [
            DeliveryError("Postmark's batch answer did not match the request.", False, "bad_response")
        ] * len(payloads)
    return [_outcome(item if isinstance(item, dict) else {}) for item in items]
