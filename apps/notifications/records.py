"""Provider callbacks, normalized: what the webhooks hand to the services, whatever the provider.

The normalizers are pure functions of the provider's payload so they can be tested without HTTP.
"""

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailTrackingEvent, EventType

from apps.common.clock import now
from apps.notifications.keywords import sms_keyword
from apps.notifications.models import ChannelName, ReceiptStatus, SmsKeyword
from apps.notifications.replies import case_reference_from_subject, reply_token_from_addresses


@dataclass(frozen=True)
class DeliveryReceipt:
    provider: str
    provider_message_id: str
    status: ReceiptStatus
    error_code: str
    occurred_at: datetime


@dataclass(frozen=True)
class InboundMessage:
    channel: ChannelName
    provider: str
    provider_message_id: str
    from_address: str
    to_address: str
    text: str
    subject: str = ""
    html: str = ""
    reply_token: str = ""
    case_reference: str = ""
    keyword: SmsKeyword | None = None


# Postmark bounce types that are not the address's fault (temporary, or about us or the content):
# not delivered, but the address stays usable. (Deferrals such as DnsError are no outcome yet: ignored.)
POSTMARK_NOT_ADDRESS_FAULT = {
    "SoftBounce",
    "Blocked",
    "DMARCPolicy",
    "Unconfirmed",
    "VirusNotification",
    "SMTPApiError",
    "TemplateRenderingFailed",
}
EMAIL_BAD_ADDRESS_EVENTS = {EventType.BOUNCED, EventType.REJECTED, EventType.COMPLAINED}


def receipt_from_postmark(event: AnymailTrackingEvent) -> DeliveryReceipt | None:
    """A Postmark tracking event as a receipt; None for events that say nothing about delivery (opens)."""
    bounce_type = str(event.esp_event.get("Type", ""))
    if event.event_type == EventType.DELIVERED:
        status = ReceiptStatus.DELIVERED
    elif event.event_type in EMAIL_BAD_ADDRESS_EVENTS and bounce_type not in POSTMARK_NOT_ADDRESS_FAULT:
        status = ReceiptStatus.BOUNCED
    elif event.event_type in EMAIL_BAD_ADDRESS_EVENTS or event.event_type == EventType.FAILED:
        status = ReceiptStatus.FAILED
    else:
        return None
    if not event.message_id:
        return None
    return DeliveryReceipt(
        provider="postmark",
        provider_message_id=str(event.message_id),
        status=status,
        error_code=bounce_type or str(event.esp_event.get("RecordType", "")),
        occurred_at=event.timestamp or now(),
    )


# Twilio delivery error codes (status callbacks) that mean the number itself is unusable.
TWILIO_BAD_NUMBER_CODES = {"30005", "30006", "21211", "21610", "21614"}
TWILIO_MESSAGE_OUTCOMES = {"delivered": ReceiptStatus.DELIVERED, "undelivered": None, "failed": None}
TWILIO_CALL_OUTCOMES = {
    "completed": ReceiptStatus.DELIVERED,
    "busy": ReceiptStatus.FAILED,
    "no-answer": ReceiptStatus.FAILED,
    "canceled": ReceiptStatus.FAILED,
    "failed": ReceiptStatus.FAILED,
}


def receipt_from_twilio(params: dict[str, str]) -> DeliveryReceipt | None:
    """A Twilio message or call status callback as a receipt; None for in-between states (sent, ringing)."""
    error_code = params.get("ErrorCode", "") or ""
    if params.get("MessageSid"):
        sid, state = params["MessageSid"], params.get("MessageStatus", "")
        if state not in TWILIO_MESSAGE_OUTCOMES:
            return None
        status = TWILIO_MESSAGE_OUTCOMES[state] or (
            ReceiptStatus.BOUNCED if error_code in TWILIO_BAD_NUMBER_CODES else ReceiptStatus.FAILED
        )
    elif params.get("CallSid"):
        sid, state = params["CallSid"], params.get("CallStatus", "")
        if state not in TWILIO_CALL_OUTCOMES:
            return None
        status = TWILIO_CALL_OUTCOMES[state]
        error_code = error_code or ("" if status == ReceiptStatus.DELIVERED else state)
    else:
        return None
    return DeliveryReceipt("twilio", sid, status, error_code, _twilio_time(params.get("Timestamp", "")))


def _twilio_time(value: str) -> datetime:
    # Call callbacks carry an RFC 2822 `Timestamp`; message callbacks carry none.
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return now()


def inbound_from_email(message: AnymailInboundMessage, provider_message_id: str) -> InboundMessage:
    recipients = [message.envelope_recipient or ""]
    recipients += [address.address for address in message.to + message.cc]
    subject = message.subject or ""
    return InboundMessage(
        channel=ChannelName.EMAIL,
        provider="postmark",
        provider_message_id=provider_message_id,
        from_address=message.from_email.addr_spec if message.from_email else "",
        to_address=message.envelope_recipient or (message.to[0].addr_spec if message.to else ""),
        subject=subject,
        # Postmark strips the quoted history of a reply; the bare reply is what belongs on the case.
        text=message.stripped_text or message.text or "",
        html=message.html or "",
        reply_token=reply_token_from_addresses(recipients),
        case_reference=case_reference_from_subject(subject),
    )


def inbound_from_twilio_sms(params: dict[str, str]) -> InboundMessage:
    """An incoming SMS webhook's parameters, with the compliance keyword it is (if any)."""
    body = params.get("Body", "")
    return InboundMessage(
        channel=ChannelName.SMS,
        provider="twilio",
        provider_message_id=params.get("MessageSid", ""),
        from_address=params.get("From", ""),
        to_address=params.get("To", ""),
        text=body,
        keyword=sms_keyword(body),
    )
