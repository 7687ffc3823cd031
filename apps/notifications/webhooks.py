"""Provider webhooks under /webhooks/ on the tenant's host: delivery receipts and inbound messages.

Each view checks who is calling (basic auth for the ESP, X-Twilio-Signature for Twilio), refuses
anything else with 403 before reading the payload, normalizes the payload and calls one service.
CSRF does not apply: these are server-to-server calls authenticated by their own secrets.
"""

from anymail.exceptions import AnymailConfigurationError, AnymailWebhookValidationFailure
from anymail.webhooks.postmark import PostmarkInboundWebhookView, PostmarkTrackingWebhookView
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from apps.notifications.keywords import keyword_reply
from apps.notifications.records import (
    inbound_from_email,
    inbound_from_twilio_sms,
    receipt_from_postmark,
    receipt_from_twilio,
)
from apps.notifications.services import delivery_receipt_record, inbound_message_record


class SignalFreeAnymailView:
    """Anymail's parsing and basic-auth check, without its signals, failing closed.

    Anymail answers a bad secret with 400 and accepts everything when no secret is configured; here
    both get 403. Each parsed event goes to `handle`, which calls one service.
    """

    warn_if_no_basic_auth = False  # we refuse instead of warning

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.basic_auth:
            return HttpResponseForbidden("Webhook secret not configured.")
        try:
            self.run_validators(request)
        except AnymailWebhookValidationFailure:
            return HttpResponseForbidden("Wrong or missing credentials.")
        try:
            events = self.parse_events(request)
        except (ValueError, KeyError, TypeError, AnymailConfigurationError):
            return HttpResponseBadRequest("Unreadable payload.")
        for event in events:
            self.handle(request, event)
        return HttpResponse()


class PostmarkTrackingWebhook(SignalFreeAnymailView, PostmarkTrackingWebhookView):
    def handle(self, request: HttpRequest, event) -> None:
        receipt = receipt_from_postmark(event)
        if receipt is not None:  # opens, clicks and the like say nothing about delivery
            delivery_receipt_record(tenant=request.tenant, receipt=receipt)


class PostmarkInboundWebhook(SignalFreeAnymailView, PostmarkInboundWebhookView):
    def handle(self, request: HttpRequest, event) -> None:
        message = inbound_from_email(event.message, provider_message_id=event.event_id or "")
        inbound_message_record(tenant=request.tenant, message=message)


def _twilio_signed(request: HttpRequest) -> bool:
    """True when X-Twilio-Signature matches the full URL Twilio called and its POST parameters."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not (settings.TWILIO_AUTH_TOKEN and signature):
        return False
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    return validator.validate(request.build_absolute_uri(), request.POST, signature)


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio status callback for messages and calls (the `StatusCallback` our channels set)."""
    if not _twilio_signed(request):
        return HttpResponseForbidden("Bad or missing X-Twilio-Signature.")
    receipt = receipt_from_twilio(request.POST.dict())
    if receipt is not None:  # queued, sent, ringing...: not an outcome yet
        delivery_receipt_record(tenant=request.tenant, receipt=receipt)
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_inbound_sms(request: HttpRequest) -> HttpResponse:
    """An SMS to our number. Compliance keywords get the answer carriers require, as TwiML."""
    if not _twilio_signed(request):
        return HttpResponseForbidden("Bad or missing X-Twilio-Signature.")
    message = inbound_from_twilio_sms(request.POST.dict())
    inbound_message_record(tenant=request.tenant, message=message)
    reply = MessagingResponse()
    answer = keyword_reply(message.keyword, request.tenant.public_name)
    if answer:
        reply.message(answer)
    return HttpResponse(str(reply), content_type="application/xml")
