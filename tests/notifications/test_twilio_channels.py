"""SMS and voice run the real twilio client, through our HTTP client, against the fake Twilio."""

import pytest
import requests

from apps.notifications.channels.base import DeliveryError, ProviderStatus
from apps.notifications.channels.registry import channel_for
from apps.notifications.channels.twilio_client import TimeoutTwilioHttpClient
from tests.notifications.factories import outbound

pytestmark = pytest.mark.django_db


def test_accepted_sms_returns_twilio_sid_and_asks_for_status_callbacks(fake_twilio, actors):
    result = channel_for("sms").send(
        outbound(actors.tenant_a.pk, "sms", text="Your parcel is out for delivery.")
    )

    sent = fake_twilio.messages[0]
    assert result.provider == "twilio"
    assert result.provider_message_id == sent["sid"]
    assert result.provider_message_id.startswith("SM")
    assert result.status == ProviderStatus.QUEUED
    assert result.raw == {"status": "queued", "num_segments": "1"}
    assert (sent["To"], sent["From"], sent["Body"]) == (
        "+447700900123",
        "+15005550006",
        "Your parcel is out for delivery.",
    )
    assert sent["StatusCallback"] == "http://alpha.localhost/webhooks/twilio/status/"


def test_tenant_without_a_host_gets_no_status_callback(fake_twilio, actors):
    actors.tenant_a.domains.all().delete()

    channel_for("sms").send(outbound(actors.tenant_a.pk, "sms"))

    assert "StatusCallback" not in fake_twilio.messages[0]


def test_status_callback_carries_the_public_port_when_set(fake_twilio, actors, settings):
    settings.PUBLIC_URL_PORT = "8000"

    channel_for("sms").send(outbound(actors.tenant_a.pk, "sms"))

    assert fake_twilio.messages[0]["StatusCallback"] == "http://alpha.localhost:8000/webhooks/twilio/status/"


def test_voice_call_says_the_script_as_escaped_twiml(fake_twilio, actors):
    result = channel_for("voice").send(
        outbound(actors.tenant_a.pk, "voice", voice_script="Delivery <delayed> & rescheduled.")
    )

    call = fake_twilio.messages[0]
    assert result.provider_message_id.startswith("CA")
    assert call["kind"] == "Calls"
    assert call["Twiml"] == (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<Response><Say>Delivery &lt;delayed&gt; &amp; rescheduled.</Say></Response>"
    )


def test_voice_call_without_a_script_is_refused_before_calling(fake_twilio, actors):
    with pytest.raises(DeliveryError) as error:
        channel_for("voice").send(outbound(actors.tenant_a.pk, "voice", voice_script=" ", text=""))

    assert (error.value.permanent, error.value.code) == (True, "empty_script")
    assert fake_twilio.requests == 0


@pytest.mark.parametrize(
    ("numbers", "code"),
    [("invalid_numbers", "21211"), ("unsubscribed_numbers", "21610"), ("landline_numbers", "21614")],
)
def test_invalid_unsubscribed_or_landline_number_is_permanent_and_condemns_it(
    fake_twilio, actors, numbers, code
):
    fake_twilio.configure(**{numbers: {"+447700900123"}})

    with pytest.raises(DeliveryError) as error:
        channel_for("sms").send(outbound(actors.tenant_a.pk, "sms"))

    assert (error.value.permanent, error.value.bad_address, error.value.code) == (True, True, code)


def test_invalid_number_for_a_call_is_permanent(fake_twilio, actors):
    fake_twilio.configure(invalid_numbers={"+447700900123"})

    with pytest.raises(DeliveryError) as error:
        channel_for("voice").send(outbound(actors.tenant_a.pk, "voice"))

    assert (error.value.bad_address, error.value.code) == (True, "21211")


@pytest.mark.parametrize(("kind", "code"), [("500", "20500"), ("429", "20429"), ("timeout", "timeout")])
@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_server_error_rate_limit_and_timeout_are_transient(fake_twilio, actors, channel, kind, code):
    fake_twilio.configure(fail_next=[kind])

    with pytest.raises(DeliveryError) as error:
        channel_for(channel).send(outbound(actors.tenant_a.pk, channel))

    assert (error.value.permanent, error.value.bad_address, error.value.code) == (False, False, code)


def test_wrong_credentials_are_permanent_but_not_the_number_fault(fake_twilio, actors, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong"

    with pytest.raises(DeliveryError) as error:
        channel_for("sms").send(outbound(actors.tenant_a.pk, "sms"))

    assert (error.value.permanent, error.value.bad_address, error.value.code) == (True, False, "20003")


def test_unreachable_twilio_is_transient(fake_twilio, actors, settings):
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"

    with pytest.raises(DeliveryError) as error:
        channel_for("sms").send(outbound(actors.tenant_a.pk, "sms"))

    assert (error.value.permanent, error.value.code) == (False, "connection")


def test_sms_batch_sends_each_and_reports_each(fake_twilio, actors):
    fake_twilio.configure(unsubscribed_numbers={"+447700900999"})
    messages = [outbound(actors.tenant_a.pk, "sms"), outbound(actors.tenant_a.pk, "sms", to="+447700900999")]

    outcomes = channel_for("sms").send_batch(messages)

    assert outcomes[0].provider_message_id == fake_twilio.messages[0]["sid"]
    assert isinstance(outcomes[1], DeliveryError) and outcomes[1].code == "21610"


def test_http_client_always_sends_a_timeout_even_when_twilio_passes_none(monkeypatch):
    seen = {}

    def fake_send(session, prepared, **kwargs):
        seen["timeout"] = kwargs["timeout"]
        seen["url"] = prepared.url
        raise requests.ConnectionError("stop here")

    monkeypatch.setattr(requests.Session, "send", fake_send)
    client = TimeoutTwilioHttpClient(timeout=2.5, base_url="http://127.0.0.1:8026")

    with pytest.raises(requests.ConnectionError):
        client.request("POST", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", timeout=None)

    assert seen == {"timeout": 2.5, "url": "http://127.0.0.1:8026/2010-04-01/Accounts/AC1/Messages.json"}


def test_http_client_refuses_to_exist_without_a_timeout():
    with pytest.raises(ValueError):
        TimeoutTwilioHttpClient(timeout=0)


def test_without_api_base_requests_go_to_twilio_itself(monkeypatch):
    seen = {}

    def fake_send(session, prepared, **kwargs):
        seen["url"] = prepared.url
        raise requests.ConnectionError("stop here")

    monkeypatch.setattr(requests.Session, "send", fake_send)
    with pytest.raises(requests.ConnectionError):
        TimeoutTwilioHttpClient(timeout=1).request(
            "GET", "https://api.twilio.com/2010-04-01/Accounts/AC1.json"
        )

    assert seen["url"] == "https://api.twilio.com/2010-04-01/Accounts/AC1.json"
