"""Inbound email (Postmark inbound webhook) and SMS (Twilio), and the SMS compliance keywords."""

import pytest

from apps.notifications.keywords import sms_keyword
from apps.notifications.models import InboundMessageRecord, SmsKeyword
from apps.notifications.replies import case_reference_from_subject, reply_address, reply_token_from_addresses
from tests.conftest import client_for
from tests.notifications.webhook_calls import POSTMARK_CREDENTIALS, TWILIO_TOKEN, postmark_post, twilio_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secrets")]

INBOUND_EMAIL = "/webhooks/email/postmark/inbound/"
INBOUND_SMS = "/webhooks/twilio/sms/"


@pytest.fixture(autouse=True)
def reply_address_setting(settings):
    settings.NOTIFY_REPLY_TO_ADDRESS = "reply@in.tidings.example"


def postmark_inbound(**overrides) -> dict:
    payload = {
        "FromName": "Ada Lovelace",
        "MessageStream": "inbound",
        "From": "ada@example.test",
        "FromFull": {"Email": "ada@example.test", "Name": "Ada Lovelace"},
        "To": "reply+tok_9f8e7d6c@in.tidings.example",
        "ToFull": [{"Email": "reply+tok_9f8e7d6c@in.tidings.example", "Name": ""}],
        "CcFull": [],
        "OriginalRecipient": "reply+tok_9f8e7d6c@in.tidings.example",
        "Subject": "Re: Your order shipped",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "Date": "Tue, 24 Nov 2026 10:00:00 +0000",
        "TextBody": "Thanks! Where is it now?\n\n> On Monday you wrote: ...",
        "HtmlBody": "<p>Thanks! Where is it now?</p>",
        "StrippedTextReply": "Thanks! Where is it now?",
        "Headers": [{"Name": "X-Spam-Status", "Value": "No"}],
        "Attachments": [],
    }
    return {**payload, **overrides}


def post_email(tenant, payload: dict, credentials: str = POSTMARK_CREDENTIALS):
    return postmark_post(tenant, INBOUND_EMAIL, payload, credentials)


def post_sms(tenant, body: str, token: str = TWILIO_TOKEN):
    params = {"MessageSid": "SM1", "From": "+447700900123", "To": "+15005550006", "Body": body}
    return twilio_post(tenant, INBOUND_SMS, params, token)


def inbound(tenant):
    return list(InboundMessageRecord.objects.for_tenant(tenant).order_by("id"))


def test_email_reply_with_token_in_the_address_is_recorded_with_the_token(actors):
    response = post_email(actors.tenant_a, postmark_inbound())

    assert response.status_code == 200
    [message] = inbound(actors.tenant_a)
    assert (message.channel, message.provider, message.provider_message_id) == (
        "email",
        "postmark",
        "73e6d360-66eb-11e1-8e72-a8904824019b",
    )
    assert message.from_address == "ada@example.test"
    assert message.reply_token == "tok_9f8e7d6c"
    assert message.case_reference == ""
    assert message.text == "Thanks! Where is it now?"  # the reply without the quoted history
    assert message.html == "<p>Thanks! Where is it now?</p>"
    assert inbound(actors.tenant_b) == []


def test_email_reply_with_case_reference_in_the_subject_is_recorded_with_it(actors):
    post_email(
        actors.tenant_a,
        postmark_inbound(
            To="support@alpha.example",
            ToFull=[{"Email": "support@alpha.example", "Name": ""}],
            OriginalRecipient="support@alpha.example",
            Subject="Re: Your delivery is late [ACME-1042]",
            StrippedTextReply="",
        ),
    )

    [message] = inbound(actors.tenant_a)
    assert (message.reply_token, message.case_reference) == ("", "ACME-1042")
    assert message.to_address == "support@alpha.example"
    assert message.text.startswith("Thanks! Where is it now?")


def test_email_redelivered_by_postmark_is_stored_once(actors):
    post_email(actors.tenant_a, postmark_inbound())
    post_email(actors.tenant_a, postmark_inbound())

    assert len(inbound(actors.tenant_a)) == 1


def test_inbound_email_with_wrong_credentials_gets_403_and_stores_nothing(actors):
    response = post_email(actors.tenant_a, postmark_inbound(), credentials="postmark:guess")

    assert response.status_code == 403
    assert inbound(actors.tenant_a) == []


def test_tracking_event_sent_to_the_inbound_url_is_a_400(actors):
    response = post_email(actors.tenant_a, {"RecordType": "Delivery", "MessageID": "x"})

    assert response.status_code == 400
    assert inbound(actors.tenant_a) == []


def test_ordinary_sms_is_recorded_and_gets_an_empty_twiml_answer(actors):
    response = post_sms(actors.tenant_a, "When will my parcel arrive?")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content.decode() == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    [message] = inbound(actors.tenant_a)
    assert (message.channel, message.from_address, message.text, message.keyword) == (
        "sms",
        "+447700900123",
        "When will my parcel arrive?",
        "",
    )


def test_stop_is_recorded_as_the_keyword_and_confirmed(actors):
    response = post_sms(actors.tenant_a, "STOP")

    assert "you are unsubscribed" in response.content.decode()
    assert "Alpha Ltd" in response.content.decode()
    assert inbound(actors.tenant_a)[0].keyword == SmsKeyword.STOP


def test_help_answers_who_we_are_and_how_to_stop(actors):
    body = post_sms(actors.tenant_a, "help").content.decode()

    assert "<Message>Alpha Ltd: " in body
    assert "Reply STOP to unsubscribe" in body
    assert inbound(actors.tenant_a)[0].keyword == SmsKeyword.HELP


def test_start_resubscribes(actors):
    body = post_sms(actors.tenant_a, " Start ").content.decode()

    assert "subscribed to text messages again" in body
    assert inbound(actors.tenant_a)[0].keyword == SmsKeyword.START


def test_unsigned_inbound_sms_gets_403_stores_nothing_and_answers_nothing(actors):
    response = client_for(actors.tenant_a).post(INBOUND_SMS, {"MessageSid": "SM1", "Body": "STOP"})

    assert response.status_code == 403
    assert inbound(actors.tenant_a) == []


def test_inbound_sms_signed_with_another_token_gets_403(actors):
    assert post_sms(actors.tenant_a, "STOP", token="not-ours").status_code == 403
    assert inbound(actors.tenant_a) == []


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("STOP", SmsKeyword.STOP),
        ("stop", SmsKeyword.STOP),
        ("  Stop \n", SmsKeyword.STOP),
        ("Stop.", SmsKeyword.STOP),
        ("STOPALL", SmsKeyword.STOP),
        ("unsubscribe", SmsKeyword.STOP),
        ("Cancel", SmsKeyword.STOP),
        ("END", SmsKeyword.STOP),
        ("quit!", SmsKeyword.STOP),
        ("START", SmsKeyword.START),
        ("unstop", SmsKeyword.START),
        ("HELP", SmsKeyword.HELP),
        ("Info", SmsKeyword.HELP),
        ("please don't stop my order", None),
        ("STOP IT", None),
        ("", None),
        ("Thanks", None),
    ],
)
def test_sms_keyword_is_the_whole_message_in_any_case(text, keyword):
    assert sms_keyword(text) == keyword


def test_reply_address_round_trips_its_token(settings):
    settings.NOTIFY_REPLY_TO_ADDRESS = "reply@in.tidings.example"

    address = reply_address("tok_9f8e7d6c")

    assert address == "reply+tok_9f8e7d6c@in.tidings.example"
    assert (
        reply_token_from_addresses(["someone@else.example", f"Support <{address.upper()}>"]) == "tok_9f8e7d6c"
    )


def test_plus_addresses_of_other_mailboxes_are_not_reply_tokens(settings):
    settings.NOTIFY_REPLY_TO_ADDRESS = "reply@in.tidings.example"

    assert (
        reply_token_from_addresses(["ada+shopping@example.test", "reply+tok_9f8e7d6c@elsewhere.example"])
        == ""
    )


@pytest.mark.parametrize("token", ["a@b>cdef", "UPPER-case", "short"])
def test_reply_address_refuses_a_token_that_could_break_or_lose_case(token):
    with pytest.raises(ValueError):
        reply_address(token)


@pytest.mark.parametrize(
    ("subject", "reference"),
    [
        ("Re: late [ACME-1042]", "ACME-1042"),
        ("[AB-7] Fwd: help", "AB-7"),
        ("Re: [acme-1042]", ""),
        ("Hi", ""),
    ],
)
def test_case_reference_is_read_from_the_subject(subject, reference):
    assert case_reference_from_subject(subject) == reference
