"""Dispatch: batch claims, sending through the real provider clients (against the fakes), outcomes,
retries with backoff, permanent failures with suppression and fallback, leases and the sweep."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from apps.cases.models import EntryKind, TimelineEntry
from apps.cases.services import case_reply
from apps.common.clock import now
from apps.customers.services import consent_set
from apps.notifications.models import PortalInboxMessage
from apps.notifications.outbox import dispatch
from apps.notifications.outbox.backoff import retry_delay
from apps.notifications.outbox.dispatch import claim, dispatch_batch, record
from apps.notifications.outbox.models import (
    AttemptOutcome,
    Notification,
    NotificationAttempt,
    NotificationStatus,
    Suppression,
)
from apps.notifications.outbox.selectors import notification_statuses_for_entries
from apps.notifications.outbox.sweep import sweep
from tests.cases.factories import CaseFactory
from tests.notifications.outbox_fixtures import make_customer, notifications_of, queued_notifications

S = NotificationStatus


def reload(row):
    return Notification.objects.for_tenant(row.tenant_id).get(pk=row.pk)


def attempts_of(row):
    return list(NotificationAttempt.objects.for_tenant(row.tenant_id).filter(notification_id=row.pk))


@pytest.mark.django_db
def test_a_batch_of_email_goes_out_in_one_postmark_call(shop, fake_esp):
    rows = queued_notifications(shop, make_customer(shop), 30)

    report = dispatch_batch(tenant=shop, channel="email")

    assert (report.claimed, report.sent, report.retry_in) == (30, 30, None)
    assert {message["endpoint"] for message in fake_esp.messages} == {"email/batch"}
    assert len(fake_esp.messages) == 30
    sent = [reload(row) for row in rows]
    assert {(row.status, row.attempts, row.provider) for row in sent} == {(S.SENT, 1, "postmark")}
    assert {row.provider_message_id for row in sent} == {
        message["MessageID"] for message in fake_esp.messages
    }
    assert {attempt.outcome for attempt in attempts_of(rows[0])} == {AttemptOutcome.ACCEPTED}


@pytest.mark.django_db
def test_sms_go_out_one_by_one_through_twilio(shop, fake_twilio):
    rows = queued_notifications(shop, make_customer(shop), 3, channel="sms")

    dispatch_batch(tenant=shop, channel="sms")

    assert [message["Body"] for message in fake_twilio.messages] == [row.text for row in rows]
    assert {reload(row).provider_message_id[:2] for row in rows} == {"SM"}


@pytest.mark.django_db
def test_portal_messages_are_delivered_at_once(shop):
    customer = make_customer(shop)
    [row] = queued_notifications(shop, customer, 1, channel="portal")

    dispatch_batch(tenant=shop, channel="portal")

    assert reload(row).status == S.DELIVERED
    assert PortalInboxMessage.objects.for_tenant(shop).get(customer_id=customer.pk).text == row.text


@pytest.mark.django_db
def test_a_transient_error_is_retried_later_with_backoff(shop, fake_esp, settings, time_machine):
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    [row] = queued_notifications(shop, make_customer(shop), 1)
    fake_esp.configure(fail_next=["500"])
    before = now()

    report = dispatch_batch(tenant=shop, channel="email")

    failed_once = reload(row)
    assert (failed_once.status, failed_once.attempts, failed_once.last_error_code) == (
        S.QUEUED,
        1,
        "http_500",
    )
    assert before + timedelta(seconds=30) <= failed_once.next_attempt_at <= now() + timedelta(seconds=60)
    assert 30 <= report.retry_in <= 60
    assert dispatch_batch(tenant=shop, channel="email").claimed == 0  # not due yet

    time_machine.move_to(failed_once.next_attempt_at + timedelta(seconds=1))
    dispatch_batch(tenant=shop, channel="email")

    assert (reload(row).status, reload(row).attempts) == (S.SENT, 2)
    assert [attempt.outcome for attempt in attempts_of(row)] == [
        AttemptOutcome.TRANSIENT,
        AttemptOutcome.ACCEPTED,
    ]


def test_backoff_doubles_per_attempt_up_to_the_cap(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS, settings.NOTIFY_RETRY_MAX_SECONDS = 10, 60
    for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (4, 60), (9, 60)]:
        delays = [retry_delay(attempts).total_seconds() for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1  # jittered


@pytest.mark.django_db
def test_after_the_last_attempt_the_notification_fails_and_the_next_channel_is_tried(
    shop, fake_esp, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    [row] = queued_notifications(shop, make_customer(shop), 1, attempts=1)
    fake_esp.configure(fail_next=["429"])

    dispatch_batch(tenant=shop, channel="email")

    assert (reload(row).status, reload(row).attempts) == (S.FAILED, 2)
    [fallback] = Notification.objects.for_tenant(shop).filter(fallback_of=row)
    assert (fallback.channel, fallback.status, fallback.to_address) == ("sms", S.QUEUED, "+447911123456")
    assert Suppression.objects.for_tenant(shop).count() == 0  # a busy provider is not the address's fault


@pytest.mark.django_db
def test_a_hard_bounce_fails_suppresses_falls_back_and_says_so_on_the_case(shop, fake_esp, actors):
    case = CaseFactory(tenant=shop, customer=make_customer(shop))
    entry = case_reply(actor=actors.agent_a, case=case, body="Your refund is on its way.", channel="email")
    fake_esp.configure(hard_bounce={"ada@example.test"})

    dispatch_batch(tenant=shop, channel="email")

    email = Notification.objects.for_tenant(shop).get(timeline_entry_id=entry.pk, channel="email")
    sms = Notification.objects.for_tenant(shop).get(fallback_of=email)
    assert (email.status, email.last_error_code) == (S.FAILED, "rejected")
    assert (sms.channel, sms.status, sms.text, sms.timeline_entry_id) == (
        "sms", S.QUEUED, "Your refund is on its way.", entry.pk,
    )  # fmt: skip
    suppression = Suppression.objects.for_tenant(shop).get()
    assert (suppression.channel, suppression.address, suppression.reason) == (
        "email",
        "ada@example.test",
        "bounced",
    )
    note = TimelineEntry.objects.for_tenant(shop).filter(case=case, kind=EntryKind.NOTE).last()
    assert (
        "Email message to the customer was not delivered" in note.body and "Trying SMS instead" in note.body
    )
    badge = notification_statuses_for_entries(tenant=shop, entry_ids=[entry.pk])[entry.pk]
    assert (badge.channel, badge.status, badge.fell_back) == ("sms", "queued", True)


@pytest.mark.django_db
def test_a_refusal_that_is_not_the_addresses_fault_falls_back_without_suppressing(shop, fake_esp):
    [row] = queued_notifications(shop, make_customer(shop), 1)
    fake_esp.configure(server_token="another-token")  # our token is refused: 401

    dispatch_batch(tenant=shop, channel="email")

    assert (reload(row).status, reload(row).last_error_code) == (S.FAILED, "http_401")
    assert Notification.objects.for_tenant(shop).filter(fallback_of=row, channel="sms").exists()
    assert not Suppression.objects.for_tenant(shop).exists()


@pytest.mark.django_db
def test_an_invalid_number_is_suppressed_and_the_portal_takes_over(shop, fake_twilio):
    customer = make_customer(shop, preferred_channels=["sms", "portal"])
    [row] = queued_notifications(shop, customer, 1, channel="sms")
    fake_twilio.configure(invalid_numbers={"+447911123456"})

    dispatch_batch(tenant=shop, channel="sms")

    assert (reload(row).status, reload(row).last_error_code) == (S.FAILED, "21211")
    assert Suppression.objects.for_tenant(shop).get().reason == "invalid"
    [fallback] = notifications_of(shop, fallback_of=row)
    assert (fallback.channel, fallback.to_address) == ("portal", str(customer.pk))


@pytest.mark.django_db
def test_an_address_suppressed_while_its_message_waited_is_not_sent(shop, fake_esp):
    [row] = queued_notifications(shop, make_customer(shop), 1)
    Suppression.objects.create(tenant=shop, channel="email", address="ada@example.test", reason="bounced")

    dispatch_batch(tenant=shop, channel="email")

    assert fake_esp.messages == []
    assert (reload(row).status, reload(row).attempts) == (S.SUPPRESSED, 0)
    assert notifications_of(shop, fallback_of=row)[0].channel == "sms"


@pytest.mark.django_db
def test_a_message_whose_customer_withdrew_consent_while_it_waited_is_not_sent(shop, fake_twilio):
    customer = make_customer(shop)
    [row] = queued_notifications(shop, customer, 1, channel="sms")
    consent_set(actor=customer, customer=customer, channel="sms", granted=False, source="portal")

    dispatch_batch(tenant=shop, channel="sms")

    assert fake_twilio.messages == []
    assert (reload(row).status, reload(row).last_error_code) == (S.CANCELLED, "no_consent")
    assert attempts_of(row) == []
    assert notifications_of(shop, fallback_of=row)[0].channel == "email"


@pytest.mark.django_db
def test_a_provider_that_keeps_failing_is_not_asked_for_the_rest_of_the_batch(shop, fake_twilio):
    rows = queued_notifications(shop, make_customer(shop), 5, channel="sms")
    fake_twilio.configure(fail_next=["500", "500", "500"])

    report = dispatch_batch(tenant=shop, channel="sms")

    assert fake_twilio.requests == 3
    assert [reload(row).attempts for row in rows] == [1, 1, 1, 0, 0]
    assert {reload(row).status for row in rows} == {S.QUEUED}
    assert report.retry_in is not None


@pytest.mark.django_db
def test_a_claim_takes_at_most_its_batch_oldest_due_first(shop):
    rows = queued_notifications(shop, make_customer(shop), 1200, channel="sms")

    batch = claim(tenant=shop, channel="sms", limit=50, lease_until=now() + timedelta(minutes=2))

    assert [row.pk for row in batch] == [row.pk for row in rows[:50]]
    assert Notification.objects.for_tenant(shop).filter(status=S.SENDING).count() == 50


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_take_the_same_row(shop):
    rows = queued_notifications(shop, make_customer(shop), 400)
    claimed: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def worker(index: int) -> None:
        start.wait()
        try:
            while batch := claim(
                tenant=shop, channel="email", limit=7, lease_until=now() + timedelta(minutes=2)
            ):
                claimed[index].extend(row.pk for row in batch)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert claimed[0] and claimed[1]
    assert not set(claimed[0]) & set(claimed[1])
    assert sorted(claimed[0] + claimed[1]) == sorted(row.pk for row in rows)


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_every_message_exactly_once(shop, fake_esp, monkeypatch):
    monkeypatch.setitem(dispatch.BATCH_SIZE, "email", 10)
    rows = queued_notifications(shop, make_customer(shop), 120)

    def worker() -> None:
        try:
            while dispatch_batch(tenant=shop, channel="email").claimed:
                pass
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    subjects = [message["Subject"] for message in fake_esp.messages]
    assert sorted(subjects) == sorted(row.subject for row in rows)
    assert {row.status for row in notifications_of(shop)} == {S.SENT}


@pytest.mark.django_db
def test_rows_of_a_worker_that_died_are_sent_again_after_their_lease(
    shop, fake_esp, nudges, time_machine, settings
):
    rows = queued_notifications(shop, make_customer(shop), 3)
    lease = now() + timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    claim(tenant=shop, channel="email", limit=10, lease_until=lease)  # ...and the worker is killed here
    assert sweep().released == 0

    time_machine.move_to(lease + timedelta(seconds=1))
    report = sweep()

    assert report.released == 3
    assert {(reload(row).status, reload(row).attempts) for row in rows} == {(S.QUEUED, 1)}
    assert attempts_of(rows[0])[0].outcome == AttemptOutcome.LEASE_EXPIRED
    assert nudges.channels() == ["email"]
    dispatch_batch(tenant=shop, channel="email")
    assert len(fake_esp.messages) == 3


@pytest.mark.django_db
def test_a_worker_whose_lease_ran_out_does_not_overwrite_the_new_claimers_outcome(shop, time_machine):
    [row] = queued_notifications(shop, make_customer(shop), 1)
    first_lease = now() + timedelta(seconds=5)
    [stale] = claim(tenant=shop, channel="email", limit=1, lease_until=first_lease)
    time_machine.move_to(first_lease + timedelta(seconds=1))
    sweep()
    claim(tenant=shop, channel="email", limit=1, lease_until=now() + timedelta(minutes=2))

    ours = record(
        tenant=shop,
        rows=[stale],
        results=[None],
        outcomes=[dispatch._outcome(stale, None, now())],
        provider="postmark",
        lease_until=first_lease,
        started=now(),
    )

    assert ours == set()
    assert reload(row).status == S.SENDING


@pytest.mark.django_db
def test_the_sweep_nudges_due_rows_and_forces_those_that_waited_too_long(
    shop, nudges, time_machine, settings
):
    customer = make_customer(shop)
    queued_notifications(shop, customer, 1, channel="sms")
    queued_notifications(shop, customer, 1, next_attempt_at=now() + timedelta(hours=1))

    sweep()
    sweep()  # the pending flag stands: no second task
    assert nudges.channels() == ["sms"]

    time_machine.move_to(now() + timedelta(seconds=settings.NOTIFY_SWEEP_GRACE_SECONDS + 1))
    sweep()  # waited longer than the grace: forced despite the flag
    assert nudges.channels() == ["sms", "sms"]
