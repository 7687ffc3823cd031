"""What a notification says on its channel: rendered once, when the row is created, then frozen.

Automatic notifications render an approved template version; an agent's reply or a hand-over note
is the text written on the case timeline, laid out for the channel.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.html import linebreaks, urlize

from apps.message_templates.rendering import render_content
from apps.notifications.models import ChannelName

if TYPE_CHECKING:
    from apps.cases.models import Case
    from apps.message_templates.models import TemplateVersion


@dataclass(frozen=True)
class Content:
    subject: str = ""
    text: str = ""
    html: str = ""
    voice_script: str = ""


def render_for_channel(*, version: "TemplateVersion", channel: str, prepared: dict[str, Any]) -> Content:
    """`version` rendered for `channel` with an already prepared context (dates formatted).

    Raises `ChannelNotAvailable` when the version has no variant for the channel and
    `TemplateRenderError` when it cannot be rendered with this data.
    """
    message = render_content(content=version.content, channel=channel, context=prepared)
    if channel == ChannelName.VOICE:
        return Content(voice_script=message.text)
    return Content(subject=message.subject, text=message.text, html=message.html)


def written_message(*, subject: str, body: str, channel: str) -> Content:
    """Text written by a person (not a template) laid out for `channel`."""
    if channel == ChannelName.EMAIL:
        return Content(subject=subject, text=body, html=linebreaks(urlize(body, autoescape=True)))
    if channel == ChannelName.VOICE:
        return Content(voice_script=body)
    if channel == ChannelName.PORTAL:
        return Content(subject=subject, text=body)
    return Content(text=body)


def case_message(*, case: "Case", body: str, channel: str) -> Content:
    """A message written on the case (agent reply, hand-over) for `channel`.

    Email and portal subjects carry the case reference in brackets, so a reply whose reply token was
    lost still threads by the reference in its subject.
    """
    return written_message(subject=f"Re: {case.subject} [{case.reference}]", body=body, channel=channel)
