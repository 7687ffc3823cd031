"""SMS through the Twilio Messages API. Twilio has no batch endpoint: `send_batch` is the base loop."""

from apps.notifications.channels.base import OutboundMessage, ProviderResult
from apps.notifications.channels.twilio_client import TwilioChannel


class SmsChannel(TwilioChannel):
    name = "sms"

    def send(self, message: OutboundMessage) -> ProviderResult:
        return self._create(self.client.messages, message, body=message.text)
