"""Sending queued notifications: claim a batch, send it outside any lock, record what happened.

1. **Claim** (one short transaction): pick due ids with `SELECT … LIMIT n FOR UPDATE SKIP LOCKED`,
   then `UPDATE … SET status = 'sending', lease_expires_at = <lease> … AND status = 'queued'`.
   Concurrent workers skip each other's rows, so no row is claimed twice. The lease value doubles
   as the claim's token.
2. **Send** (no transaction held open for HTTP except the tenant scope channels need to write the
   portal inbox or dev outbox): email in provider batches (Postmark: 500 per call), other channels
   one by one within a time budget well inside the lease, stopping early when the provider keeps
   failing.
3. **Record** (one short transaction): one bulk UPDATE of the rows whose lease is still ours, an
   attempt row per try, and for permanent failures the suppression, fallback and timeline note.

A worker killed between 1 and 3 leaves its rows in `sending`; when the lease runs out the sweep
puts them back in the queue and they are sent again: a provider sees at most the in-flight batch
twice. Nothing else is ever sent twice.
"""

import logging
import time
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from apps.common.clock import now
from apps.customers.models import ChannelConsent, ConsentState
from apps.notifications.channels.base import (
    Channel,
    DeliveryError,
    OutboundMessage,
    ProviderResult,
    ProviderStatus,
)
from apps.notifications.channels.registry import channel_for
from apps.notifications.models import ChannelName
from apps.notifications.outbox.backoff import attempts_exhausted, retry_delay
from apps.notifications.outbox.enqueue import dispatch_soon
from apps.notifications.outbox.fallback import notification_failed
from apps.notifications.outbox.models import (
    AttemptOutcome,
    Notification,
    NotificationAttempt,
    NotificationStatus,
    Suppression,
)
from apps.tenants.context import tenant_context
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)

# Rows per claim. Email goes out in one Postmark batch call; the others one HTTP call each.
BATCH_SIZE = {ChannelName.EMAIL: 500, ChannelName.SMS: 50, ChannelName.VOICE: 20, ChannelName.PORTAL: 200}
# A provider that answered this many transient errors in a row is not asked again in this batch.
MAX_CONSECUTIVE_TRANSIENT = 3
SUPPRESSED_CODE = "suppressed"
NO_CONSENT_CODE = "no_consent"
# Held back before any provider saw them: no attempt is recorded.
NOT_TRIED_CODES = {
    SUPPRESSED_CODE: NotificationStatus.SUPPRESSED,
    NO_CONSENT_CODE: NotificationStatus.CANCELLED,
}
FAILED_FOR_GOOD = (NotificationStatus.FAILED, NotificationStatus.SUPPRESSED, NotificationStatus.CANCELLED)

# The picked ids are materialized first: as a plain `id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`
# PostgreSQL may run the subquery more than once and claim more than `n` rows. `context` (the
# template data, needed only for a fallback) is left out of RETURNING: it is loaded when used.
CLAIM_SQL = """
WITH picked AS MATERIALIZED (
    SELECT id FROM notifications_notification
    WHERE tenant_id = %s AND channel = %s AND status = 'queued' AND next_attempt_at <= %s
    ORDER BY next_attempt_at, id
    LIMIT %s
    FOR UPDATE SKIP LOCKED
)
UPDATE notifications_notification AS n SET status = 'sending', lease_expires_at = %s
FROM picked
WHERE n.id = picked.id AND n.status = 'queued'
RETURNING {columns}
"""
CLAIMED_COLUMNS = ", ".join(
    f"n.{field.column}" for field in Notification._meta.concrete_fields if field.name != "context"
)

RECORD_SQL = """
UPDATE notifications_notification AS n SET
    status = v.status,
    attempts = n.attempts + v.tried,
    provider = COALESCE(v.provider, n.provider),
    provider_message_id = COALESCE(v.provider_message_id, n.provider_message_id),
    sent_at = COALESCE(v.sent_at, n.sent_at),
    delivered_at = COALESCE(v.delivered_at, n.delivered_at),
    failed_at = COALESCE(v.failed_at, n.failed_at),
    next_attempt_at = COALESCE(v.next_attempt_at, n.next_attempt_at),
    last_error = COALESCE(v.last_error, n.last_error),
    last_error_code = COALESCE(v.last_error_code, n.last_error_code),
    lease_expires_at = NULL
FROM (VALUES {rows}) AS v(id, status, tried, provider, provider_message_id, sent_at, delivered_at,
                         failed_at, next_attempt_at, last_error, last_error_code)
WHERE n.id = v.id AND n.tenant_id = %s AND n.status = 'sending' AND n.lease_expires_at = %s
RETURNING n.id
"""
ROW_PLACEHOLDER = (
    "(%s::bigint, %s::varchar, %s::int, %s::varchar, %s::varchar, %s::timestamptz, %s::timestamptz, "
    "%s::timestamptz, %s::timestamptz, %s::varchar, %s::varchar)"
)

Result = ProviderResult | DeliveryError | None  # None: not tried in this batch (budget, provider down)


@dataclass(frozen=True)
class BatchReport:
    claimed: int
    sent: int
    retry_in: float | None  # seconds until the earliest transient retry is due, if any


def claim(*, tenant: Tenant, channel: str, limit: int, lease_until: datetime) -> list[Notification]:
    """Claim up to `limit` due queued rows of the tenant's `channel`, oldest due first."""
    with tenant_context(tenant):
        sql = CLAIM_SQL.format(columns=CLAIMED_COLUMNS)
        rows = list(Notification.objects.raw(sql, [tenant.pk, channel, now(), limit, lease_until]))
    rows.sort(key=lambda row: (row.next_attempt_at, row.pk))
    for row in rows:
        row.tenant = tenant
    return rows


def _message(tenant: Tenant, row: Notification) -> OutboundMessage:
    return OutboundMessage(
        tenant_id=tenant.pk,
        channel=row.channel,
        to=row.to_address,
        text=row.text,
        subject=row.subject,
        html=row.html,
        voice_script=row.voice_script,
        idempotency_key=row.idempotency_key,
        reply_token=row.reply_token if row.channel == ChannelName.EMAIL else "",
        sender_name=tenant.public_name,
        metadata={"notification_id": str(row.pk), "trigger": row.trigger},
    )


def _sender(channel: str) -> Channel | DeliveryError:
    try:
        return channel_for(channel)
    except Exception as exc:  # e.g. Twilio credentials missing: retry later rather than drop
        logger.exception("Channel %s cannot send", channel)
        return DeliveryError(f"The {channel} channel is not usable: {exc}"[:300], False, "not_configured")


def _send_one(sender: Channel, message: OutboundMessage) -> ProviderResult | DeliveryError:
    try:
        return sender.send(message)
    except DeliveryError as error:
        return error
    except Exception:  # a bug must not leave the row claimed forever: retry, and log it loudly
        logger.exception("Unexpected error sending notification %s", message.metadata.get("notification_id"))
        return DeliveryError("Unexpected error while sending (see the logs).", False, "internal_error")


def send(*, tenant: Tenant, channel: str, rows: list[Notification]) -> tuple[list[Result], str]:
    """One result per row, in order, and the provider's name. Runs in the tenant's scope (the
    portal inbox and the dev outbox write a row)."""
    sender = _sender(channel)
    if isinstance(sender, DeliveryError):
        return [sender] * len(rows), channel
    messages = [_message(tenant, row) for row in rows]
    with tenant_context(tenant):
        if type(sender).send_batch is Channel.send_batch:  # no batch endpoint: one call each
            return _send_each(sender, messages), sender.provider
        try:
            return list(sender.send_batch(messages)), sender.provider
        except Exception:
            logger.exception("Batch send on %s failed", channel)
            error = DeliveryError("Unexpected error in the batch send.", False, "internal_error")
            return [error] * len(rows), sender.provider


def _send_each(sender: Channel, messages: list[OutboundMessage]) -> list[Result]:
    budget = time.monotonic() + settings.NOTIFY_LEASE_SECONDS / 2
    results: list[Result] = []
    failures_in_a_row = 0
    for message in messages:
        if time.monotonic() > budget or failures_in_a_row >= MAX_CONSECUTIVE_TRANSIENT:
            results.append(None)
            continue
        result = _send_one(sender, message)
        transient = isinstance(result, DeliveryError) and not result.permanent
        failures_in_a_row = failures_in_a_row + 1 if transient else 0
        results.append(result)
    return results


def _held_back(tenant: Tenant, channel: str, rows: list[Notification]) -> dict[int, DeliveryError]:
    """Rows that must not go out any more, by id, with why: their address was suppressed, or their
    customer withdrew consent for the channel (or was erased), since they were queued. Rows can
    wait hours (quiet hours, retries); what the customer decided meanwhile wins."""
    with tenant_context(tenant):  # row-level security: outside it these tables look empty
        suppressed = set(
            Suppression.objects.for_tenant(tenant)
            .filter(channel=channel, address__in={row.to_address for row in rows})
            .values_list("address", flat=True)
        )
        consenting: set[int] | None = None
        if channel != ChannelName.PORTAL:  # the portal inbox needs no consent
            granted = ChannelConsent.objects.for_tenant(tenant).filter(
                channel=channel, state=ConsentState.GRANTED, customer_id__in={row.customer_id for row in rows}
            )
            consenting = set(granted.values_list("customer_id", flat=True))
    held: dict[int, DeliveryError] = {}
    for row in rows:
        if row.to_address in suppressed:
            held[row.pk] = DeliveryError("The address is on the suppression list.", True, SUPPRESSED_CODE)
        elif row.customer_id is None:
            held[row.pk] = DeliveryError("The customer no longer exists.", True, NO_CONSENT_CODE)
        elif consenting is not None and row.customer_id not in consenting:
            held[row.pk] = DeliveryError(
                "The customer withdrew consent for this channel.", True, NO_CONSENT_CODE
            )
    return held


@dataclass(frozen=True)
class RowOutcome:
    """What one row becomes after the batch; None fields keep the row's current value."""

    status: str
    tried: int = 0
    provider: str | None = None
    provider_message_id: str | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    failed_at: datetime | None = None
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    last_error_code: str | None = None

    def params(self, pk: int) -> list:
        return [pk, *astuple(self)]


def _outcome(row: Notification, result: Result, moment: datetime) -> RowOutcome:
    if result is None:  # not tried: back in the queue as it was
        return RowOutcome(NotificationStatus.QUEUED)
    if isinstance(result, ProviderResult):
        delivered = result.status == ProviderStatus.DELIVERED
        return RowOutcome(
            NotificationStatus.DELIVERED if delivered else NotificationStatus.SENT,
            tried=1,
            provider=result.provider,
            provider_message_id=result.provider_message_id,
            sent_at=moment,
            delivered_at=moment if delivered else None,
            last_error="",
            last_error_code="",
        )
    error = {"last_error": result.message[:300], "last_error_code": (result.code or "")[:40]}
    if result.code in NOT_TRIED_CODES:
        return RowOutcome(NOT_TRIED_CODES[result.code], failed_at=moment, **error)
    if not result.permanent and not attempts_exhausted(row.attempts + 1):
        retry_at = moment + retry_delay(row.attempts + 1)
        return RowOutcome(NotificationStatus.QUEUED, tried=1, next_attempt_at=retry_at, **error)
    return RowOutcome(NotificationStatus.FAILED, tried=1, failed_at=moment, **error)


def _attempt(tenant: Tenant, row: Notification, result: Result, provider: str, started: datetime):
    if result is None or (isinstance(result, DeliveryError) and result.code in NOT_TRIED_CODES):
        return None
    common = {"tenant": tenant, "notification_id": row.pk, "number": row.attempts + 1, "started_at": started}
    if isinstance(result, ProviderResult):
        return NotificationAttempt(
            **common,
            outcome=AttemptOutcome.ACCEPTED,
            provider=result.provider,
            provider_message_id=result.provider_message_id,
            response={"status": str(result.status), **result.raw},
        )
    return NotificationAttempt(
        **common,
        outcome=AttemptOutcome.PERMANENT if result.permanent else AttemptOutcome.TRANSIENT,
        provider=provider,
        error_code=(result.code or "")[:40],
        detail=result.message[:300],
        response={"permanent": result.permanent, "bad_address": result.bad_address},
    )


def record(
    *,
    tenant: Tenant,
    rows: list[Notification],
    results: list[Result],
    outcomes: list[RowOutcome],
    provider: str,
    lease_until: datetime,
    started: datetime,
) -> set[int]:
    """Write the batch's outcomes; returns the ids whose lease was still ours. The others were
    reclaimed after their lease ran out, and their new claimer records them."""
    batch = list(zip(rows, results, outcomes, strict=True))
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute(
            RECORD_SQL.format(rows=", ".join([ROW_PLACEHOLDER] * len(batch))),
            [value for row, _, outcome in batch for value in outcome.params(row.pk)]
            + [tenant.pk, lease_until],
        )
        ours = {found[0] for found in cursor.fetchall()}
        attempts = [_attempt(tenant, row, result, provider, started) for row, result, _ in batch]
        NotificationAttempt.objects.bulk_create([attempt for attempt in attempts if attempt is not None])
        for row, result, outcome in batch:
            if row.pk in ours and outcome.status in FAILED_FOR_GOOD:
                row.status, row.attempts = outcome.status, row.attempts + outcome.tried
                notification_failed(notification=row, error=result)
    return ours


def _retry_in(outcomes: list[RowOutcome], moment: datetime) -> float | None:
    """Seconds until the batch's earliest retry is due; None when nothing waits for a retry."""
    waiting = [outcome for outcome in outcomes if outcome.status == NotificationStatus.QUEUED]
    due = [outcome.next_attempt_at for outcome in waiting if outcome.next_attempt_at is not None]
    if any(outcome.tried == 0 for outcome in waiting):
        due.append(moment + retry_delay(1))  # not tried: the provider seemed down, give it a moment
    return max(0.0, (min(due) - moment).total_seconds()) if due else None


def dispatch_batch(*, tenant: Tenant, channel: str) -> BatchReport:
    """Claim, send and record one batch of the tenant's due `channel` notifications."""
    limit = BATCH_SIZE[channel]
    started = now()
    lease_until = started + timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    rows = claim(tenant=tenant, channel=channel, limit=limit, lease_until=lease_until)
    if not rows:
        return BatchReport(0, 0, None)
    if len(rows) == limit:
        dispatch_soon(tenant.pk, channel)  # more are waiting: another worker takes the next batch meanwhile
    held = _held_back(tenant, channel, rows)
    to_send = [row for row in rows if row.pk not in held]
    sent_results, provider = send(tenant=tenant, channel=channel, rows=to_send) if to_send else ([], channel)
    remaining = iter(sent_results)
    results: list[Result] = [held[row.pk] if row.pk in held else next(remaining) for row in rows]
    moment = now()
    outcomes = [_outcome(row, result, moment) for row, result in zip(rows, results, strict=True)]
    record(
        tenant=tenant,
        rows=rows,
        results=results,
        outcomes=outcomes,
        provider=provider,
        lease_until=lease_until,
        started=started,
    )
    sent = sum(isinstance(result, ProviderResult) for result in results)
    return BatchReport(len(rows), sent, _retry_in(outcomes, moment))
