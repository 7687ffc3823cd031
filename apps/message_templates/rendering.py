"""Render template content: approved versions for senders, any content with sample data for previews.

`render_version` is what senders call: an approved version plus a plain-data context gives a
`RenderedMessage` for one channel. `preview_content` renders content (saved or not) with the
trigger's sample data, for the staff pages and for lint.
"""

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.html import linebreaks, urlize

from apps.message_templates.sandbox import TemplateRenderError, prepare_context, render_source
from apps.message_templates.sms import SmsStats, sms_stats
from apps.message_templates.triggers import (
    CHANNEL_LABELS,
    EMAIL_HTML,
    EMAIL_SUBJECT,
    EMAIL_TEXT,
    PORTAL_TEXT,
    SMS_TEXT,
    VOICE_SCRIPT,
    Trigger,
    trigger_for_key,
)

if TYPE_CHECKING:
    from apps.message_templates.models import TemplateVersion

# The content fields each channel sends; the first is the one that must be present.
CHANNEL_FIELDS = {
    "email": (EMAIL_TEXT, EMAIL_SUBJECT, EMAIL_HTML),
    "sms": (SMS_TEXT,),
    "voice": (VOICE_SCRIPT,),
    "portal": (PORTAL_TEXT, EMAIL_SUBJECT),
}


class ChannelNotAvailable(TemplateRenderError):
    """The version has no content for the requested channel."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def sample_context(
    trigger: Trigger, locale: str, *, overrides: Mapping[str, Any] | None = None, zone_name: str = "UTC"
) -> dict[str, Any]:
    return prepare_context(
        trigger.sample_context(locale, overrides=overrides),
        locale=locale,
        zone=zoneinfo.ZoneInfo(zone_name),
    )


def _clean_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return "\n".join(lines)


def render_content(*, content: Mapping[str, str], channel: str, context: dict[str, Any]) -> RenderedMessage:
    """Render one channel from content fields and an already prepared (plain, formatted) context."""
    if channel not in CHANNEL_FIELDS:
        raise ValueError(f"Unknown channel “{channel}”.")
    body_field = CHANNEL_FIELDS[channel][0]
    if not content.get(body_field, "").strip():
        raise ChannelNotAvailable(f"This template has no {CHANNEL_LABELS[channel]} variant.")
    text = _clean_text(render_source(content[body_field], context, html=False))
    subject, html = "", ""
    if channel in ("email", "portal"):
        subject = " ".join(render_source(content.get(EMAIL_SUBJECT, ""), context, html=False).split())
    if channel == "email":
        html = render_source(content.get(EMAIL_HTML, ""), context, html=True).strip()
        if not html:
            # No HTML variant: derive one from the text so HTML-only clients still show paragraphs.
            html = linebreaks(urlize(text, autoescape=True))
    return RenderedMessage(subject=subject, text=text, html=html)


def render_version(*, version: "TemplateVersion", channel: str, context: dict[str, Any]) -> RenderedMessage:
    """Render an (approved) version for one channel: "email", "sms", "voice" or "portal".

    `context` must be plain data with the trigger's variables (see `triggers.py`); dates and
    datetimes are formatted in the version's locale and the tenant's time zone. Raises
    `ChannelNotAvailable` when the version has no content for the channel, `TypeError` for a
    non-plain context and `TemplateRenderError` for anything else that goes wrong.
    """
    tenant = version.tenant
    prepared = prepare_context(context, locale=version.locale, zone=zoneinfo.ZoneInfo(tenant.time_zone))
    return render_content(content=version.content, channel=channel, context=prepared)


@dataclass(frozen=True)
class Preview:
    channel: str
    message: RenderedMessage | None
    error: str = ""
    sms: SmsStats | None = None


def preview_content(
    *,
    key: str,
    content: Mapping[str, str],
    channel: str,
    locale: str,
    overrides: Mapping[str, Any] | None = None,
    zone_name: str = "UTC",
) -> Preview:
    """The content rendered for `channel` with the trigger's sample data in `locale`."""
    context = sample_context(trigger_for_key(key), locale, overrides=overrides, zone_name=zone_name)
    try:
        message = render_content(content=content, channel=channel, context=context)
    except TemplateRenderError as exc:
        return Preview(channel, None, str(exc))
    stats = sms_stats(message.text) if channel == "sms" else None
    return Preview(channel, message, sms=stats)
