"""Applying inbound messages the webhooks stored (`InboundMessageRecord`): thread them, or obey them.

SMS compliance keywords change consent (the webhook already answered as carriers require):
STOP withdraws SMS consent (source `sms_keyword`), puts the number on the suppression list and
cancels SMS not yet sent to it (each falls back to the customer's next channel); START grants
consent again and lifts a STOP suppression; HELP changes nothing.

Any other message is threaded into a case, first match wins:

1. the reply token of one of our notifications (email `reply+<token>@…`) → that notification's case;
2. a case reference in the subject (`[ACME-1042]`) of a case of the sender's own customer;
3. SMS only: the open case of the latest notification texted to this number in `SMS_THREAD_DAYS`
   (SMS has no reply address; the number pair is the thread, as on a phone);
4. otherwise a new case for the customer owning the sender's address, or for a new customer.

A reply to a closed case opens a follow-up case that names the old one.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import strip_tags

from apps.cases.models import Case, SourceChannel
from apps.cases.selectors import TENANT_WIDE, case_by_id, case_by_reference
from apps.cases.services import case_customer_message, case_open
from apps.common.clock import now
from apps.customers.models import ConsentSource, ContactKind, Customer
from apps.customers.selectors import customer_by_contact
from apps.customers.services import consent_set, customer_create
from apps.notifications.models import ChannelName, InboundMessageRecord, SmsKeyword
from apps.notifications.outbox.fallback import fallback_create, suppression_add
from apps.notifications.outbox.models import Notification, NotificationStatus, Suppression, SuppressionReason
from apps.notifications.outbox.selectors import records_to_apply
from apps.notifications.replies import case_reference_from_subject
from apps.tenants.context import tenant_context
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)

BATCH = 50
SMS_THREAD_DAYS = 14
SUBJECT_LENGTH = 120


def _kind(channel: str) -> str:
    return ContactKind.EMAIL if channel == ChannelName.EMAIL else ContactKind.PHONE


def _body(record: InboundMessageRecord) -> str:
    return (
        (record.text or "").strip() or strip_tags(record.html or "").strip() or "(The message had no text.)"
    )


def _sender(tenant: Tenant, record: InboundMessageRecord) -> Customer | None:
    return customer_by_contact(tenant=tenant, kind=_kind(record.channel), value=record.from_address)


def _new_customer(tenant: Tenant, record: InboundMessageRecord) -> Customer:
    """Someone we do not know wrote to us: they become a customer we may answer the same way."""
    is_email = record.channel == ChannelName.EMAIL
    customer = customer_create(
        tenant=tenant,
        actor=None,
        name=record.from_address.split("@")[0] if is_email else record.from_address,
        emails=[record.from_address] if is_email else [],
        phones=[] if is_email else [record.from_address],
        preferred_channels=[record.channel, ChannelName.PORTAL],
    )
    consent_set(
        actor=None,
        customer=customer,
        channel=record.channel,
        granted=True,
        source=ConsentSource.API,
        note="Wrote to us first; answers to their request go back the same way.",
    )
    return customer


def _case_by_token(tenant: Tenant, token: str) -> tuple[Case | None, Customer | None]:
    if not token:
        return None, None
    notification = (
        Notification.objects.for_tenant(tenant).filter(reply_token=token).select_related("customer").first()
    )
    if notification is None:
        return None, None
    if notification.case_id is None:
        return None, notification.customer
    case = case_by_id(tenant=tenant, membership=TENANT_WIDE, case_id=notification.case_id)
    return case, notification.customer


def _case_by_sms_thread(tenant: Tenant, record: InboundMessageRecord) -> Case | None:
    latest = (
        Notification.objects.for_tenant(tenant)
        .filter(
            channel=ChannelName.SMS,
            to_address=record.from_address,
            case__isnull=False,
            created_at__gte=now() - timedelta(days=SMS_THREAD_DAYS),
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None:
        return None
    case = case_by_id(tenant=tenant, membership=TENANT_WIDE, case_id=latest.case_id)
    return case if case is not None and case.is_open else None


def _subject(record: InboundMessageRecord, body: str) -> str:
    subject = (record.subject or "").strip() or " ".join(body.split())
    return subject[:SUBJECT_LENGTH] or "Message from a customer"


def _open_case(tenant: Tenant, customer: Customer, record: InboundMessageRecord, body: str, **extra) -> Case:
    return case_open(
        tenant=tenant,
        actor=customer,
        customer=customer,
        subject=_subject(record, body),
        source_channel=SourceChannel.EMAIL if record.channel == ChannelName.EMAIL else SourceChannel.SMS,
        **extra,
    )


def _thread(tenant: Tenant, record: InboundMessageRecord) -> None:
    body = _body(record)
    case, customer = _case_by_token(tenant, record.reply_token)
    customer = customer or _sender(tenant, record)
    reference = record.case_reference or case_reference_from_subject(record.subject)
    if case is None and reference and customer is not None:
        found = case_by_reference(tenant=tenant, membership=TENANT_WIDE, reference=reference)
        case = found if found is not None and found.customer_id == customer.pk else None
    if case is None and record.channel == ChannelName.SMS:
        case = _case_by_sms_thread(tenant, record)
    if case is None:
        customer = customer or _new_customer(tenant, record)
        case = _open_case(tenant, customer, record, body)
    try:
        case_customer_message(case=case, body=body, channel=record.channel)
    except ValidationError:  # the case is closed: a follow-up case carries the message
        follow_up = _open_case(
            tenant, case.customer, record, body, description=f"Follow-up to the closed case {case.reference}."
        )
        case_customer_message(case=follow_up, body=body, channel=record.channel)


def _cancel_queued_sms(tenant: Tenant, number: str) -> None:
    """SMS still waiting for this number are not sent after STOP; each tries the next channel."""
    waiting = Notification.objects.for_tenant(tenant).filter(
        channel=ChannelName.SMS, to_address=number, status=NotificationStatus.QUEUED
    )
    for notification in waiting.select_related("tenant").select_for_update(skip_locked=True):
        notification.status = NotificationStatus.CANCELLED
        notification.last_error, notification.last_error_code = "The customer replied STOP.", "stop"
        notification.save(update_fields=["status", "last_error", "last_error_code"])
        fallback_create(notification=notification)


def _keyword(tenant: Tenant, record: InboundMessageRecord) -> None:
    number = record.from_address
    customer = _sender(tenant, record)
    if record.keyword == SmsKeyword.STOP:
        if customer is not None:
            consent_set(
                actor=customer, customer=customer, channel=ChannelName.SMS, granted=False,
                source=ConsentSource.SMS_KEYWORD,
            )  # fmt: skip
        suppression_add(
            tenant_id=tenant.pk,
            channel=ChannelName.SMS,
            address=number,
            reason=SuppressionReason.UNSUBSCRIBED,
            code="STOP",
        )
        _cancel_queued_sms(tenant, number)
    elif record.keyword == SmsKeyword.START:
        Suppression.objects.for_tenant(tenant).filter(
            channel=ChannelName.SMS, address=number, reason=SuppressionReason.UNSUBSCRIBED
        ).delete()
        if customer is not None:
            consent_set(
                actor=customer, customer=customer, channel=ChannelName.SMS, granted=True,
                source=ConsentSource.SMS_KEYWORD,
            )  # fmt: skip


def inbound_apply(*, tenant: Tenant) -> int:
    """Thread or obey a batch of the tenant's unprocessed inbound messages; returns how many.

    Each message is applied in its own savepoint: one that fails (and is logged) stays unprocessed for
    the next run without holding up the others.
    """
    done = 0
    with tenant_context(tenant):
        records = records_to_apply(InboundMessageRecord, tenant=tenant, limit=BATCH)
        for record in records:
            try:
                with transaction.atomic():
                    if record.keyword:
                        _keyword(tenant, record)
                    else:
                        _thread(tenant, record)
                    InboundMessageRecord.objects.for_tenant(tenant).filter(pk=record.pk).update(
                        processed_at=now()
                    )
                done += 1
            except Exception:
                logger.exception("Inbound message %s of tenant %s could not be applied", record.pk, tenant.pk)
    return done
