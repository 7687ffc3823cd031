"""The email channel runs the real anymail Postmark backend against the fake ESP."""

import time

import pytest
from django.core import mail

from apps.notifications.channels.base import DeliveryError, ProviderResult, ProviderStatus
from apps.notifications.channels.email import EmailChannel
from apps.notifications.channels.registry import channel_for
from tests.notifications.factories import outbound

pytestmark = pytest.mark.django_db


def test_accepted_email_returns_postmark_message_id(fake_esp):
    result = channel_for("email").send(outbound(1, html="<p>It is on its way.</p>", sender_name="Alpha Ltd"))

    sent = fake_esp.messages[0]
    assert result.provider == "postmark"
    assert result.provider_message_id == sent["MessageID"]
    assert result.status == ProviderStatus.ACCEPTED
    assert sent["To"] == "ada@example.test"
    assert sent["From"] == "Alpha Ltd <no-reply@tidings.localhost>"
    assert sent["Subject"] == "Your order shipped"
    assert sent["TextBody"] == "It is on its way."
    assert sent["HtmlBody"] == "<p>It is on its way.</p>"


def test_reply_token_travels_in_reply_to_and_idempotency_key_in_metadata(fake_esp, settings):
    settings.NOTIFY_REPLY_TO_ADDRESS = "reply@in.tidings.example"

    channel_for("email").send(outbound(7, reply_token="tok_123456", idempotency_key="order.shipped:9:email"))

    sent = fake_esp.messages[0]
    assert sent["ReplyTo"] == "reply+tok_123456@in.tidings.example"
    assert sent["Metadata"] == {"tenant_id": "7", "idempotency_key": "order.shipped:9:email"}


def test_overlong_idempotency_key_is_sent_as_its_hash(fake_esp):
    channel_for("email").send(outbound(1, idempotency_key="k" * 200))

    assert len(fake_esp.messages[0]["Metadata"]["idempotency_key"]) == 64


@pytest.mark.parametrize("kind", ["500", "429", "timeout"])
def test_server_error_rate_limit_and_timeout_are_transient(fake_esp, kind):
    fake_esp.configure(fail_next=[kind])

    started = time.monotonic()
    with pytest.raises(DeliveryError) as error:
        channel_for("email").send(outbound(1))

    assert error.value.permanent is False
    assert error.value.bad_address is False
    assert error.value.code == {"500": "http_500", "429": "http_429", "timeout": "timeout"}[kind]
    assert time.monotonic() - started < 5  # the client gave up after NOTIFY_HTTP_TIMEOUT_SECONDS
    assert fake_esp.messages == []


def test_unreachable_esp_is_transient(fake_esp, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_API_URL": "http://127.0.0.1:9/"}

    with pytest.raises(DeliveryError) as error:
        channel_for("email").send(outbound(1))

    assert (error.value.permanent, error.value.code) == (False, "connection")


def test_hard_bounced_address_is_permanent_and_condemns_the_address(fake_esp):
    fake_esp.configure(hard_bounce={"ada@example.test"})

    with pytest.raises(DeliveryError) as error:
        channel_for("email").send(outbound(1))

    assert (error.value.permanent, error.value.bad_address, error.value.code) == (True, True, "rejected")


def test_invalid_address_is_permanent_and_condemns_the_address(fake_esp):
    fake_esp.configure(invalid={"ada@example.test"})

    with pytest.raises(DeliveryError) as error:
        channel_for("email").send(outbound(1))

    assert (error.value.permanent, error.value.bad_address, error.value.code) == (True, True, "invalid")


def test_malformed_address_never_reaches_the_esp(fake_esp):
    with pytest.raises(DeliveryError) as error:
        channel_for("email").send(outbound(1, to="not an address"))

    assert (error.value.bad_address, error.value.code) == (True, "invalid")
    assert fake_esp.requests == 0


def test_refused_token_is_permanent_but_not_the_address_fault(fake_esp):
    fake_esp.configure(server_token="another-token")

    with pytest.raises(DeliveryError) as error:
        channel_for("email").send(outbound(1))

    assert (error.value.permanent, error.value.bad_address, error.value.code) == (True, False, "http_401")


def test_batch_goes_out_in_one_request_with_one_outcome_per_message(fake_esp):
    fake_esp.configure(hard_bounce={"gone@example.test"}, invalid={"bad@example.test"})
    messages = [
        outbound(1, to="ada@example.test"),
        outbound(1, to="gone@example.test"),
        outbound(1, to="grace@example.test", subject="Different content"),
        outbound(1, to="bad@example.test"),
    ]

    outcomes = channel_for("email").send_batch(messages)

    assert fake_esp.requests == 1
    assert [m["endpoint"] for m in fake_esp.messages] == ["email/batch", "email/batch"]
    assert isinstance(outcomes[0], ProviderResult) and isinstance(outcomes[2], ProviderResult)
    assert outcomes[2].provider_message_id == fake_esp.messages[1]["MessageID"]
    assert fake_esp.messages[1]["Subject"] == "Different content"
    assert (outcomes[1].bad_address, outcomes[1].code) == (True, "rejected")
    assert (outcomes[3].bad_address, outcomes[3].code) == (True, "invalid")


def test_batch_with_a_malformed_address_still_sends_the_others(fake_esp):
    outcomes = channel_for("email").send_batch([outbound(1, to="nope"), outbound(1)])

    assert isinstance(outcomes[0], DeliveryError) and outcomes[0].bad_address
    assert isinstance(outcomes[1], ProviderResult)


@pytest.mark.parametrize("kind", ["500", "429", "timeout"])
def test_failed_batch_request_fails_every_message_transiently(fake_esp, kind):
    fake_esp.configure(fail_next=[kind])

    outcomes = channel_for("email").send_batch([outbound(1), outbound(1, to="grace@example.test")])

    assert all(isinstance(o, DeliveryError) and not o.permanent for o in outcomes)


def test_batch_of_more_than_500_is_split(fake_esp):
    outcomes = channel_for("email").send_batch([outbound(1, to=f"c{i}@example.test") for i in range(501)])

    assert fake_esp.requests == 2
    assert len(outcomes) == 501
    assert all(isinstance(o, ProviderResult) for o in outcomes)


def test_plain_django_backend_works_with_our_message_id(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    result = EmailChannel().send(outbound(1))

    assert result.provider == "django"
    assert mail.outbox[0].extra_headers["Message-ID"] == result.provider_message_id


def test_batch_on_a_backend_without_batch_api_sends_each_over_one_connection(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    outcomes = EmailChannel().send_batch([outbound(1), outbound(1, to="grace@example.test")])

    assert [email.to for email in mail.outbox] == [["ada@example.test"], ["grace@example.test"]]
    assert [o.provider_message_id for o in outcomes] == [e.extra_headers["Message-ID"] for e in mail.outbox]
