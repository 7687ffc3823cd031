"""Which class sends a channel's messages: the real provider, or the dev outbox.

`DEV_OUTBOX = False` (tests, production): always the real provider: email through `EMAIL_BACKEND`,
SMS and voice through Twilio, whose missing credentials raise `ImproperlyConfigured` rather than
sending into a void. `DEV_OUTBOX = True` (`make run`): the real provider only for channels whose
credentials are configured (an anymail ESP or SMTP backend; Twilio SID, token and number), the dev
outbox for the rest. The portal inbox is ours, so it is always real.
"""

from django.conf import settings

from apps.notifications.channels.base import Channel
from apps.notifications.channels.dev_outbox import DevOutboxChannel
from apps.notifications.channels.email import EmailChannel
from apps.notifications.channels.portal import PortalChannel
from apps.notifications.channels.sms import SmsChannel
from apps.notifications.channels.twilio_client import twilio_configured
from apps.notifications.channels.voice import VoiceChannel
from apps.notifications.models import ChannelName

# Backends that print or keep mail instead of delivering it do not count as configured.
NON_DELIVERING_BACKENDS = ("anymail.backends.test", "anymail.backends.console")


def email_configured() -> bool:
    backend = settings.EMAIL_BACKEND
    if backend.startswith(NON_DELIVERING_BACKENDS):
        return False
    return backend.startswith("anymail.backends.") or backend == "django.core.mail.backends.smtp.EmailBackend"


PROVIDERS = {
    ChannelName.EMAIL: (EmailChannel, email_configured),
    ChannelName.SMS: (SmsChannel, twilio_configured),
    ChannelName.VOICE: (VoiceChannel, twilio_configured),
}


def channel_for(name: str) -> Channel:
    if name == ChannelName.PORTAL:
        return PortalChannel()
    if name not in PROVIDERS:
        raise ValueError(f"Unknown channel “{name}”.")
    channel_class, configured = PROVIDERS[name]
    if settings.DEV_OUTBOX and not configured():
        return DevOutboxChannel(name)
    return channel_class()
