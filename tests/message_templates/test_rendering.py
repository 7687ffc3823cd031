"""render_version and previews: each channel, autoescaped HTML, dates in the tenant's zone and locale."""

import datetime

import pytest

from apps.message_templates.rendering import ChannelNotAvailable, preview_content, render_version
from apps.message_templates.triggers import TRIGGERS
from tests.message_templates.factories import TemplateVersionFactory, default_content

pytestmark = pytest.mark.django_db

SHIPPED = {
    "customer": {"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace"},
    "company": {"name": "Alpha <Ltd>", "support_email": "", "support_phone": "", "brand_colour": "#123456"},
    "links": {
        "portal": "https://p.example/",
        "preferences": "https://p.example/pref",
        "order": "https://p.example/o/1",
    },
    "order": {
        "number": "A-1",
        "date": datetime.date(2026, 3, 2),
        "carrier": "DHL",
        "tracking_number": "TRK123",
        "tracking_url": "https://track.example/TRK123?a=1&b=2",
        "expected_date": None,
    },
}


@pytest.fixture
def shipped_version(actors):
    return TemplateVersionFactory(
        template__tenant=actors.tenant_a, template__key="order.shipped", approved=True
    )


def test_email_renders_subject_text_and_escaped_html(shipped_version):
    message = render_version(version=shipped_version, channel="email", context=SHIPPED)
    assert message.subject == "Your order A-1 is on its way"
    assert "Tracking number: TRK123" in message.text
    assert "Track your parcel: https://track.example/TRK123?a=1&b=2" in message.text
    assert "Alpha <Ltd>" in message.text
    assert "Alpha &lt;Ltd&gt;" in message.html
    assert 'href="https://track.example/TRK123?a=1&amp;b=2"' in message.html
    assert "It should arrive" not in message.text  # expected_date is None: the optional line is left out


def test_sms_voice_and_portal_render_their_own_fields(shipped_version):
    sms = render_version(version=shipped_version, channel="sms", context=SHIPPED)
    assert sms.text.startswith("Alpha <Ltd>: Your order A-1 has shipped with DHL.")
    assert (sms.subject, sms.html) == ("", "")
    voice = render_version(version=shipped_version, channel="voice", context=SHIPPED)
    assert "T R K 1 2 3" in voice.text
    portal = render_version(version=shipped_version, channel="portal", context=SHIPPED)
    assert portal.subject == "Your order A-1 is on its way"
    assert portal.text.startswith("Hello Ada,")


def test_missing_channel_raises_channel_not_available(shipped_version):
    shipped_version.voice_script = ""
    with pytest.raises(ChannelNotAvailable):
        render_version(version=shipped_version, channel="voice", context=SHIPPED)


def test_email_without_html_gets_html_from_its_text(shipped_version):
    shipped_version.email_html = ""
    message = render_version(version=shipped_version, channel="email", context=SHIPPED)
    assert "<p>Hello Ada,</p>" in message.html
    assert "Alpha &lt;Ltd&gt;" in message.html


def test_datetimes_are_shown_in_the_tenant_zone_and_version_locale(actors):
    actors.tenant_a.time_zone = "Europe/Berlin"
    version = TemplateVersionFactory(
        template__tenant=actors.tenant_a, template__key="case.acknowledged", locale="de", approved=True
    )
    context = {
        "customer": {"full_name": "Anna Schmidt", "first_name": "Anna"},
        "company": {"name": "Alpha"},
        "links": {"case": "https://p.example/c/1", "preferences": ""},
        "case": {
            "reference": "C-1",
            "subject": "",
            "initial_assessment": "wir prüfen das",
            "expected_resolution": datetime.datetime(2026, 1, 5, 16, 0, tzinfo=datetime.UTC),
        },
    }
    message = render_version(version=version, channel="sms", context=context)
    assert "Lösung bis Montag, 5. Januar 2026, 17:00 Uhr" in message.text


def test_a_non_plain_context_is_refused(shipped_version):
    with pytest.raises(TypeError):
        render_version(
            version=shipped_version, channel="sms", context={**SHIPPED, "tenant": shipped_version.tenant}
        )


@pytest.mark.parametrize("key", [k for k in TRIGGERS if k != "reply"])
@pytest.mark.parametrize("channel", ["email", "sms", "voice", "portal"])
def test_every_default_previews_in_every_channel(key, channel):
    preview = preview_content(key=key, content=default_content(key, "de"), channel=channel, locale="de")
    assert preview.error == ""
    assert preview.message.text
