"""Voice: a Twilio call that reads the message aloud (TwiML `<Say>`), for urgent notices."""

from twilio.twiml.voice_response import VoiceResponse

from apps.notifications.channels.base import DeliveryError, OutboundMessage, ProviderResult
from apps.notifications.channels.twilio_client import TwilioChannel


def call_twiml(script: str) -> str:
    """The TwiML the call runs: say the script (escaped by the TwiML builder), then hang up."""
    response = VoiceResponse()
    response.say(script)
    return str(response)


class VoiceChannel(TwilioChannel):
    name = "voice"

    def send(self, message: OutboundMessage) -> ProviderResult:
        script = message.voice_script or message.text
        if not script.strip():
            raise DeliveryError("A voice call needs a script to read.", permanent=True, code="empty_script")
        return self._create(self.client.calls, message, twiml=call_twiml(script))
