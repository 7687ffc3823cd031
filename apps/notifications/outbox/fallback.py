"""After a notification failed for good: suppress a bad address, try the next channel, say so.

Called in the transaction that recorded the failure (a send refused for good, retries used up, a
bounce or failure receipt, an address suppressed meanwhile). The next channel is the customer's next
preferred one the trigger allows, with consent and an unsuppressed address, that was not tried for
the same event yet; its content is rendered from the same template version and data (or, for an
agent's reply, the same text). The case timeline gets an internal note either way.
"""

from django.db import IntegrityError, transaction

from apps.audit.services import audit_record
from apps.cases.selectors import TENANT_WIDE, case_by_id
from apps.cases.services import case_add_note
from apps.common.clock import now
from apps.customers.selectors import customer_detail
from apps.message_templates.models import TemplateVersion
from apps.notifications.channels.base import DeliveryError
from apps.notifications.models import ChannelName
from apps.notifications.outbox.content import case_message, written_message
from apps.notifications.outbox.models import Notification, Suppression, SuppressionReason
from apps.notifications.outbox.routing import customer_routes
from apps.notifications.outbox.services import create_on_first_route, effective_rule, template_renderer

REASON_WORDS = {
    "suppressed": "the address is on the suppression list",
    "rejected": "the address is marked inactive (earlier hard bounce or complaint)",
    "invalid": "the address is not valid",
    "HardBounce": "hard bounce",
    "21211": "not a valid phone number",
    "21610": "the customer unsubscribed by STOP",
    "21614": "not a mobile number",
    "30005": "unknown or unreachable number",
}


def suppression_add(
    *,
    tenant_id: int,
    channel: str,
    address: str,
    reason: str,
    code: str = "",
    notification: Notification | None = None,
) -> Suppression | None:
    """Put the address on the tenant's suppression list for `channel` (once; None if it was already)."""
    if not address or channel == ChannelName.PORTAL:
        return None
    try:
        with transaction.atomic():
            return Suppression.objects.create(
                tenant_id=tenant_id,
                channel=channel,
                address=address,
                reason=reason,
                code=code[:40],
                notification=notification,
            )
    except IntegrityError:  # already suppressed
        return None


def _renderer(notification: Notification, case):
    if notification.template_version_id:
        version = TemplateVersion.objects.for_tenant(notification.tenant_id).get(
            pk=notification.template_version_id
        )
        return template_renderer(version, notification.context)
    body = notification.text or notification.voice_script
    if case is None:
        return lambda channel: written_message(subject=notification.subject, body=body, channel=channel)
    return lambda channel: case_message(case=case, body=body, channel=channel)


def fallback_create(*, notification: Notification) -> Notification | None:
    """The same message on the next usable channel, or None when no channel is left."""
    if notification.customer_id is None:
        return None
    tenant = notification.tenant
    customer = customer_detail(tenant=tenant, customer_id=notification.customer_id)
    tried = set(
        Notification.objects.for_tenant(tenant)
        .filter(event_key=notification.event_key, customer_id=customer.pk)
        .values_list("channel", flat=True)
    )
    rule = effective_rule(tenant=tenant, trigger=notification.trigger)
    routes = customer_routes(
        customer=customer, allowed=rule.channels, moment=now(), urgent=notification.urgent, exclude=tried
    )
    if not routes:
        return None
    case = None
    if notification.case_id:
        case = case_by_id(tenant=tenant, membership=TENANT_WIDE, case_id=notification.case_id)
    row = Notification(
        tenant=tenant,
        trigger=notification.trigger,
        event_key=notification.event_key,
        customer=customer,
        case_id=notification.case_id,
        order_id=notification.order_id,
        timeline_entry_id=notification.timeline_entry_id,
        template_version_id=notification.template_version_id,
        locale=notification.locale,
        context=notification.context,
        urgent=notification.urgent,
        fallback_of=notification,
    )
    return create_on_first_route(
        row, routes=routes, render=_renderer(notification, case), fallback_channel=routes[0].channel
    )


def _describe(error: DeliveryError) -> str:
    words = REASON_WORDS.get(error.code or "")
    return f"{error.message} ({words})" if words and words not in error.message else error.message


def notification_failed(*, notification: Notification, error: DeliveryError) -> Notification | None:
    """Act on a notification that failed for good (its status is already recorded): suppress the
    address when it is to blame, create the fallback, note both on the case, audit. Returns the
    fallback, if any."""
    suppressed = None
    if error.bad_address:
        reason = SuppressionReason.UNSUBSCRIBED if error.code == "21610" else SuppressionReason.INVALID
        if error.code in ("HardBounce", "rejected", "30005", "bounced"):
            reason = SuppressionReason.BOUNCED
        suppressed = suppression_add(
            tenant_id=notification.tenant_id,
            channel=notification.channel,
            address=notification.to_address,
            reason=reason,
            code=error.code or "",
            notification=notification,
        )
    fallback = fallback_create(notification=notification)
    channel = ChannelName(notification.channel).label
    if notification.case_id:
        case = case_by_id(tenant=notification.tenant, membership=TENANT_WIDE, case_id=notification.case_id)
        then = (
            f"Trying {ChannelName(fallback.channel).label} instead."
            if fallback is not None
            else "No other channel is left to try."
        )
        case_add_note(
            actor=None,
            case=case,
            body=f"{channel} message to the customer was not delivered: {_describe(error)}. {then}",
        )
    audit_record(
        tenant=notification.tenant,
        actor=None,
        action="notification.failed",
        target=notification,
        changes={"status": notification.status},
        metadata={
            "channel": notification.channel,
            "code": (error.code or "")[:40],
            "suppressed": suppressed is not None,
            "fallback_id": fallback.pk if fallback else None,
        },
    )
    return fallback
