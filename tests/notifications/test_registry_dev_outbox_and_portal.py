"""Choosing a channel, the dev outbox that never sends, and the portal inbox."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.notifications.channels.base import DeliveryError, ProviderStatus
from apps.notifications.channels.dev_outbox import DevOutboxChannel
from apps.notifications.channels.email import EmailChannel
from apps.notifications.channels.portal import PortalChannel
from apps.notifications.channels.registry import channel_for
from apps.notifications.channels.sms import SmsChannel
from apps.notifications.channels.voice import VoiceChannel
from apps.notifications.models import DevOutboxMessage, PortalInboxMessage
from tests.notifications.factories import outbound

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_mode(settings):
    settings.DEV_OUTBOX = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = settings.TWILIO_FROM_NUMBER = ""


@pytest.mark.parametrize("name", ["email", "sms", "voice"])
def test_dev_mode_without_credentials_uses_the_dev_outbox(dev_mode, name):
    channel = channel_for(name)

    assert isinstance(channel, DevOutboxChannel)
    assert channel.name == name


def test_dev_mode_uses_real_providers_whose_credentials_are_set(dev_mode, fake_esp, fake_twilio):
    assert isinstance(channel_for("email"), EmailChannel)
    assert isinstance(channel_for("sms"), SmsChannel)
    assert isinstance(channel_for("voice"), VoiceChannel)


def test_dev_mode_with_only_email_credentials_keeps_sms_in_the_outbox(dev_mode, fake_esp):
    assert isinstance(channel_for("email"), EmailChannel)
    assert isinstance(channel_for("sms"), DevOutboxChannel)


def test_without_dev_outbox_missing_twilio_credentials_fail_loudly(settings):
    settings.TWILIO_ACCOUNT_SID = ""

    with pytest.raises(ImproperlyConfigured):
        channel_for("sms")


def test_portal_is_always_the_portal_inbox(dev_mode):
    assert isinstance(channel_for("portal"), PortalChannel)


def test_unknown_channel_is_an_error():
    with pytest.raises(ValueError):
        channel_for("pigeon")


def test_dev_outbox_stores_the_message_and_sends_nothing(dev_mode, actors, fake_esp):
    message = outbound(
        actors.tenant_a.pk, html="<p>Hi</p>", reply_token="tok_abcdef", metadata={"trigger": "x"}
    )

    result = DevOutboxChannel("email").send(message)

    stored = DevOutboxMessage.objects.for_tenant(actors.tenant_a).get()
    assert result.status == ProviderStatus.DELIVERED
    assert result.provider_message_id == stored.provider_message_id
    assert (stored.channel, stored.to_address, stored.html, stored.reply_token) == (
        "email",
        "ada@example.test",
        "<p>Hi</p>",
        "tok_abcdef",
    )
    assert stored.metadata == {"trigger": "x"}
    assert fake_esp.requests == 0


def test_dev_outbox_captures_a_replayed_message_once(actors):
    channel = DevOutboxChannel("sms")
    message = outbound(actors.tenant_a.pk, "sms", idempotency_key="order.shipped:1:sms")

    first, second = channel.send(message), channel.send(message)

    assert first.provider_message_id == second.provider_message_id
    assert DevOutboxMessage.objects.for_tenant(actors.tenant_a).count() == 1


def test_portal_message_lands_in_the_customer_inbox_once(actors):
    message = outbound(actors.tenant_a.pk, "portal", to="42", idempotency_key="case.resolved:5:portal")

    result = channel_for("portal").send(message)
    channel_for("portal").send(message)

    stored = PortalInboxMessage.objects.for_tenant(actors.tenant_a).get()
    assert (stored.customer_id, stored.subject, stored.text) == (42, "Update", "Your case was updated.")
    assert result.provider_message_id == f"portal-{stored.pk}"
    assert result.status == ProviderStatus.DELIVERED


def test_portal_message_needs_a_customer_id(actors):
    with pytest.raises(DeliveryError) as error:
        channel_for("portal").send(outbound(actors.tenant_a.pk, "portal", to="ada@example.test"))

    assert (error.value.permanent, error.value.code) == (True, "bad_customer")
