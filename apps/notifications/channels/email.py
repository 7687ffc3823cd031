"""Email through django-anymail: the ESP is whatever `EMAIL_BACKEND` names (Postmark, SendGrid, ...).

Error mapping (see docs/notifications.md):
- every recipient refused (Postmark 406 inactive, 300 invalid 'To') → permanent, bad address;
- no HTTP answer (timeout, connection), 429, 5xx → transient;
- any other 4xx → permanent (the ESP refuses this message: bad sender, bad token, too large).
"""

import hashlib
import smtplib
from collections.abc import Sequence
from email.utils import make_msgid, parseaddr

import requests
from anymail.backends.postmark import EmailBackend as PostmarkBackend
from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from apps.notifications.channels.base import (
    Channel,
    DeliveryError,
    OutboundMessage,
    ProviderResult,
    ProviderStatus,
    error_for_http_status,
    error_for_network,
)
from apps.notifications.channels.postmark_batch import MAX_BATCH, send_postmark_batch
from apps.notifications.replies import reply_address

# Postmark caps a metadata value at 80 characters; longer idempotency keys travel as their hash.
MAX_METADATA_VALUE = 80


def _sender(name: str) -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if not name:
        return settings.DEFAULT_FROM_EMAIL
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{address}>'


def _metadata(message: OutboundMessage) -> dict[str, str]:
    """ESP metadata (Postmark `Metadata`) comes back in tracking webhooks, so receipts can be matched."""
    key = message.idempotency_key
    if len(key) > MAX_METADATA_VALUE:
        key = hashlib.sha256(key.encode()).hexdigest()
    metadata = {"tenant_id": str(message.tenant_id), **message.metadata}
    if key:
        metadata["idempotency_key"] = key
    return metadata


def _error_detail(exc: AnymailAPIError) -> str:
    try:
        detail = str(exc.response.json().get("Message", ""))
    except (AttributeError, ValueError):
        detail = ""
    return f"{exc.esp_name or 'ESP'} answered {exc.status_code}: {detail}"[:300]


def _refused(email: EmailMultiAlternatives) -> DeliveryError:
    statuses = {status.status for status in email.anymail_status.recipients.values()}
    code = "rejected" if "rejected" in statuses else "invalid"
    explanation = {
        "rejected": "The ESP marked the address inactive (earlier hard bounce or spam complaint).",
        "invalid": "The ESP says the address is not a valid email address.",
    }[code]
    return DeliveryError(explanation, permanent=True, code=code, bad_address=True)


class EmailChannel(Channel):
    name = "email"

    def __init__(self, connection=None) -> None:
        self.connection = connection or get_connection()
        self.provider = getattr(self.connection, "esp_name", "django").lower()
        self.is_anymail = hasattr(self.connection, "esp_name")

    def build(self, message: OutboundMessage) -> EmailMultiAlternatives:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=_sender(message.sender_name),
            to=[message.to],
            reply_to=[reply_address(message.reply_token)] if message.reply_token else [],
            connection=self.connection,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        if self.is_anymail:
            email.metadata = _metadata(message)
        else:
            # Plain Django backends (SMTP, locmem) report no id: our own Message-ID stands in for one.
            email.extra_headers["Message-ID"] = make_msgid(domain=parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
        return email

    def send(self, message: OutboundMessage) -> ProviderResult:
        try:
            email = self.build(message)
            email.send()
        except AnymailInvalidAddress as exc:
            raise DeliveryError(str(exc)[:300], permanent=True, code="invalid", bad_address=True) from exc
        except AnymailRecipientsRefused as exc:
            raise _refused(email) from exc
        except AnymailAPIError as exc:
            if exc.status_code is not None:
                raise error_for_http_status(exc.status_code, _error_detail(exc)) from exc
            if isinstance(exc, requests.RequestException):  # timeout or connection failure
                raise error_for_network(exc) from exc
            # A non-HTTP ESP client (boto3 for Amazon SES) failed without a status: retry later.
            raise DeliveryError(str(exc)[:300], permanent=False, code="provider_error") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(
                "The mail server refused the recipient.", True, "invalid", bad_address=True
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"Mail server error: {exc.__class__.__name__}", False, "smtp") from exc
        return self._result(email)

    def _result(self, email: EmailMultiAlternatives) -> ProviderResult:
        status = getattr(email, "anymail_status", None)
        if status is None:
            return ProviderResult(
                provider=self.provider, provider_message_id=email.extra_headers["Message-ID"]
            )
        accepted = ProviderStatus.QUEUED if status.status == {"queued"} else ProviderStatus.ACCEPTED
        return ProviderResult(
            provider=self.provider,
            provider_message_id=str(status.message_id),
            status=accepted,
            raw={"statuses": sorted(status.status)},
        )

    def send_batch(self, messages: Sequence[OutboundMessage]) -> list[ProviderResult | DeliveryError]:
        """Postmark: one `/email/batch` call per 500 messages. Other ESPs: one call each, one connection."""
        if not isinstance(self.connection, PostmarkBackend):
            with self.connection:
                return super().send_batch(messages)
        outcomes: list[ProviderResult | DeliveryError] = []
        with self.connection:
            for start in range(0, len(messages), MAX_BATCH):
                chunk = [self.build(message) for message in messages[start : start + MAX_BATCH]]
                outcomes.extend(send_postmark_batch(self.connection, chunk))
        return outcomes
