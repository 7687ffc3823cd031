"""The development default: keep the message for /app/dev-outbox/ and send nothing (like Mailpit)."""

from apps.notifications.channels.base import Channel, OutboundMessage, ProviderResult, ProviderStatus
from apps.notifications.services import dev_outbox_capture


class DevOutboxChannel(Channel):
    provider = "dev_outbox"

    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, message: OutboundMessage) -> ProviderResult:
        stored = dev_outbox_capture(message=message)
        return ProviderResult(
            provider=self.provider,
            provider_message_id=stored.provider_message_id,
            status=ProviderStatus.DELIVERED,
        )
